package dev.egd.nn;

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
 * positions) x width, so every projection is one GEMM over all tokens of a batch. Built from the
 * shared layers: {@link Embedding} (token rows plus position rows), {@link Linear} (every projection
 * and the head), {@link Attention} (the causal softmax core), and the package's LayerNorm and GELU.
 */
public final class Transformer implements Model {
  private final int vocab, seq, d, heads, ff, depth;
  private final ParamSet params;
  private final Tensor tokEmb, posEmb, lnfG, lnfB, head;
  private final Tensor[] ln1G, ln1B, inW, inB, outW, outB, ln2G, ln2B, fc1W, fc1B, fc2W, fc2B;
  private final Linear[] inProj, outProj, fc1, fc2;
  private final Linear headProj;
  private final Embedding embedding; // token rows plus the position's row
  private final Attention attention;

  /**
   * A transformer with zero parameters (call {@link #initTorchDefault} before training).
   *
   * @param vocab tokens in the vocabulary, at least 2
   * @param seq positions per sequence
   * @param width the model width d, a positive multiple of {@code heads}
   * @param heads attention heads, at least 1
   * @param depth blocks, at least 1
   * @throws dev.egd.ValidationException ({@code vocabulary}, {@code heads}, {@code width}, {@code depth}) if a
   *     value is out of range
   */
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
    inProj = new Linear[depth]; outProj = new Linear[depth]; fc1 = new Linear[depth]; fc2 = new Linear[depth];
    for (int l = 0; l < depth; l++) {
      inProj[l] = new Linear(inW[l], inB[l]);
      outProj[l] = new Linear(outW[l], outB[l]);
      fc1[l] = new Linear(fc1W[l], fc1B[l]);
      fc2[l] = new Linear(fc2W[l], fc2B[l]);
    }
    headProj = new Linear(head, null);
    embedding = new Embedding(tokEmb, posEmb);
    attention = new Attention(seq, d, heads);
  }

  private static Tensor add(List<Tensor> list, String name, int rows, int cols, Tensor.Kind kind) {
    Tensor t = new Tensor(name, rows, cols, kind);
    list.add(t);
    return t;
  }

  /** The regular expression that selects every block's MLP weights (EGD's default on this model). */
  public static final String MLP_WEIGHTS = "blocks\\.\\d+\\.mlp\\.fc[12]\\.w";

  /**
   * PyTorch's default initialisation of the same modules (Embedding, LayerNorm, MultiheadAttention, Linear).
   * Overwrites every parameter.
   *
   * @param rng the source of the draws, advanced
   */
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
    embedding.forward(batch.tokens, 1, rows, ws.x0, false); // x0[b, t] = pos_emb[t] + tok_emb[token]
    float[] x = ws.x0;
    for (int l = 0; l < depth; l++) {
      // Only the last position is read out, so the last block needs its attention query, output
      // projection, LN2 and MLP at that position alone (keys and values still come from every
      // position): those rows are stored compactly, one per sequence.
      boolean last = l == depth - 1;
      int r = last ? n : rows;
      LayerNorm.forward(x, ws.h1[l], ws.ln1Hat[l], ws.ln1Rstd[l], ln1G[l].data, ln1B[l].data, rows, d);
      inProj[l].forward(ws.h1[l], ws.qkv[l], rows);
      attention.forward(ws.qkv[l], ws.att[l], ws.y[l], n, last, ws.scores);
      outProj[l].forward(ws.y[l], ws.x1[l], r);
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
      fc1[l].forward(ws.h2[l], ws.f[l], r);
      Gelu.forward(ws.f[l], ws.g[l], ws.training ? ws.gGrad[l] : null, r * ff);
      fc2[l].forward(ws.g[l], ws.x2[l], r);
      float[] x2 = ws.x2[l];
      for (int i = 0; i < r * d; i++) x2[i] += x1[i];
      x = x2;
    }
    LayerNorm.forward(x, ws.hf, ws.lnfHat, ws.lnfRstd, lnfG.data, lnfB.data, n, d);
    headProj.forward(ws.hf, ws.out, n);
  }

  @Override public void backward(Batch batch, Model.Workspace w, ParamSet grads) {
    Workspace ws = (Workspace) w;
    int n = batch.size;
    int rows = n * seq;
    grads.zero(); // the LayerNorms add their gain and bias gradients; the other layers overwrite theirs
    // head and final LayerNorm, last positions only
    headProj.backward(ws.hf, ws.dOut, n, grads, ws.dhf, false);
    // dx: gradient w.r.t. the last block's output, one row per sequence (compact)
    LayerNorm.backward(ws.dhf, ws.lnfHat, ws.lnfRstd, lnfG.data, ws.dx, grads.get(lnfG.name).data, grads.get(lnfB.name).data, n, d, false);
    for (int l = depth - 1; l >= 0; l--) {
      boolean last = l == depth - 1;
      int r = last ? n : rows;
      float[] dx = ws.dx; // gradient w.r.t. the block output x2 = x1 + mlp (r rows)
      // MLP branch
      fc2[l].backward(ws.g[l], dx, r, grads, ws.dFf, false);
      float[] dFf = ws.dFf, gg = ws.gGrad[l];
      for (int i = 0; i < r * ff; i++) dFf[i] *= gg[i];
      fc1[l].backward(ws.h2[l], dFf, r, grads, ws.dTmp, false);
      // dx1 = dx (residual) + LN2 backward of dh2
      LayerNorm.backward(ws.dTmp, ws.ln2Hat[l], ws.ln2Rstd[l], ln2G[l].data, dx, grads.get(ln2G[l].name).data,
          grads.get(ln2B[l].name).data, r, d, true);
      // x1 = h1 + out(attn(h1)): dh1 = dx1 + path through attention
      outProj[l].backward(ws.y[l], dx, r, grads, ws.dY, false);
      attention.backward(ws.qkv[l], ws.att[l], ws.dY, ws.dQkv, n, last, ws.scores);
      inProj[l].backward(ws.h1[l], ws.dQkv, rows, grads, ws.dTmp, false);
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
    embedding.backward(batch.tokens, 1, rows, ws.dx, grads, false);
  }
}
