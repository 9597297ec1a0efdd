package dev.egd.nn;

import dev.egd.linalg.Blas;
import dev.egd.util.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoder-only transformer as in the grokking experiments of Power et al. and Grokfast: token and
 * position embeddings, blocks computing {@code h = LN1(x); x = h + Attn(h); x = x + MLP(LN2(x))}
 * (the first residual adds to the normalised input, as the reference code does), causal multi-head
 * self-attention with biased input and output projections, MLP d -> 4d -> d with the exact (erf)
 * GELU, a final LayerNorm and a linear head without bias. Only the last position is read out.
 *
 * <p>Hand-written forward and backward over flat row-major arrays; activations are (sequences *
 * positions) x width, so every projection is one GEMM over all tokens of a batch.
 */
public final class Transformer implements Model {
  private final int vocab, seq, d, heads, hd, ff, depth;
  private final ParamSet params;
  private final Tensor tokEmb, posEmb, lnfG, lnfB, head;
  private final Tensor[] ln1G, ln1B, inW, inB, outW, outB, ln2G, ln2B, fc1W, fc1B, fc2W, fc2B;

  public Transformer(int vocab, int seq, int width, int heads, int depth) {
    if (vocab < 2) throw new dev.egd.ValidationException("vocabulary", "must have >= 2 tokens", vocab);
    dev.egd.Check.atLeast("heads", heads, 1);
    if (width < 1 || width % heads != 0)
      throw new dev.egd.ValidationException("width", "must be a positive multiple of {heads}", width + " (heads " + heads + ")");
    dev.egd.Check.atLeast("depth", depth, 1);
    this.vocab = vocab;
    this.seq = seq;
    this.d = width;
    this.heads = heads;
    this.hd = width / heads;
    this.ff = 4 * width;
    this.depth = depth;
    List<Tensor> list = new ArrayList<>();
    tokEmb = add(list, "tok_emb", vocab, d, Tensor.Kind.EMBEDDING);
    posEmb = add(list, "pos_emb", seq, d, Tensor.Kind.EMBEDDING);
    ln1G = new Tensor[depth]; ln1B = new Tensor[depth]; inW = new Tensor[depth]; inB = new Tensor[depth];
    outW = new Tensor[depth]; outB = new Tensor[depth]; ln2G = new Tensor[depth]; ln2B = new Tensor[depth];
    fc1W = new Tensor[depth]; fc1B = new Tensor[depth]; fc2W = new Tensor[depth]; fc2B = new Tensor[depth];
    for (int l = 0; l < depth; l++) {
      String p = "blocks." + l + ".";
      ln1G[l] = add(list, p + "ln1.g", 1, d, Tensor.Kind.GAIN);
      ln1B[l] = add(list, p + "ln1.b", 1, d, Tensor.Kind.BIAS);
      inW[l] = add(list, p + "attn.in.w", d, 3 * d, Tensor.Kind.WEIGHT);
      inB[l] = add(list, p + "attn.in.b", 1, 3 * d, Tensor.Kind.BIAS);
      outW[l] = add(list, p + "attn.out.w", d, d, Tensor.Kind.WEIGHT);
      outB[l] = add(list, p + "attn.out.b", 1, d, Tensor.Kind.BIAS);
      ln2G[l] = add(list, p + "ln2.g", 1, d, Tensor.Kind.GAIN);
      ln2B[l] = add(list, p + "ln2.b", 1, d, Tensor.Kind.BIAS);
      fc1W[l] = add(list, p + "mlp.fc1.w", d, ff, Tensor.Kind.WEIGHT);
      fc1B[l] = add(list, p + "mlp.fc1.b", 1, ff, Tensor.Kind.BIAS);
      fc2W[l] = add(list, p + "mlp.fc2.w", ff, d, Tensor.Kind.WEIGHT);
      fc2B[l] = add(list, p + "mlp.fc2.b", 1, d, Tensor.Kind.BIAS);
    }
    lnfG = add(list, "ln_f.g", 1, d, Tensor.Kind.GAIN);
    lnfB = add(list, "ln_f.b", 1, d, Tensor.Kind.BIAS);
    head = add(list, "head.w", d, vocab, Tensor.Kind.WEIGHT);
    params = new ParamSet(list);
  }

  private static Tensor add(List<Tensor> list, String name, int rows, int cols, Tensor.Kind kind) {
    Tensor t = new Tensor(name, rows, cols, kind);
    list.add(t);
    return t;
  }

  /** The regular expression that selects every block's MLP weights (EGD's default on this model). */
  public static final String MLP_WEIGHTS = "blocks\\.\\d+\\.mlp\\.fc[12]\\.w";

