/**
 * Models as forward and backward passes over flat row-major float32 arrays, written by hand: named
 * {@link Tensor}s in an ordered {@link ParamSet}, a reusable {@link Batch} of examples, the layers
 * {@link Linear}, {@link Embedding} and {@link Attention}, the models {@link Mlp} and {@link Transformer}
 * behind {@link Model}, and the losses behind {@link Loss}. Models know neither data sets nor optimizers.
 *
 * <p>Layers and models keep their parameters (not copies) and no per-call state: several threads may run
 * forward and backward passes at once, each with its own {@link Model.Workspace} and gradient set. The
 * same inputs give the same bits.
 */
package dev.egd.nn;
