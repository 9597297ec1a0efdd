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

    public Out(OutputStream os) { this.out = new DataOutputStream(os); }

    public Out tag(String name) throws IOException { out.writeUTF(name); return this; }
    public Out i64(long v) throws IOException { out.writeLong(v); return this; }
    public Out i32(int v) throws IOException { out.writeInt(v); return this; }
    public Out f64(double v) throws IOException { out.writeDouble(v); return this; }
    public Out bool(boolean v) throws IOException { out.writeBoolean(v); return this; }
    public Out str(String v) throws IOException { out.writeUTF(v); return this; }

    public Out floats(float[] a) throws IOException {
      out.writeInt(a.length);
      for (float v : a) out.writeInt(Float.floatToRawIntBits(v));
      return this;
    }

    public Out doubles(double[] a) throws IOException {
      out.writeInt(a.length);
      for (double v : a) out.writeLong(Double.doubleToRawLongBits(v));
      return this;
    }

    public Out longs(long[] a) throws IOException {
      out.writeInt(a.length);
      for (long v : a) out.writeLong(v);
      return this;
    }

    public Out ints(int[] a) throws IOException {
      out.writeInt(a.length);
      for (int v : a) out.writeInt(v);
      return this;
    }

    /** Bytes another Out wrote, copied as they are (no length: the reader reads them as that Out's fields). */
    public Out raw(byte[] b) throws IOException {
      out.write(b);
      return this;
    }

    public void flush() throws IOException { out.flush(); }
  }

  /** Reads what {@link Out} wrote, in the same order; mismatches throw IOException. */
  public static final class In {
    private final DataInputStream in;

    public In(InputStream is) { this.in = new DataInputStream(is); }

    public In tag(String expected) throws IOException {
      String got = in.readUTF();
      if (!got.equals(expected)) throw new IOException("checkpoint does not match this run: expected section '" + expected + "', found '" + got + "'");
      return this;
    }

    public long i64() throws IOException { return in.readLong(); }
    public int i32() throws IOException { return in.readInt(); }
    public double f64() throws IOException { return in.readDouble(); }
    public boolean bool() throws IOException { return in.readBoolean(); }
    public String str() throws IOException { return in.readUTF(); }

    private int length(int expected, String what) throws IOException {
      int n = in.readInt();
      if (expected >= 0 && n != expected)
        throw new IOException("checkpoint does not match this run: " + what + " of length " + n + ", expected " + expected);
      return n;
    }

    /** Reads an array of exactly a.length floats into a. */
    public void floatsInto(float[] a) throws IOException {
      length(a.length, "float array");
      for (int i = 0; i < a.length; i++) a[i] = Float.intBitsToFloat(in.readInt());
    }

    public void doublesInto(double[] a) throws IOException {
      length(a.length, "double array");
      for (int i = 0; i < a.length; i++) a[i] = Double.longBitsToDouble(in.readLong());
    }

    public void intsInto(int[] a) throws IOException {
      length(a.length, "int array");
      for (int i = 0; i < a.length; i++) a[i] = in.readInt();
    }

    public long[] longs() throws IOException {
      long[] a = new long[length(-1, "long array")];
      for (int i = 0; i < a.length; i++) a[i] = in.readLong();
      return a;
    }
  }
}
