package dev.egd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** egd-core without the dev.egd:egd-data artifact: the bundled digits are missing, and Mnist says so. */
class MnistWithoutBundleTest {
  @Test
  void missingBundleGivesOneClearError() throws Exception {
    assertNotNull(Mnist.class.getResource(Mnist.BUNDLE + "images-idx3-ubyte.gz"), "egd-data is on the test class path");
    URL coreClasses = Mnist.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader core = new URLClassLoader(new URL[] {coreClasses}, ClassLoader.getPlatformClassLoader())) {
      Class<?> mnist = core.loadClass(Mnist.class.getName());
      assertEquals(core, mnist.getClassLoader());
      Method load = mnist.getMethod("load", Path.class, int.class);
      Throwable t = assertThrows(InvocationTargetException.class, () -> load.invoke(null, null, 10)).getCause();
      assertEquals(IllegalArgumentException.class, t.getClass());
      assertEquals("the bundled MNIST digits are not on the class path: add the dev.egd:egd-data artifact,"
          + " or pass a directory of the MNIST IDX files", t.getMessage());
    }
  }
}
