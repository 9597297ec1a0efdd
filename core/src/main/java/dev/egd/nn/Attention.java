package dev.egd.nn;

import java.util.Arrays;

/**
 * The core of causal multi-head self-attention: per sequence and head, softmax(q k^T / sqrt(headDim))
 * over the positions up to the query's, times v. The input and output projections are not part of it
 * (they are {@link Linear} layers around it).
 *
 * <p>Layouts, all row-major float32, for {@code n} sequences of {@code seq} positions:
 * <ul>
 *   <li>{@code qkv}: {@code (n * seq) x (3 * width)}, row {@code b * seq + t} holding that position's
 *       query, key and value side by side ({@code [q | k | v]}, each {@code width} wide, as the output of
 *       one projection to {@code 3 * width}); head h uses columns {@code h * headDim .. (h + 1) * headDim}
 *       of each.</li>
 *   <li>{@code att}: the probabilities, {@code n x heads x seq x seq}: entry
 *       {@code ((b * heads + h) * seq + i) * seq + j} is query i's weight on key j (0 for j &gt; i).</li>
 *   <li>{@code y}: {@code (n * seq) x width}, the heads' outputs side by side (head h in columns
 *       {@code h * headDim ..}), row {@code b * seq + t}; with {@code lastOnly}, {@code n x width}, one row
 *       per sequence (its last position).</li>
 * </ul>
 * {@code lastOnly} computes only the last position's query of each sequence (keys and values still come
 * from every position): a model that reads out only the last position needs no more in its last block.
 *
 * <p>The layer keeps no state and allocates nothing: the per-query scratch (length &gt;= seq) comes from
 * the caller, so one instance may serve several threads at once, each with its own arrays. Scores and
 * their gradients use eight-lane dot products ({@code VecMath.dot}), the exponentials {@link Math#exp}, the softmax sum a running
 * float sum in position order, so the same inputs give the same bits.
 */
public final class Attention {
  private final int seq, d, heads, hd;

  /**
   * @param seq positions per sequence
   * @param width model width (of q, k, v and y)
   * @param heads heads, dividing width
   */
  public Attention(int seq, int width, int heads) {
    if (seq < 1 || heads < 1 || width < 1 || width % heads != 0)
      throw new IllegalArgumentException("attention needs seq >= 1 and a width that heads >= 1 divide: seq " + seq + ", width " + width + ", heads " + heads);
    this.seq = seq;
    this.d = width;
    this.heads = heads;
    this.hd = width / heads;
  }

  /** @return positions per sequence */
  public int seq() { return seq; }

  /** @return the model width (of q, k, v and y) */
  public int width() { return d; }

  /** @return the number of heads */
  public int heads() { return heads; }

  /**
   * width / heads.
   *
   * @return the width of one head
   */
  public int headDim() { return hd; }

  /**
   * Causal softmax attention for n sequences: reads qkv, writes the probabilities into att and the
   * outputs into y (both overwritten; with lastOnly only the last query's row {@code i = seq - 1} of
   * att is written, the other rows are left as they were).
   *
   * @param scores scratch for one query's scores, at least seq floats, overwritten
   * @param qkv the projected inputs, {@code (n * seq) x (3 * width)}
   * @param att receives the probabilities, {@code n x heads x seq x seq}
   * @param y receives the outputs, {@code (n * seq) x width} ({@code n x width} with lastOnly)
   * @param n how many sequences
   * @param lastOnly whether to compute only each sequence's last query
   * @throws IllegalArgumentException if an array is too short for n sequences
   */
  public void forward(float[] qkv, float[] att, float[] y, int n, boolean lastOnly, float[] scores) {
    check(qkv, att, y, n, lastOnly, scores, "y");
    float scale = (float) (1 / Math.sqrt(hd));
    int stride = 3 * d;
    for (int b = 0; b < n; b++) {
      for (int h = 0; h < heads; h++) {
        int ab = ((b * heads) + h) * seq * seq;
        for (int i = lastOnly ? seq - 1 : 0; i < seq; i++) {
          int qo = (b * seq + i) * stride + h * hd;
          float max = Float.NEGATIVE_INFINITY;
          for (int j = 0; j <= i; j++) {
            int ko = (b * seq + j) * stride + d + h * hd;
            scores[j] = VecMath.dot(qkv, qo, qkv, ko, hd) * scale;
            max = Math.max(max, scores[j]);
          }
          float sum = 0;
          for (int j = 0; j <= i; j++) {
            scores[j] = (float) Math.exp(scores[j] - max);
            sum += scores[j];
          }
          int yo = (lastOnly ? b : b * seq + i) * d + h * hd;
          Arrays.fill(y, yo, yo + hd, 0f);
          for (int j = 0; j < seq; j++) {
            float p = j <= i ? scores[j] / sum : 0f;
            att[ab + i * seq + j] = p;
            if (p == 0f) continue;
            int vo = (b * seq + j) * stride + 2 * d + h * hd;
            for (int c = 0; c < hd; c++) y[yo + c] += p * qkv[vo + c];
          }
        }
      }
    }
  }

