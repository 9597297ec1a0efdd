package dev.egd.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** PyTorch's CPU engine loads from the test classpath with DJL_OFFLINE, and multiplies. */
class OfflineEngineTest {
  @Test void multipliesOffline() {
    assertEquals("true", System.getenv("DJL_OFFLINE"), "surefire must run DJL offline");
    assertEquals("PyTorch", Engine.getInstance().getEngineName());
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
      NDArray b = m.create(new float[] {5, 6, 7, 8}, new Shape(2, 2));
      assertArrayEquals(new float[] {19, 22, 43, 50}, a.matMul(b).toFloatArray());
      assertEquals(Device.cpu(), a.getDevice(), "EgdOptimizer reads CPU gradients in place only on Device.cpu()");
    }
  }
}
