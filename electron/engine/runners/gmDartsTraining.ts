/**
 * How a GM+DARTS sub-supernet trains (ALGORITHMS.md B5; [GM] WS-GM/nasbench201/train_search.py):
 *
 * - The training split is cut once, by the config seed, into a weight part and an alpha part
 *   (B5 NB201: half and half; `gm.darts.alphaFraction`); the validation split is left for the
 *   candidates' accuracy. An epoch is one pass over the weight part, before and after alpha
 *   unfreezes (the official code also iterates only its train queue during the warm-up).
 * - Each weight step forwards the MIXED supernet, every edge weighted by masked softmax(alpha)
 *   over the node's remaining ops (constant in this step), and updates the weights of every
 *   remaining op with the trainer's SGD (Nesterov, weight decay, the recipe's clipping: the
 *   preset clips the global norm at 5 as B5 does).
 * - Once alpha is unfrozen, every weight step is preceded by one alpha step on a batch of the
 *   alpha part, with the weights frozen (Adam 3e-4, betas (0.5, 0.999), wd 1e-3): FIRST-ORDER
 *   DARTS. Deviation: B5's GM+DARTS-2nd uses the approximate Hessian-vector product (unrolled
 *   step); first order skips it, which costs about a third of a step instead of three extra
 *   passes, and the GM paper reports GM+DARTS-1st in the DARTS space (97.65%, ADR 0007).
 * - The NB201 supernet's cell BN is affine-free and tracks running statistics, as B5 asks.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import type { Batch } from '../data';
import { SeededRng } from '../random/seededRng';
import type { Architecture } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';
import { maskedSoftmax } from '../supernet/maskedSoftmax';
import type { Supernet } from '../supernet/supernet';
import { softmaxCrossEntropy } from '../train/losses';
import type { SgdNesterov } from '../train/sgdNesterov';
import { archStep } from '../train/trainStep';
import type { ExperimentData } from './experimentData';
import type { NodeArchState } from './gmArchState';
import { applyWeightGradients, type StepOptions, type StepResult } from './supernetTrainStep';
import type { WeightStep } from './supernetTrainer';

/** The training split cut into the weights' part and alpha's part. */
export interface DartsDataSplit {
  /** The experiment data with `trainIndices` = the weight part (what the trainer iterates). */
  readonly weights: ExperimentData;
  /** Indices into `data.train` of alpha's part. */
  readonly alphaIndices: Int32Array;
}

/**
 * Cuts `data.trainIndices` by a seeded permutation: the last round(n * alphaFraction) go to alpha.
 * @throws NasError INVALID_CONFIG when either part holds less than one batch.
 */
export function dartsDataSplit(data: ExperimentData, alphaFraction: number, batchSize: number, seed: number): DartsDataSplit {
  const n = data.trainIndices.length;
  const order = new SeededRng(seed).permutation(n).map((i) => data.trainIndices[i] as number);
  const cut = n - Math.round(n * alphaFraction);
  const weights = Int32Array.from(order.slice(0, cut));
  const alpha = Int32Array.from(order.slice(cut));
  if (weights.length < batchSize || alpha.length < batchSize) {
    throw new NasError('INVALID_CONFIG', `GM+DARTS splits the ${n} training images into ${weights.length} for the weights and ${alpha.length} for alpha; each needs at least one batch of ${batchSize}.`, {
      fix: 'Use more training images (maxTrainImages), a smaller training.batchSize, or gm.darts.alphaFraction nearer 0.5.',
    });
  }
  return { weights: { ...data, trainIndices: weights }, alphaIndices: alpha };
}

/**
 * Every trainable variable the mixed forward of `state` uses: the union of the single paths
 * through each remaining op (fixed parts once). Order is stable for a given state.
 */
