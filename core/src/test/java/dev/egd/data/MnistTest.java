package dev.egd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
  @TempDir Path tmp;

  @Test
  void idxRoundTripPlainAndGzip() throws Exception {
    float[] px = new float[3 * 2 * 2];
    for (int i = 0; i < px.length; i++) px[i] = (i * 23 % 256) / 255f;
    Idx.Images im = new Idx.Images(3, 2, 2, px);
    int[] labels = {7, 0, 9};
    for (boolean gz : new boolean[] {false, true}) {
      ByteArrayOutputStream a = new ByteArrayOutputStream(), b = new ByteArrayOutputStream();
      Idx.writeImages(a, im, gz);
      Idx.writeLabels(b, labels, gz);
      Idx.Images back = Idx.readImages(new ByteArrayInputStream(a.toByteArray()), "t");
      assertEquals(3, back.count());
      assertEquals(2, back.rows());
      assertArrayEquals(px, back.pixels(), 0f);
      assertArrayEquals(labels, Idx.readLabels(new ByteArrayInputStream(b.toByteArray()), "t"));
    }
  }

  private static String sha256(InputStream in) throws Exception {
    try (in) {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
    }
  }

  @Test
  void bundledDataMatchesItsPublishedChecksumsAndLoads() throws Exception {
    assertEquals("6c08f2534b285143329955ad8aa445a298cd63833af488a321e68cf4418c1a2b",
        sha256(Mnist.class.getResourceAsStream(Mnist.BUNDLE + "images-idx3-ubyte.gz")));
    assertEquals("bc3b433daf07bee1496c8507722565edbba43f1ebbd580e784fabbfeb81044c6",
        sha256(Mnist.class.getResourceAsStream(Mnist.BUNDLE + "labels-idx1-ubyte.gz")));
    Split s = Mnist.load(null, 1000);
    assertEquals(1000, s.train().size);
    assertEquals(9000, s.test().size);
    assertEquals(784, s.train().inputDim);
    int[] counts = new int[10];
    for (int i = 0; i < 1000; i++) counts[s.train().labels[i]]++;
    for (int c : counts) assertTrue(c >= 79 && c <= 123, "first 1000 are close to class-balanced: " + c);
    float max = 0;
    for (float v : s.train().dense) max = Math.max(max, v);
    assertEquals(1f, max, 1e-6);
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private static byte[] images(int count) throws Exception {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    Idx.writeImages(o, new Idx.Images(count, 28, 28, new float[count * 784]), false);
    return o.toByteArray();
  }

  private static byte[] labels(int count) throws Exception {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    Idx.writeLabels(o, new int[count], true);
    return o.toByteArray();
  }

  @Test
  void badFilesGiveOneClearError() throws Exception {
    write("train-images-idx3-ubyte", images(5));
    write("train-labels-idx1-ubyte.gz", labels(4));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Mnist.load(tmp, 2)).getMessage().contains("5 images but 4 labels"));
    write("train-labels-idx1-ubyte.gz", labels(5));
    assertEquals("train_points", assertThrows(dev.egd.ValidationException.class, () -> Mnist.load(tmp, 5)).parameter());
    assertEquals(2, Mnist.load(tmp, 2).train().size);
    byte[] truncated = java.util.Arrays.copyOf(images(5), 100);
    write("train-images-idx3-ubyte", truncated);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Mnist.load(tmp, 2)).getMessage().contains("truncated"));
    byte[] wrong = images(5);
    wrong[3] = 0x01; // magic 0x801: a label file where images belong
    write("train-images-idx3-ubyte", wrong);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Mnist.load(tmp, 2)).getMessage().contains("magic"));
    Files.delete(tmp.resolve("train-images-idx3-ubyte"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Mnist.load(tmp, 2)).getMessage().contains("missing"));
  }
}
