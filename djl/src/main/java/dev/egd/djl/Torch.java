package dev.egd.djl;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import dev.egd.ValidationException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link DjlEngine} needs from DJL's engine: PyTorch's thread counts, and a one-line error when no
 * engine is on the class path.
 */
final class Torch {
  private Torch() {}

  private static boolean loaded;

  /**
   * Before the engine first loads: PyTorch's intra-op threads (unless {@code ai.djl.pytorch.num_threads}
   * was given) and one inter-op thread (PyTorch takes both once, at start); then checks that an engine
   * is there.
   */
  static synchronized void configure(int threads) {
    if (!loaded) {
      if (System.getProperty("ai.djl.pytorch.num_threads") == null) System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
      if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Engine engine;
    try {
      engine = Engine.getInstance();
    } catch (RuntimeException | LinkageError e) {
      throw missing(e);
    }
    // DJL's api brings only its RPC client engine, which cannot train: an engine that can is missing
    if (engine.getEngineName().equals("RPC")) throw missing(new EngineException("no engine but DJL's RPC client (engines found: " + Engine.getAllEngines() + ")"));
    if (!loaded) quietDeprecationNotice();
    loaded = true;
  }

  /** The C library's file-descriptor calls, through JNA (which DJL itself depends on). */
  public interface LibC extends com.sun.jna.Library {
    int dup(int fd);
    int dup2(int from, int to);
    int open(String path, int flags);
    int close(int fd);
  }

  /**
   * PyTorch 2.7's libtorch prints, once per process, a C++ deprecation warning ("AutoNonVariableTypeMode
   * is deprecated ... risk of producing silent wrong result") on the first NDArray.set, which DJL 0.36's
   * JNI code makes; no environment variable turns it off, and it concerns DJL's own use of the mode,
   * not the results. The first set is made here with the process's stderr pointed at /dev/null for its
   * duration (Linux and macOS; elsewhere the notice shows).
   */
  private static void quietDeprecationNotice() {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      ai.djl.ndarray.NDArray a = m.create(new float[1]);
      LibC c = null;
      int saved = -1;
      try {
        c = com.sun.jna.Native.load("c", LibC.class);
        System.err.flush();
        int nul = c.open("/dev/null", 1); // O_WRONLY
        if (nul >= 0) {
          saved = c.dup(2);
          c.dup2(nul, 2);
          c.close(nul);
        }
      } catch (RuntimeException | LinkageError e) {
        c = null; // no C library to call: the notice shows
      }
      try {
        a.set(new float[] {1f});
      } finally {
        if (c != null && saved >= 0) {
          c.dup2(saved, 2);
          c.close(saved);
        }
      }
    }
  }

  /** The run's intra-op thread count (PyTorch's is one per process: runs side by side should agree on it). */
  static void threads(int threads) {
    if (Engine.getInstance().getEngineName().equals("PyTorch")) ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
  }

  /** The error for an engine that is not there: which artifacts it takes, and how the launcher gets them. */
  static ValidationException missing(Throwable e) {
    return new ValidationException("engine", "djl found no DJL engine on the class path (" + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage())
        + "); it needs ai.djl.pytorch:pytorch-engine, pytorch-jni and pytorch-native-cpu (./egd puts them there; DJL_OFFLINE=true and the natives' jar,"
        + " nothing downloaded)", "djl");
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The DJL and engine versions, for run summaries. */
  static Map<String, Object> versions() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("djl", Engine.getDjlVersion());
    Engine e = Engine.getInstance();
    m.put("engine", e.getEngineName() + " " + e.getVersion());
    if (e.getEngineName().equals("PyTorch")) {
      m.put("intra_op_threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
      m.put("inter_op_threads", ai.djl.pytorch.jni.JniUtils.getNumInteropThreads());
    }
    return m;
  }
}
