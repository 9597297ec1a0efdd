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

  public ParamSet(List<Tensor> tensors) {
    this.tensors = Collections.unmodifiableList(new ArrayList<>(tensors));
    for (Tensor t : tensors) {
      if (byName.put(t.name, t) != null) throw new dev.egd.ValidationException("tensor", "names must be unique in a parameter set", t.name);
    }
  }

  /** The tensors, in this order (their arrays are shared, not copied). */
  public static ParamSet of(Tensor... tensors) { return new ParamSet(List.of(tensors)); }

  public List<Tensor> tensors() { return tensors; }
  public int count() { return tensors.size(); }
  public Tensor get(int i) { return tensors.get(i); }

  public Tensor get(String name) {
    Tensor t = byName.get(name);
    if (t == null) throw new dev.egd.ValidationException("tensor", "must be one of " + byName.keySet(), name);
    return t;
  }

  public int indexOf(String name) { return tensors.indexOf(get(name)); }

  /** Zeros of the same layout. */
  public ParamSet zerosLike() {
    List<Tensor> out = new ArrayList<>(tensors.size());
    for (Tensor t : tensors) out.add(t.zerosLike());
    return new ParamSet(out);
  }

  public long size() {
    long n = 0;
    for (Tensor t : tensors) n += t.size();
    return n;
  }

  public void zero() {
    for (Tensor t : tensors) java.util.Arrays.fill(t.data, 0f);
  }

  public void copyFrom(ParamSet other) {
    for (int i = 0; i < tensors.size(); i++) {
      System.arraycopy(other.get(i).data, 0, tensors.get(i).data, 0, tensors.get(i).size());
    }
  }

  /** this += other, tensor by tensor. */
  public void add(ParamSet other) {
    for (int i = 0; i < tensors.size(); i++) {
      float[] a = tensors.get(i).data, b = other.get(i).data;
      for (int j = 0; j < a.length; j++) a[j] += b[j];
    }
  }

  /** Euclidean norm over the tensors of the given kind (null: all). */
  public double norm(Tensor.Kind kind) {
    double acc = 0;
    for (Tensor t : tensors) if (kind == null || t.kind == kind) acc += t.squaredNorm();
    return Math.sqrt(acc);
  }

  public boolean allFinite() {
    for (Tensor t : tensors) for (float v : t.data) if (!Float.isFinite(v)) return false;
    return true;
  }
}