export function mixedTrainables(net: Supernet, state: SpaceState): tf.Variable[] {
  const widest = Math.max(...state.remaining.map((r) => r.length));
  const byName = new Map<string, tf.Variable>();
  for (let k = 0; k < widest; k++) {
    const arch: Architecture = state.remaining.map((ops) => ops[Math.min(k, ops.length - 1)] as string);
    for (const v of net.pathTrainables(arch)) byName.set(v.name, v);
  }
  return [...byName.values()];
}

/**
 * One SGD step of the weights through the mixed forward, with `mixed` as constant edge weights
 * (same contract as supernetTrainStep: all-zero gradients are dropped, the recipe's clipping is
 * applied, a non-finite loss comes back without an update).
 * @param x float32 [B,H,W,C]; @param labels int32 [B]; @param mixed float32 [choices, K] (masked
 * softmax of alpha). Tensors are the caller's; nothing leaks.
 */
export function mixedWeightStep(net: Supernet, optimizer: SgdNesterov, x: tf.Tensor4D, labels: tf.Tensor1D, mixed: tf.Tensor2D, variables: readonly tf.Variable[], lr: number, options: StepOptions): StepResult {
  let hits: tf.Tensor | null = null;
  const { value, grads: raw } = tf.variableGrads(() => {
    const logits = net.forwardMixed(x, mixed, true);
    hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')));
    return softmaxCrossEntropy(logits, labels, options.labelSmoothing);
  }, [...variables]);
  const grads: Record<string, tf.Tensor> = {};
  for (const [name, g] of Object.entries(raw)) if (g) grads[name] = g;
  try {
    const loss = value.dataSync()[0] as number;
    const correct = hits ? ((hits as tf.Tensor).dataSync()[0] as number) : 0;
    if (!Number.isFinite(loss)) return { loss, correct, gradNorm: Number.NaN };
    return { loss, correct, gradNorm: applyWeightGradients(optimizer, new Map(variables.map((v) => [v.name, v])), grads, lr, options.clip) };
  } finally {
    value.dispose();
    if (hits) (hits as tf.Tensor).dispose();
    tf.dispose(Object.values(grads));
  }
}

export interface DartsStepOptions {
  readonly state: SpaceState;
  readonly arch: NodeArchState;
  /** True while alpha is frozen (before the final split, B5): no alpha step, weights stay uniform. */
  readonly frozen: boolean;
  /** Batches of alpha's part of the training split. */
  readonly nextAlphaBatch: () => Batch;
}

/**
 * The trainer's weight step for a GM+DARTS node: [one alpha step on an alpha batch, unless
 * frozen], then {@link mixedWeightStep} with the current masked softmax(alpha). Ignores the
 * sampler's paths (the trainer still draws them; nothing uses them).
 */
export function dartsWeightStep(options: DartsStepOptions): WeightStep {
  const { state, arch, frozen, nextAlphaBatch } = options;
  let variables: { net: Supernet; list: tf.Variable[] } | null = null;
  // `at`: where the trainer is, named by a NAN_LOSS of the alpha step (the same place after a resume).
  return (net, optimizer, x, labels, _paths, lr, stepOptions, at) => {
    if (variables?.net !== net) variables = { net, list: mixedTrainables(net, state) };
    if (!frozen) {
      const b = nextAlphaBatch();
      try {
        archStep({
          loss: () => softmaxCrossEntropy(net.forwardMixed(b.x, maskedSoftmax(arch.alpha as tf.Tensor2D, state, net.space), true), b.y),
          variables: [arch.alpha],
          optimizer: arch.adam,
          lr: arch.adam.options.lr,
          at: at ?? { epoch: 0, step: 0 },
        });
        arch.alphaSteps += 1;
      } finally {
        tf.dispose([b.x, b.y]);
      }
    }
    const mixed = maskedSoftmax(arch.alpha as tf.Tensor2D, state, net.space);
    try {
      return mixedWeightStep(net, optimizer, x, labels, mixed, variables.list, lr, stepOptions);
    } finally {
      mixed.dispose();
    }
  };
}
