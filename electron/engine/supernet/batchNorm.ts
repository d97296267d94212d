/**
 * Batch normalisation over NHWC tensors with running statistics (PyTorch semantics: momentum
 * 0.1 on the new value, unbiased variance in the running estimate, eps 1e-5).
 *
 * Training mode uses one fused custom gradient instead of differentiating `tf.moments`:
 * dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat)), which needs two reductions and a
 * few element-wise passes instead of the dozen that autodiff of moments produces.
 */
import * as tf from '@tensorflow/tfjs';
import { channelAffine2, channelDot, channelSums } from '../tf/cpu/channelKernels';
import type { ParamStore } from './params';

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

/** The tensors of one BN layer; `gamma`/`beta` are absent for affine-free BN (NB201 cells). */
export interface BnParams {
  readonly name: string;
  readonly runningMean: tf.Variable; // [C]
  readonly runningVar: tf.Variable; // [C]
  readonly gamma?: tf.Variable; // [C]
  readonly beta?: tf.Variable; // [C]
}

/** Creates `<name>/running_mean`, `<name>/running_var` and, when affine, `<name>/gamma`, `<name>/beta`. */
export function createBn(params: ParamStore, name: string, channels: number, affine: boolean): BnParams {
  const runningMean = params.filled(`${name}/running_mean`, [channels], 0, false);
  const runningVar = params.filled(`${name}/running_var`, [channels], 1, false);
  if (!affine) return { name, runningMean, runningVar };
  return { name, runningMean, runningVar, gamma: params.filled(`${name}/gamma`, [channels], 1, true), beta: params.filled(`${name}/beta`, [channels], 0, true) };
}

/** Trainable tensors of a BN layer (empty when affine-free). */
export function bnTrainables(bn: BnParams): tf.Variable[] {
  return bn.gamma && bn.beta ? [bn.gamma, bn.beta] : [];
}

let momentum = BN_MOMENTUM;

/**
 * Runs `fn` with the running-statistics momentum set to `m` (restored afterwards). BN
 * recalibration uses 1/k for its k-th batch: a cumulative average, exact after few batches,
 * where momentum 0.1 would still be 80% the reset values after two.
 */
export function withBnMomentum<T>(m: number, fn: () => T): T {
  const previous = momentum;
  momentum = m;
  try {
    return fn();
  } finally {
    momentum = previous;
  }
}

function updateRunning(bn: BnParams, mean: tf.Tensor1D, variance: tf.Tensor1D, count: number): void {
  tf.tidy(() => {
    const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
    bn.runningMean.assign(tf.add(tf.mul(bn.runningMean, 1 - momentum), tf.mul(mean, momentum)));
    bn.runningVar.assign(tf.add(tf.mul(bn.runningVar, 1 - momentum), tf.mul(unbiased, momentum)));
  });
}

/**
 * Training-mode core for one BN layer: normalises x [N,H,W,C] with batch statistics (moving
 * the running statistics when `updateStats`), with the gradient fused by hand.
 */
function normalizeTrain(bn: BnParams, updateStats: boolean): (x: tf.Tensor4D) => tf.Tensor4D {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x4 = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const m = x4.size / (x4.shape[3] as number);
    const mean = tf.div(channelSums(x4), m);
    const centered = tf.sub(x4, mean);
    const variance = tf.div(channelDot(centered, centered), m);
    if (updateStats) updateRunning(bn, mean as tf.Tensor1D, variance as tf.Tensor1D, m);
    const rstd = tf.rsqrt(tf.add(variance, BN_EPS));
    const xhat = tf.mul(centered, rstd);
    save([xhat, rstd]);
    return {
      value: xhat,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rs] = saved as [tf.Tensor4D, tf.Tensor1D];
        const s1 = channelSums(dy);
        const s2 = channelDot(dy, xh);
        // dx = rstd * (dy - s1/m - xhat * s2/m)
        const shift = tf.mul(s1, tf.div(rs, -m)) as tf.Tensor1D;
        const scale = tf.mul(s2, tf.div(rs, -m)) as tf.Tensor1D;
        return [channelAffine2(dy, xh, rs, scale, shift)];
      },
    };
  });
  return (x) => f(x) as tf.Tensor4D;
}

/**
 * Eval-mode BN as a per-channel affine map y = x * scale + shift, from the running statistics
 * (and gamma/beta when affine): scale = gamma / sqrt(var + eps), shift = beta - mean * scale.
 * [C] each; the caller disposes them (or calls this inside a tidy).
 */
export function evalBnAffine(bn: BnParams): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  return tf.tidy(() => {
    let scale = tf.rsqrt(tf.add(bn.runningVar, BN_EPS)) as tf.Tensor1D;
    if (bn.gamma) scale = tf.mul(scale, bn.gamma);
    let shift = tf.neg(tf.mul(bn.runningMean, scale)) as tf.Tensor1D;
    if (bn.beta) shift = tf.add(shift, bn.beta);
    return { scale, shift };
  });
}

/**
 * Batch norm of x [N,H,W,C] -> [N,H,W,C]. In training mode it normalises with the batch's
 * statistics and, when `updateStats`, moves the running statistics; otherwise it uses the
 * running statistics. The caller disposes the result.
 */
export function batchNorm(x: tf.Tensor4D, bn: BnParams, training: boolean, updateStats = true): tf.Tensor4D {
  return tf.tidy(() => {
    if (!training) {
      // Two full passes (was four for affine BN): the statistics and gamma/beta fold into [C] vectors.
      const { scale, shift } = evalBnAffine(bn);
      return tf.add(tf.mul(x, scale), shift);
    }
    let y = normalizeTrain(bn, updateStats)(x);
    if (bn.gamma && bn.beta) y = tf.add(tf.mul(y, bn.gamma), bn.beta);
    return y;
  });
}
