/**
 * One optimizer step of a weight-sharing supernet over the paths a sampler chose: one path
 * (SPOS, RSPS) or m paths with gradients summed (FairNAS strict fairness). Only the variables
 * the paths use get gradients, and all-zero gradients are dropped, so unsampled operators (and
 * sampled ones that carried no signal) receive no momentum or weight-decay update (E3).
 */
import * as tf from '@tensorflow/tfjs';
import type { Architecture } from '../space/searchSpace';
import type { Supernet } from '../supernet/supernet';
import type { SgdNesterov } from '../train/sgdNesterov';
import { clipGradients } from '../train/gradientClipping';
import type { ClipConfig } from '../train/gradientClipping';
import { softmaxCrossEntropy } from '../train/losses';
import { allZeroNames } from '../train/trainStep';

export interface StepOptions {
  labelSmoothing: number;
  clip: ClipConfig;
}

export interface StepResult {
  /** Mean loss over the paths, before the update. */
  loss: number;
  /** Top-1 hits of the first path on this batch (for the running training accuracy). */
  correct: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

/**
 * @param x float32 [B,H,W,C]; @param labels int32 [B]. Tensors are the caller's; nothing leaks.
 */
export function supernetTrainStep(net: Supernet, optimizer: SgdNesterov, x: tf.Tensor4D, labels: tf.Tensor1D, paths: readonly Architecture[], lr: number, options: StepOptions): StepResult {
  const summed: Record<string, tf.Tensor> = {};
  const variables = new Map<string, tf.Variable>();
  let lossSum = 0;
  let correct = 0;
  try {
    paths.forEach((arch, p) => {
      const trainables = net.pathTrainables(arch);
      for (const v of trainables) variables.set(v.name, v);
      let hits: tf.Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const logits = net.forward(x, arch, true);
        if (p === 0) hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')));
        return softmaxCrossEntropy(logits, labels, options.labelSmoothing);
      }, trainables);
      lossSum += value.dataSync()[0] as number;
      value.dispose();
      if (hits) {
        correct = (hits as tf.Tensor).dataSync()[0] as number;
        (hits as tf.Tensor).dispose();
      }
      for (const [name, g] of Object.entries(grads)) {
        const prev = summed[name];
        summed[name] = prev ? tf.add(prev, g) : g;
        if (prev) {
          prev.dispose();
          g.dispose();
        }
      }
    });
    // A non-finite loss must not reach the weights: the caller stops the run and the last
    // checkpoint on disk stays the last good one.
    if (!Number.isFinite(lossSum)) return { loss: lossSum / paths.length, correct, gradNorm: Number.NaN };
    return { loss: lossSum / paths.length, correct, gradNorm: applyWeightGradients(optimizer, variables, summed, lr, options.clip) };
  } finally {
    tf.dispose(Object.values(summed));
  }
}

/**
 * The end of every weight step (single-path, FairNAS, GM+DARTS's mixed one): drops all-zero
 * gradients (ABS sets them to None, ALGORITHMS.md A4, E3: an op whose edge carried no signal
 * gets no momentum or decay update), clips by the recipe and applies the rest. Disposes what it
 * drops and the clipped copies; `grads` stays the caller's to dispose. Returns the global
 * gradient norm before clipping.
 */
export function applyWeightGradients(optimizer: SgdNesterov, variables: ReadonlyMap<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, clip: ClipConfig): number {
  for (const name of allZeroNames(grads)) {
    grads[name]?.dispose();
    delete grads[name];
  }
  const clipped = clipGradients(grads, clip);
  try {
    optimizer.apply(variables, clipped.grads, lr);
  } finally {
    tf.dispose(Object.values(clipped.grads));
  }
  return clipped.norm;
}