  /** PyTorch's default initialisation of the same modules (Embedding, LayerNorm, MultiheadAttention, Linear). */
  public void initTorchDefault(Rng rng) {
    rng.fillGaussian(tokEmb.data, tokEmb.size(), 1.0);
    rng.fillGaussian(posEmb.data, posEmb.size(), 1.0);
    for (int l = 0; l < depth; l++) {
      Arrays.fill(ln1G[l].data, 1f);
      Arrays.fill(ln2G[l].data, 1f);
      uniform(rng, inW[l].data, Math.sqrt(6.0 / (d + 3 * d))); // xavier_uniform_ on in_proj_weight
      uniform(rng, outW[l].data, 1 / Math.sqrt(d)); // out_proj bias stays 0, as in MultiheadAttention
      uniform(rng, fc1W[l].data, 1 / Math.sqrt(d));
      uniform(rng, fc1B[l].data, 1 / Math.sqrt(d));
      uniform(rng, fc2W[l].data, 1 / Math.sqrt(ff));
      uniform(rng, fc2B[l].data, 1 / Math.sqrt(ff));
    }
    Arrays.fill(lnfG.data, 1f);
    uniform(rng, head.data, 1 / Math.sqrt(d));
  }

  private static void uniform(Rng rng, float[] a, double bound) {
    for (int i = 0; i < a.length; i++) a[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
  }

  @Override public ParamSet params() { return params; }

  @Override public int outputDim() { return vocab; }

  @Override public String describe() {
    return "transformer depth " + depth + ", width " + d + ", heads " + heads + ", mlp " + ff + ", vocab " + vocab + ", positions " + seq;
  }

  /** Buffers for up to maxRows sequences. */
  public final class Workspace implements Model.Workspace {
    final int maxRows;
    final boolean training;
    final float[] x0, out, dOut, lnfHat, lnfRstd, hf, dhf, dx, dTmp, dFf, dQkv, dY, scores;
    final float[][] ln1Hat, ln1Rstd, h1, qkv, att, y, x1, ln2Hat, ln2Rstd, h2, f, g, gGrad, x2;

    Workspace(int maxRows, boolean training) {
      this.maxRows = maxRows;
      this.training = training;
      int r = maxRows * seq;
      x0 = new float[r * d];
      ln1Hat = new float[depth][r * d]; ln1Rstd = new float[depth][r]; h1 = new float[depth][r * d];
      qkv = new float[depth][r * 3 * d]; att = new float[depth][maxRows * heads * seq * seq];
      y = new float[depth][r * d]; x1 = new float[depth][r * d];
      ln2Hat = new float[depth][r * d]; ln2Rstd = new float[depth][r]; h2 = new float[depth][r * d];
      f = new float[depth][r * ff]; g = new float[depth][r * ff]; gGrad = new float[depth][r * ff];
      x2 = new float[depth][r * d];
      lnfHat = new float[maxRows * d]; lnfRstd = new float[maxRows]; hf = new float[maxRows * d];
      out = new float[maxRows * vocab]; dOut = new float[maxRows * vocab];
      dhf = new float[maxRows * d];
      scores = new float[seq];
      dx = new float[r * d]; dTmp = new float[r * d]; dFf = new float[r * ff]; dQkv = new float[r * 3 * d]; dY = new float[r * d];
    }

    @Override public float[] out() { return out; }
    @Override public float[] dOut() { return dOut; }
    @Override public int maxRows() { return maxRows; }
  }

  @Override public Workspace newWorkspace(int maxRows) { return new Workspace(maxRows, true); }

  @Override public Workspace newEvalWorkspace(int maxRows) { return new Workspace(maxRows, false); }

  @Override public void forward(Batch batch, Model.Workspace w) {
    Workspace ws = (Workspace) w;
    int n = batch.size;
    if (n > ws.maxRows) throw new IllegalArgumentException("batch of " + n + " exceeds workspace of " + ws.maxRows);
    if (batch.tokensPerExample != seq) throw new IllegalArgumentException("sequences of " + batch.tokensPerExample + " tokens, model has " + seq);
    int rows = n * seq;
    for (int b = 0; b < n; b++) {
      int ex = b * seq;
      for (int t = 0; t < seq; t++) {
        int tok = batch.tokens[ex + t], o = (b * seq + t) * d;
        for (int j = 0; j < d; j++) ws.x0[o + j] = tokEmb.data[tok * d + j] + posEmb.data[t * d + j];
      }
    }
    float[] x = ws.x0;
    for (int l = 0; l < depth; l++) {
      // Only the last position is read out, so the last block needs its attention query, output
      // projection, LN2 and MLP at that position alone (keys and values still come from every
      // position): those rows are stored compactly, one per sequence.
      boolean last = l == depth - 1;
      int r = last ? n : rows;
      LayerNorm.forward(x, ws.h1[l], ws.ln1Hat[l], ws.ln1Rstd[l], ln1G[l].data, ln1B[l].data, rows, d);
      linear(ws.h1[l], inW[l], inB[l], ws.qkv[l], rows);
      attention(ws.qkv[l], ws.att[l], ws.y[l], n, last, ws.scores);
      linear(ws.y[l], outW[l], outB[l], ws.x1[l], r);
      float[] h1 = ws.h1[l], x1 = ws.x1[l];
      if (last) {
        for (int b = 0; b < n; b++) {
          int src = (b * seq + seq - 1) * d, dst = b * d;
          for (int j = 0; j < d; j++) x1[dst + j] += h1[src + j];
        }
      } else {
        for (int i = 0; i < rows * d; i++) x1[i] += h1[i]; // x1 = h1 + attn(h1)
      }
      LayerNorm.forward(x1, ws.h2[l], ws.ln2Hat[l], ws.ln2Rstd[l], ln2G[l].data, ln2B[l].data, r, d);
      linear(ws.h2[l], fc1W[l], fc1B[l], ws.f[l], r);
      Gelu.forward(ws.f[l], ws.g[l], ws.training ? ws.gGrad[l] : null, r * ff);
      linear(ws.g[l], fc2W[l], fc2B[l], ws.x2[l], r);
      float[] x2 = ws.x2[l];
      for (int i = 0; i < r * d; i++) x2[i] += x1[i];
      x = x2;
    }
    LayerNorm.forward(x, ws.hf, ws.lnfHat, ws.lnfRstd, lnfG.data, lnfB.data, n, d);
    Blas.gemm(false, false, n, vocab, d, 1f, ws.hf, d, head.data, vocab, 0f, ws.out, vocab);
  }

  /** out = in W + b over rows. */
  private static void linear(float[] in, Tensor w, Tensor b, float[] out, int rows) {
    int k = w.rows, m = w.cols;
    Blas.gemm(false, false, rows, m, k, 1f, in, k, w.data, m, 0f, out, m);
    float[] bias = b.data;
    for (int r = 0; r < rows; r++) {
      int o = r * m;
      for (int j = 0; j < m; j++) out[o + j] += bias[j];
    }
  }

  /**
   * Causal softmax attention per sequence and head; probabilities kept in att. With lastOnly, only the
   * last position's query is computed and y holds one row per sequence.
   */
  private void attention(float[] qkv, float[] att, float[] y, int n, boolean lastOnly, float[] s) {
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
            s[j] = dot(qkv, qo, qkv, ko, hd) * scale;
            max = Math.max(max, s[j]);
          }
          float sum = 0;
          for (int j = 0; j <= i; j++) {
            s[j] = (float) Math.exp(s[j] - max);
            sum += s[j];
          }
          int yo = (lastOnly ? b : b * seq + i) * d + h * hd;
          Arrays.fill(y, yo, yo + hd, 0f);
          for (int j = 0; j < seq; j++) {
            float p = j <= i ? s[j] / sum : 0f;
            att[ab + i * seq + j] = p;
            if (p == 0f) continue;
            int vo = (b * seq + j) * stride + 2 * d + h * hd;
            for (int c = 0; c < hd; c++) y[yo + c] += p * qkv[vo + c];
          }
        }
      }
    }
  }

  @Override public void backward(Batch batch, Model.Workspace w, ParamSet grads) {
    Workspace ws = (Workspace) w;
    int n = batch.size;
    int rows = n * seq;
    grads.zero();
    // head and final LayerNorm, last positions only
    Blas.gemm(true, false, d, vocab, n, 1f, ws.hf, d, ws.dOut, vocab, 0f, grads.get(head.name).data, vocab);
    Blas.gemm(false, true, n, d, vocab, 1f, ws.dOut, vocab, head.data, vocab, 0f, ws.dhf, d);
    // dx: gradient w.r.t. the last block's output, one row per sequence (compact)
    LayerNorm.backward(ws.dhf, ws.lnfHat, ws.lnfRstd, lnfG.data, ws.dx, grads.get(lnfG.name).data, grads.get(lnfB.name).data, n, d, false);
    for (int l = depth - 1; l >= 0; l--) {
      boolean last = l == depth - 1;
      int r = last ? n : rows;
      float[] dx = ws.dx; // gradient w.r.t. the block output x2 = x1 + mlp (r rows)
      // MLP branch
      linearBackward(ws.g[l], fc2W[l], dx, grads.get(fc2W[l].name).data, grads.get(fc2B[l].name).data, ws.dFf, r);
      float[] dFf = ws.dFf, gg = ws.gGrad[l];
      for (int i = 0; i < r * ff; i++) dFf[i] *= gg[i];
      linearBackward(ws.h2[l], fc1W[l], dFf, grads.get(fc1W[l].name).data, grads.get(fc1B[l].name).data, ws.dTmp, r);
      // dx1 = dx (residual) + LN2 backward of dh2
      LayerNorm.backward(ws.dTmp, ws.ln2Hat[l], ws.ln2Rstd[l], ln2G[l].data, dx, grads.get(ln2G[l].name).data,
          grads.get(ln2B[l].name).data, r, d, true);
      // x1 = h1 + out(attn(h1)): dh1 = dx1 + path through attention
      linearBackward(ws.y[l], outW[l], dx, grads.get(outW[l].name).data, grads.get(outB[l].name).data, ws.dY, r);
      attentionBackward(ws.qkv[l], ws.att[l], ws.dY, ws.dQkv, n, last, ws.scores);
      linearBackward(ws.h1[l], inW[l], ws.dQkv, grads.get(inW[l].name).data, grads.get(inB[l].name).data, ws.dTmp, rows);
      if (last) {
        for (int b = 0; b < n; b++) {
          int dst = (b * seq + seq - 1) * d, src = b * d;
          for (int j = 0; j < d; j++) ws.dTmp[dst + j] += dx[src + j];
        }
      } else {
        for (int i = 0; i < rows * d; i++) ws.dTmp[i] += dx[i]; // dh1
      }
      // dx_in = LN1 backward of dh1 (every position), written over dx
      LayerNorm.backward(ws.dTmp, ws.ln1Hat[l], ws.ln1Rstd[l], ln1G[l].data, dx, grads.get(ln1G[l].name).data,
          grads.get(ln1B[l].name).data, rows, d, false);
    }
    float[] dTok = grads.get(tokEmb.name).data, dPos = grads.get(posEmb.name).data;
    for (int b = 0; b < n; b++) {
      int ex = b * seq;
      for (int t = 0; t < seq; t++) {
        int tok = batch.tokens[ex + t], o = (b * seq + t) * d;
        for (int j = 0; j < d; j++) {
          dTok[tok * d + j] += ws.dx[o + j];
          dPos[t * d + j] += ws.dx[o + j];
        }
      }
    }
  }

  /**
   * sum_c a[ao + c] * b[bo + c] with eight accumulators: C2 packs them into one vector, where a single
   * running float sum must stay scalar (Java's strict evaluation order).
   */
  static float dot(float[] a, int ao, float[] b, int bo, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int c = 0;
    for (; c + 8 <= n; c += 8) {
      s0 += a[ao + c] * b[bo + c];
      s1 += a[ao + c + 1] * b[bo + c + 1];
      s2 += a[ao + c + 2] * b[bo + c + 2];
      s3 += a[ao + c + 3] * b[bo + c + 3];
      s4 += a[ao + c + 4] * b[bo + c + 4];
      s5 += a[ao + c + 5] * b[bo + c + 5];
      s6 += a[ao + c + 6] * b[bo + c + 6];
      s7 += a[ao + c + 7] * b[bo + c + 7];
    }
    for (; c < n; c++) s0 += a[ao + c] * b[bo + c];
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /** For out = in W + b: dW = in^T dOut, db = column sums of dOut, dIn = dOut W^T. */
  private static void linearBackward(float[] in, Tensor w, float[] dOut, float[] dW, float[] dB, float[] dIn, int rows) {
    int k = w.rows, m = w.cols;
    Blas.gemm(true, false, k, m, rows, 1f, in, k, dOut, m, 0f, dW, m);
    for (int r = 0; r < rows; r++) {
      int o = r * m;
      for (int j = 0; j < m; j++) dB[j] += dOut[o + j];
    }
    Blas.gemm(false, true, rows, k, m, 1f, dOut, m, w.data, m, 0f, dIn, k);
  }

  private void attentionBackward(float[] qkv, float[] att, float[] dY, float[] dQkv, int n, boolean lastOnly, float[] dp) {
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
            float acc = dot(dY, yo, qkv, vo, hd);
            for (int c = 0; c < hd; c++) dQkv[vo + c] += p * dY[yo + c];
            dp[j] = acc;
            dot += p * acc;
          }
          int qo = (b * seq + i) * stride + h * hd;
          for (int j = 0; j <= i; j++) {
            float ds = att[ab + i * seq + j] * (dp[j] - dot) * scale;
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
}
