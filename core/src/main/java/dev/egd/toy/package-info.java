/**
 * The EGD paper's analytical setting, {@link TwoScaleToy}: a linear model on a quadratic loss whose input
 * covariance has two scales, where gradient descent needs steps linear in 1/ε and EGD a number
 * independent of ε.
 */
package dev.egd.toy;
