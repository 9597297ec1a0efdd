/**
 * Gradient transforms in the style of optax: each owns its state, knows nothing of the model and
 * rewrites a gradient in place; {@link Transforms} makes them (EGD, randomized EGD, column
 * normalisation, Grokfast-EMA and -MA, weight decay, switch-offs, SGD, Adam, AdamW, Muon) and chains them,
 * the optimizer last. {@link GradientTransform} says how to use one in a training loop of one's own;
 * {@link ParamSelector} chooses the parameters a transform acts on. Nothing here knows the training loop:
 * the test accuracy that switch-offs read comes through {@link TestAccuracy}.
 */
package dev.egd.optim;
