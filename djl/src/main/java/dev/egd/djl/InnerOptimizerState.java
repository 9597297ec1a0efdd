package dev.egd.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import dev.egd.util.State;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Saves and restores the state a DJL optimizer keeps for itself, which DJL's own
 * {@code Block.saveParameters} leaves out: the per-parameter update counts and the global update
 * number of {@link Optimizer} (which drive Adam's bias correction and every learning-rate tracker),
 * and every per-parameter state map (Adam's and AdamW's means and variances, SGD's momentum, and the
 * same kind of map in RmsProp, Adagrad, Adadelta, Nag).
 *
 * <p>DJL 0.36 offers no API for this, so it reads the optimizers' private fields by reflection: every
 * instance field of type {@code Map} in the class hierarchy, whose values must be either
 * {@code Map<Device, NDArray>} (state per parameter and device) or {@code Integer} (update counts),
 * keyed by DJL's parameter id, plus {@code Optimizer.numUpdate}. Any other map, or a non-float32 state
 * array, is refused with an exception naming the field, so an unknown layout (another DJL version, a
 * user's optimizer) fails loudly rather than resuming wrongly. Parameter ids are random per
 * {@link Parameter} instance, so the state is written under the parameter names the block gives and
 * mapped back to the new ids on load. One device's copy of each state array is written (every
 * device's copy gets the same update); on load it is put on the parameter's device, and DJL copies it
 * to the other training devices on first use. Learning-rate trackers need nothing: DJL's are functions
 * of the update number ({@code MultiFactorTracker} keeps a cursor, which catches up on its first call).
 */
final class InnerOptimizerState {
  private InnerOptimizerState() {}

  static void save(Optimizer opt, Map<String, String> nameById, State.Out out) throws IOException {
    List<Field> fields = stateFields(opt);
    out.tag("djl-optimizer").str(opt.getClass().getName()).i32(fields.size());
    for (Field f : fields) {
      out.tag(f.getDeclaringClass().getSimpleName() + "." + f.getName());
      Object value = read(f, opt);
      if (f.getType() == int.class) {
        out.i32((Integer) value);
        continue;
      }
      Map<?, ?> map = (Map<?, ?>) value;
      List<Map.Entry<?, ?>> known = new ArrayList<>();
      for (Map.Entry<?, ?> e : map.entrySet()) if (nameById.containsKey(String.valueOf(e.getKey()))) known.add(e);
      known.sort(Comparator.comparing(e -> nameById.get(String.valueOf(e.getKey()))));
      out.i32(known.size());
      for (Map.Entry<?, ?> e : known) {
        out.str(nameById.get(String.valueOf(e.getKey())));
        Object v = e.getValue();
        if (v instanceof Integer) {
          out.str("count").i32((Integer) v);
        } else if (v instanceof Map && !((Map<?, ?>) v).isEmpty() && firstValue((Map<?, ?>) v) instanceof NDArray) {
          NDArray a = (NDArray) firstValue((Map<?, ?>) v);
          if (a.getDataType() != DataType.FLOAT32)
            throw new IOException("cannot save " + describe(f) + ": state array of type " + a.getDataType() + " (float32 only)");
          out.str("array").longs(a.getShape().getShape()).floats(a.toFloatArray());
        } else {
          throw new IOException("cannot save " + describe(f) + ": unknown state entry " + (v == null ? "null" : v.getClass().getName()));
        }
      }
    }
  }

  static void load(Optimizer opt, Map<String, Parameter> byName, State.In in) throws IOException {
    List<Field> fields = stateFields(opt);
    in.tag("djl-optimizer");
    String cls = in.str();
    if (!cls.equals(opt.getClass().getName()))
      throw new IOException("checkpoint does not match this run: the wrapped optimizer was " + cls + ", now " + opt.getClass().getName());
    if (in.i32() != fields.size()) throw new IOException("checkpoint does not match this run: another layout of " + cls);
    for (Field f : fields) {
      in.tag(f.getDeclaringClass().getSimpleName() + "." + f.getName());
      if (f.getType() == int.class) {
        write(f, opt, in.i32());
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<Object, Object> map = (Map<Object, Object>) read(f, opt);
      Map<Object, Object> restored = new LinkedHashMap<>();
      int n = in.i32();
      for (int i = 0; i < n; i++) {
        String name = in.str();
        Parameter p = byName.get(name);
        if (p == null) throw new IOException("checkpoint does not match this run: no parameter " + name + " in the block; have " + byName.keySet());
        String kind = in.str();
        if (kind.equals("count")) {
          restored.put(p.getId(), in.i32());
        } else if (kind.equals("array")) {
          long[] shape = in.longs();
          NDArray like = p.getArray();
          if (!new Shape(shape).equals(like.getShape()))
            throw new IOException("checkpoint does not match this run: " + describe(f) + " of " + name + " has shape " + new Shape(shape) + ", the parameter " + like.getShape());
          float[] data = new float[Math.toIntExact(like.size())];
          in.floatsInto(data);
          NDArray a = like.getManager().create(data, like.getShape());
          a.detach(); // as DJL's own Optimizer.withDefaultState: the optimizer owns it, no manager closes it
          Map<Device, NDArray> perDevice = new ConcurrentHashMap<>();
          perDevice.put(like.getDevice(), a);
          restored.put(p.getId(), perDevice);
        } else {
          throw new IOException("checkpoint does not match this run: unknown entry kind " + kind);
        }
      }
      for (Object v : map.values()) closeArrays(v);
      map.clear();
      map.putAll(restored);
    }
  }

  /** The state fields of opt's class hierarchy, in a fixed order: Optimizer.numUpdate and every Map field. */
  static List<Field> stateFields(Optimizer opt) throws IOException {
    List<Field> out = new ArrayList<>();
    boolean sawNumUpdate = false, sawCounts = false;
    for (Class<?> c = opt.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      List<Field> here = new ArrayList<>();
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) continue;
        boolean isMap = Map.class.isAssignableFrom(f.getType());
        boolean isNumUpdate = c == Optimizer.class && f.getName().equals("numUpdate") && f.getType() == int.class;
        if (!isMap && !isNumUpdate) continue;
        if (isNumUpdate) sawNumUpdate = true;
        if (c == Optimizer.class && f.getName().equals("updateCounts")) sawCounts = true;
        here.add(f);
      }
      here.sort(Comparator.comparing(Field::getName));
      out.addAll(here);
    }
    if (!sawNumUpdate || !sawCounts)
      throw new IOException("cannot save the state of " + opt.getClass().getName()
          + ": ai.djl.training.optimizer.Optimizer has no fields numUpdate and updateCounts (a DJL version this module does not know)");
    for (Field f : out) {
      try {
        f.setAccessible(true);
      } catch (RuntimeException e) {
        throw new IOException("cannot read " + describe(f) + " (" + e.getMessage() + ")", e);
      }
    }
    return out;
  }

  private static Object firstValue(Map<?, ?> m) { return m.values().iterator().next(); }

  private static void closeArrays(Object v) {
    if (v instanceof Map) for (Object a : ((Map<?, ?>) v).values()) if (a instanceof NDArray) ((NDArray) a).close();
  }

  private static String describe(Field f) { return f.getDeclaringClass().getName() + "." + f.getName(); }

  private static Object read(Field f, Object o) throws IOException {
    try {
      return f.get(o);
    } catch (IllegalAccessException e) {
      throw new IOException("cannot read " + describe(f), e);
    }
  }

  private static void write(Field f, Object o, int v) throws IOException {
    try {
      f.setInt(o, v);
    } catch (IllegalAccessException e) {
      throw new IOException("cannot write " + describe(f), e);
    }
  }
}