  /**
   * The gradient of qkv from dY (the gradient of y, laid out as y), with the probabilities att that
   * {@link #forward} kept for the same qkv and lastOnly. Reads qkv, att and dY; overwrites the first
   * {@code (n * seq) x (3 * width)} of dQkv (zeroed, then every query's contributions added).
   *
   * @param dProb scratch for one query's probability gradients, at least seq floats, overwritten
   * @param qkv the forward pass's input
   * @param att the forward pass's probabilities
   * @param dY the gradient of the outputs, laid out as y
   * @param dQkv receives the gradient of qkv, {@code (n * seq) x (3 * width)}
   * @param n how many sequences
   * @param lastOnly as in the forward pass
   * @throws IllegalArgumentException if an array is too short for n sequences
   */
  public void backward(float[] qkv, float[] att, float[] dY, float[] dQkv, int n, boolean lastOnly, float[] dProb) {
    check(qkv, att, dY, n, lastOnly, dProb, "dY");
    if ((long) n * seq * 3 * d > dQkv.length) throw new IllegalArgumentException("dQkv holds " + dQkv.length + " floats, needs " + n * seq + "x" + 3 * d);
    float scale = (float) (1 / Math.sqrt(hd));
    int stride = 3 * d;
    Arrays.fill(dQkv, 0, n * seq * stride, 0f);
    for (int b = 0; b < n; b++) {
      for (int h = 0; h < heads; h++) {
        int ab = ((b * heads) + h) * seq * seq;
        for (int i = lastOnly ? seq - 1 : 0; i < seq; i++) {
          int yo = (lastOnly ? b : b * seq + i) * d + h * hd;
          float dot = 0;
          for (int j = 0; j <= i; j++) {
            int vo = (b * seq + j) * stride + 2 * d + h * hd;
            float p = att[ab + i * seq + j];
            float acc = VecMath.dot(dY, yo, qkv, vo, hd);
            for (int c = 0; c < hd; c++) dQkv[vo + c] += p * dY[yo + c];
            dProb[j] = acc;
            dot += p * acc;
          }
          int qo = (b * seq + i) * stride + h * hd;
          for (int j = 0; j <= i; j++) {
            float ds = att[ab + i * seq + j] * (dProb[j] - dot) * scale;
            if (ds == 0f) continue;
            int ko = (b * seq + j) * stride + d + h * hd;
            for (int c = 0; c < hd; c++) {
              dQkv[qo + c] += ds * qkv[ko + c];
              dQkv[ko + c] += ds * qkv[qo + c];
            }
          }
        }
      }
    }
  }

  private void check(float[] qkv, float[] att, float[] y, int n, boolean lastOnly, float[] scratch, String what) {
    if (n < 0) throw new IllegalArgumentException("negative sequence count " + n);
    long rows = (long) n * seq;
    if (rows * 3 * d > qkv.length) throw new IllegalArgumentException("qkv holds " + qkv.length + " floats, needs " + rows + "x" + 3 * d);
    if (rows * heads * seq > att.length)
      throw new IllegalArgumentException("att holds " + att.length + " floats, needs " + n + "x" + heads + "x" + seq + "x" + seq);
    long yRows = lastOnly ? n : rows;
    if (yRows * d > y.length) throw new IllegalArgumentException(what + " holds " + y.length + " floats, needs " + yRows + "x" + d);
    if (scratch.length < seq) throw new IllegalArgumentException("scratch holds " + scratch.length + " floats, needs " + seq);
  }
}
