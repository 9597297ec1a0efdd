package dev.egd.util;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The binary format of checkpoints: tagged sections of primitives and arrays, big-endian, so a
 * checkpoint read back into a differently built run fails loudly (tag or length mismatch) instead
 * of resuming with the wrong state.
 */
public final class State {
  private State() {}

  /** Writes state. */
  public static final class Out {
    private final DataOutputStream out;

    /** @param os where the bytes go; not buffered or closed here (the caller owns it, and calls {@link #flush()}) */
    public Out(OutputStream os) { this.out = new DataOutputStream(os); }

    /**
     * Starts a section: its name, which {@link In#tag} checks on reading.
     *
     * @param name the section's name
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out tag(String name) throws IOException { out.writeUTF(name); return this; }
    /**
     * @param v a long, written as 8 bytes
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out i64(long v) throws IOException { out.writeLong(v); return this; }
    /**
     * @param v an int, written as 4 bytes
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out i32(int v) throws IOException { out.writeInt(v); return this; }
    /**
     * @param v a double, written bit for bit (NaN payloads included)
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out f64(double v) throws IOException { out.writeDouble(v); return this; }
    /**
     * @param v a boolean, written as one byte
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out bool(boolean v) throws IOException { out.writeBoolean(v); return this; }
    /**
     * @param v a string, in modified UTF-8 (at most 65535 bytes)
     * @return this writer
     * @throws IOException if the stream fails, or the string is too long
     */
    public Out str(String v) throws IOException { out.writeUTF(v); return this; }

    /**
     * @param a the floats, written after their count, bit for bit
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out floats(float[] a) throws IOException {
      out.writeInt(a.length);
      for (float v : a) out.writeInt(Float.floatToRawIntBits(v));
      return this;
    }

    /**
     * @param a the doubles, written after their count, bit for bit
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out doubles(double[] a) throws IOException {
      out.writeInt(a.length);
      for (double v : a) out.writeLong(Double.doubleToRawLongBits(v));
      return this;
    }

    /**
     * @param a the longs, written after their count
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out longs(long[] a) throws IOException {
      out.writeInt(a.length);
      for (long v : a) out.writeLong(v);
      return this;
    }

    /**
     * @param a the ints, written after their count
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out ints(int[] a) throws IOException {
      out.writeInt(a.length);
      for (int v : a) out.writeInt(v);
      return this;
    }

    /**
     * A block of bytes after its length, for state another format writes (an engine's optimizer).
     *
     * @param b the bytes
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out bytes(byte[] b) throws IOException {
      out.writeInt(b.length);
      out.write(b);
      return this;
    }

    /**
     * Bytes another Out wrote, copied as they are (no length: the reader reads them as that Out's fields).
     *
     * @param b the bytes, written as they are
     * @return this writer
     * @throws IOException if the stream fails
     */
    public Out raw(byte[] b) throws IOException {
      out.write(b);
      return this;
    }

    /**
     * Flushes the underlying stream.
     *
     * @throws IOException if the stream fails
     */
    public void flush() throws IOException { out.flush(); }
  }

  /** Reads what {@link Out} wrote, in the same order; mismatches throw IOException. */
  public static final class In {
    private final DataInputStream in;

    /** @param is the bytes an {@link Out} wrote; not buffered or closed here (the caller owns it) */
    public In(InputStream is) { this.in = new DataInputStream(is); }

    /**
     * Reads a section's name and checks it.
     *
     * @param expected the name {@link Out#tag} wrote there
     * @return this reader
     * @throws IOException if the stream fails, or the section there has another name (the checkpoint is not this run's)
     */
    public In tag(String expected) throws IOException {
      String got = in.readUTF();
      if (!got.equals(expected)) throw new IOException("checkpoint does not match this run: expected section '" + expected + "', found '" + got + "'");
      return this;
    }

    /**
     * @return the long {@link Out#i64} wrote
     * @throws IOException if the stream fails or ends
     */
    public long i64() throws IOException { return in.readLong(); }
    /**
     * @return the int {@link Out#i32} wrote
     * @throws IOException if the stream fails or ends
     */
    public int i32() throws IOException { return in.readInt(); }
    /**
     * @return the double {@link Out#f64} wrote
     * @throws IOException if the stream fails or ends
     */
    public double f64() throws IOException { return in.readDouble(); }
    /**
     * @return the boolean {@link Out#bool} wrote
     * @throws IOException if the stream fails or ends
     */
    public boolean bool() throws IOException { return in.readBoolean(); }
    /**
     * @return the string {@link Out#str} wrote
     * @throws IOException if the stream fails or ends
     */
    public String str() throws IOException { return in.readUTF(); }

    private int length(int expected, String what) throws IOException {
      int n = in.readInt();
      if (expected >= 0 && n != expected)
        throw new IOException("checkpoint does not match this run: " + what + " of length " + n + ", expected " + expected);
      return n;
    }

    /**
     * Reads an array of exactly a.length floats into a.
     *
     * @param a the array to fill; its length must be the count that was written
     * @throws IOException if the stream fails or ends, or the count written differs from {@code a.length}
     */
    public void floatsInto(float[] a) throws IOException {
      length(a.length, "float array");
      for (int i = 0; i < a.length; i++) a[i] = Float.intBitsToFloat(in.readInt());
    }

    /**
     * Reads an array of exactly a.length doubles into a.
     *
     * @param a the array to fill; its length must be the count that was written
     * @throws IOException if the stream fails or ends, or the count written differs from {@code a.length}
     */
    public void doublesInto(double[] a) throws IOException {
      length(a.length, "double array");
      for (int i = 0; i < a.length; i++) a[i] = Double.longBitsToDouble(in.readLong());
    }

    /**
     * Reads an array of exactly a.length ints into a.
     *
     * @param a the array to fill; its length must be the count that was written
     * @throws IOException if the stream fails or ends, or the count written differs from {@code a.length}
     */
    public void intsInto(int[] a) throws IOException {
      length(a.length, "int array");
      for (int i = 0; i < a.length; i++) a[i] = in.readInt();
    }

    /**
     * Reads a block {@link Out#bytes} wrote.
     *
     * @return the bytes
     * @throws IOException if the stream ends early or the length is negative
     */
    public byte[] bytes() throws IOException {
      int n = length(-1, "byte block");
      if (n < 0) throw new IOException("checkpoint is damaged: a byte block of length " + n);
      byte[] b = new byte[n];
      in.readFully(b);
      return b;
    }

    /**
     * Reads an array of longs of whatever length was written.
     *
     * @return a new array with the longs {@link Out#longs} wrote
     * @throws IOException if the stream fails or ends
     */
    public long[] longs() throws IOException {
      long[] a = new long[length(-1, "long array")];
      for (int i = 0; i < a.length; i++) a[i] = in.readLong();
      return a;
    }
  }
}
