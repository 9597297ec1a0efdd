package dev.egd.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered set of named tensors: a model's parameters, or anything shaped like them (gradients,
 * optimizer moments, filter state). Transforms match parameters and gradients by position, so a
 * gradient set must have its parameters' layout ({@link #zerosLike}, or {@link #of} over the caller's
 * own arrays in the same order).
 */
public final class ParamSet {
  private final List<Tensor> tensors;
  private final Map<String, Tensor> byName = new LinkedHashMap<>();

  /**
   * A set of the given tensors, in this order; the list is copied, the tensors and their arrays are shared.
   *
   * @param tensors the tensors, with unique names
   * @throws dev.egd.ValidationException ({@code tensor}) if two tensors have the same name
   */
  public ParamSet(List<Tensor> tensors) {
    this.tensors = Collections.unmodifiableList(new ArrayList<>(tensors));
    for (Tensor t : tensors) {
      if (byName.put(t.name, t) != null) throw new dev.egd.ValidationException("tensor", "names must be unique in a parameter set", t.name);
    }
  }

  /**
   * The tensors, in this order (their arrays are shared, not copied).
   *
   * @param tensors the tensors, with unique names
   * @return the set
   * @throws dev.egd.ValidationException ({@code tensor}) if two tensors have the same name
   */
  public static ParamSet of(Tensor... tensors) { return new ParamSet(List.of(tensors)); }

  /** @return the tensors in layout order, an unmodifiable list */
  public List<Tensor> tensors() { return tensors; }
  /** @return the number of tensors */
  public int count() { return tensors.size(); }
  /**
   * @param i a position in the layout, 0-based
   * @return the tensor at position {@code i}
   * @throws IndexOutOfBoundsException if there is no tensor {@code i}
   */
  public Tensor get(int i) { return tensors.get(i); }

  /**
   * @param name a tensor's name
   * @return the tensor of that name
   * @throws dev.egd.ValidationException ({@code tensor}) if there is none, listing the names there are
   */
  public Tensor get(String name) {
    Tensor t = byName.get(name);
    if (t == null) throw new dev.egd.ValidationException("tensor", "must be one of " + byName.keySet(), name);
    return t;
  }

  /**
   * @param name a tensor's name
   * @return its position in the layout
   * @throws dev.egd.ValidationException ({@code tensor}) if there is no tensor of that name
   */
  public int indexOf(String name) { return tensors.indexOf(get(name)); }

  /**
   * Zeros of the same layout.
   *
   * @return a new set of new zero tensors with the same names, shapes and kinds, in the same order
   */
  public ParamSet zerosLike() {
    List<Tensor> out = new ArrayList<>(tensors.size());
    for (Tensor t : tensors) out.add(t.zerosLike());
    return new ParamSet(out);
  }

  /** @return the total number of elements over all tensors */
  public long size() {
    long n = 0;
    for (Tensor t : tensors) n += t.size();
    return n;
  }

  /** Sets every element of every tensor to 0. */
  public void zero() {
    for (Tensor t : tensors) java.util.Arrays.fill(t.data, 0f);
  }

  /**
   * Copies the elements of another set of the same layout into this one's arrays.
   *
   * @param other a set with this one's layout (same count and sizes, by position); unchanged
   */
  public void copyFrom(ParamSet other) {
    for (int i = 0; i < tensors.size(); i++) {
      System.arraycopy(other.get(i).data, 0, tensors.get(i).data, 0, tensors.get(i).size());
    }
  }

  /**
   * this += other, tensor by tensor.
   *
   * @param other a set with this one's layout; unchanged
   */
  public void add(ParamSet other) {
    for (int i = 0; i < tensors.size(); i++) {
      float[] a = tensors.get(i).data, b = other.get(i).data;
      for (int j = 0; j < a.length; j++) a[j] += b[j];
    }
  }

  /**
   * Euclidean norm over the tensors of the given kind (null: all).
   *
   * @param kind the kind to include, or null for every tensor
   * @return sqrt of the sum of the squares of the included elements, 0 when none is included
   */
  public double norm(Tensor.Kind kind) {
    double acc = 0;
    for (Tensor t : tensors) if (kind == null || t.kind == kind) acc += t.squaredNorm();
    return Math.sqrt(acc);
  }

  /** @return whether no element is NaN or infinite */
  public boolean allFinite() {
    for (Tensor t : tensors) for (float v : t.data) if (!Float.isFinite(v)) return false;
    return true;
  }
}
