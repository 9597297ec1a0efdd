package dev.egd.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The IDX format of the MNIST files: a big-endian magic number (0x00000803 for uint8 images with
 * three dimensions, 0x00000801 for uint8 labels), the dimensions, then the bytes. Plain or gzip
 * (detected from the stream, not the file name).
 */
public final class Idx {
  /** The magic numbers of uint8 image files (three dimensions) and uint8 label files (one). */
  public static final int IMAGES_MAGIC = 0x00000803, LABELS_MAGIC = 0x00000801;

  private Idx() {}

  /**
   * Images as row-major pixels scaled to [0, 1].
   *
   * @param count the number of images
   * @param rows pixel rows per image
   * @param cols pixel columns per image
   * @param pixels {@code count x rows x cols} pixels, row-major, each in [0, 1]
   */
  public record Images(int count, int rows, int cols, float[] pixels) {}

  /** Opens a stream, transparently un-gzipping it. */
  static InputStream open(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read(), b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
  }

  /**
   * Reads an image file; {@code what} names it in error messages.
   * The stream is read to the end of the images and closed.
   *
   * @param raw the file's bytes, plain or gzip
   * @param what the file's name, for messages
   * @return the images, scaled from bytes to [0, 1] by / 255
   * @throws IOException if reading fails
   * @throws IllegalArgumentException if the stream is not an IDX image file, or is truncated
   */
  public static Images readImages(InputStream raw, String what) throws IOException {
    try (DataInputStream in = new DataInputStream(open(raw))) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC)
        throw new IllegalArgumentException(what + ": not an IDX image file (magic 0x" + Integer.toHexString(magic) + ", expected 0x803)");
      int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
      if (count < 0 || rows < 1 || cols < 1 || (long) count * rows * cols > Integer.MAX_VALUE)
        throw new IllegalArgumentException(what + ": bad dimensions " + count + "x" + rows + "x" + cols);
      byte[] bytes = readPromised(in, count * rows * cols);
      float[] px = new float[bytes.length];
      for (int i = 0; i < bytes.length; i++) px[i] = (bytes[i] & 0xff) / 255f;
      return new Images(count, rows, cols, px);
    } catch (EOFException e) {
      throw new IllegalArgumentException(what + ": truncated (the header promises more bytes than the file has)");
    }
  }

  /**
   * Reads a label file; {@code what} names it in error messages. The stream is closed.
   *
   * @param raw the file's bytes, plain or gzip
   * @param what the file's name, for messages
   * @return the labels, one byte each, in [0, 255]
   * @throws IOException if reading fails
   * @throws IllegalArgumentException if the stream is not an IDX label file, or is truncated
   */
  public static int[] readLabels(InputStream raw, String what) throws IOException {
    try (DataInputStream in = new DataInputStream(open(raw))) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC)
        throw new IllegalArgumentException(what + ": not an IDX label file (magic 0x" + Integer.toHexString(magic) + ", expected 0x801)");
      int count = in.readInt();
      if (count < 0) throw new IllegalArgumentException(what + ": bad count " + count);
      byte[] bytes = readPromised(in, count);
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) labels[i] = bytes[i] & 0xff;
      return labels;
    } catch (EOFException e) {
      throw new IllegalArgumentException(what + ": truncated (the header promises more bytes than the file has)");
    }
  }

  /**
   * Reads the {@code n} bytes a header promises, growing the buffer as bytes arrive, so a header that
   * promises more than the file holds costs no more memory than the file (EOFException when short).
   */
  private static byte[] readPromised(DataInputStream in, int n) throws IOException {
    byte[] buf = new byte[Math.min(n, 1 << 20)];
    int have = 0;
    while (have < n) {
      if (have == buf.length) buf = java.util.Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
      int got = in.read(buf, have, buf.length - have);
      if (got < 0) throw new EOFException();
      have += got;
    }
    return buf;
  }

  /**
   * Writes images (pixels in [0, 1], rounded to bytes) gzip-compressed or plain.
   * The stream is flushed (the gzip trailer written), not closed.
   *
   * @param raw where the file's bytes go
   * @param images the images; pixels outside [0, 1] are clamped
   * @param gzip whether to compress
   * @throws IOException if writing fails
   */
  public static void writeImages(OutputStream raw, Images images, boolean gzip) throws IOException {
    OutputStream o = gzip ? new GZIPOutputStream(raw) : raw;
    DataOutputStream out = new DataOutputStream(o);
    out.writeInt(IMAGES_MAGIC);
    out.writeInt(images.count());
    out.writeInt(images.rows());
    out.writeInt(images.cols());
    for (float v : images.pixels()) out.write(Math.round(Math.max(0, Math.min(1, v)) * 255));
    out.flush();
    if (gzip) ((GZIPOutputStream) o).finish();
  }

  /**
   * Writes labels as one byte each, gzip-compressed or plain. The stream is flushed, not closed.
   *
   * @param raw where the file's bytes go
   * @param labels the labels, each in [0, 255]
   * @param gzip whether to compress
   * @throws IOException if writing fails
   */
  public static void writeLabels(OutputStream raw, int[] labels, boolean gzip) throws IOException {
    OutputStream o = gzip ? new GZIPOutputStream(raw) : raw;
    DataOutputStream out = new DataOutputStream(o);
    out.writeInt(LABELS_MAGIC);
    out.writeInt(labels.length);
    for (int l : labels) out.write(l);
    out.flush();
    if (gzip) ((GZIPOutputStream) o).finish();
  }
}
