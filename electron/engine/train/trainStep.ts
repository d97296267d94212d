/**
 * One optimizer step with the whole ABS / GM-NAS recipe around it, for any loss closure:
 *
 *   grads of the given variables only -> loss guard -> drop all-zero grads (ABS, E3)
 *   -> clipping (by value or global norm) -> grad-norm guard -> optimizer update by name
 *
 * The caller builds the loss (forward of the sampled path or of the mixed supernet, then
 * softmaxCrossEntropy with its label smoothing), so the same step serves supernet weights
 * (SGD-Nesterov, training split) and architecture parameters (Adam, validation split,
 * {@link archStep}). Guards run BEFORE the update: a NAN_LOSS leaves weights and optimizer
 * state as after the last finite step (finiteGuard.ts contract).
 */
import * as tf from '@tensorflow/tfjs';
import { assertFiniteGradNorm, assertFiniteLoss } from './finiteGuard';
import type { FiniteTracker, StepLocation } from './finiteGuard';
import { clipGradients } from './gradientClipping';
import type { ClipConfig, GradRecord } from './gradientClipping';

/** Anything that updates variables by name from a gradient record (SgdNesterov, AdamByName). */
export interface NamedOptimizer {
  apply(variables: ReadonlyMap<string, tf.Variable>, grads: Readonly<Record<string, tf.Tensor>>, lr: number): void;
}

export interface StepOptions {
  /** Forward and loss; must return a scalar. Runs inside tf.variableGrads. */
  readonly loss: () => tf.Scalar;
  /** The variables to train this step (the sampled path's, or the alphas). Others never move. */
  readonly variables: readonly tf.Variable[];
  readonly optimizer: NamedOptimizer;
  readonly lr: number;
  /** Default none. */
  readonly clip?: ClipConfig;
  /**
   * ABS sets a gradient that is exactly zero everywhere to None, so such a tensor gets no
   * momentum or weight-decay update (ALGORITHMS.md A4, E3). Default true.
   */
  readonly dropZeroGrads?: boolean;
  /** Where the step is, for NAN_LOSS messages. */
  readonly at: StepLocation;
  /** When given, checks go through it (so it can block later checkpoints); else plain guards. */
  readonly tracker?: FiniteTracker;
}

export interface StepResult {
  /** The batch loss before the update. */
  readonly loss: number;
  /** Global gradient norm before clipping, over the gradients kept. */
  readonly gradNorm: number;
  readonly clipped: boolean;
  /** Names whose gradient was all zero and so were not updated. */
  readonly dropped: string[];
}

/** Names whose gradient has no non-zero element, with a single synchronous read. */
export function allZeroNames(grads: Readonly<GradRecord>): string[] {
  const names = Object.keys(grads);
  if (names.length === 0) return [];
  const flags = tf.tidy(() => tf.stack(names.map((n) => tf.any(tf.notEqual(grads[n] as tf.Tensor, 0)))));
  const nonZero = flags.dataSync();
  flags.dispose();
  return names.filter((_, i) => nonZero[i] === 0);
}

/**
 * Runs one training step (see the file comment). Leaves no tensors behind apart from the
 * updated variables and the optimizer's state. Throws NasError NAN_LOSS without updating.
 */
export function trainStep(options: StepOptions): StepResult {
  const { variables, optimizer, lr, at, tracker } = options;
  const { value, grads: raw } = tf.variableGrads(options.loss, [...variables]);
  const grads: GradRecord = {};
  for (const [name, g] of Object.entries(raw)) if (g) grads[name] = g; // non-trainables come back null
  let clippedGrads: GradRecord | null = null;
  try {
    const loss = value.dataSync()[0] as number;
    const dropped = options.dropZeroGrads === false ? [] : allZeroNames(grads);
    const kept: GradRecord = {};
    for (const [name, g] of Object.entries(grads)) if (!dropped.includes(name)) kept[name] = g;
    const clip = clipGradients(kept, options.clip ?? { kind: 'none' });
    clippedGrads = clip.grads;
    // Both guards before the update; the loss is reported first when both are bad.
    if (tracker) tracker.check(loss, at, clip.norm);
    else {
      assertFiniteLoss(loss, at);
      assertFiniteGradNorm(clip.norm, at);
    }
    if (Object.keys(clip.grads).length > 0) optimizer.apply(new Map(variables.map((v) => [v.name, v])), clip.grads, lr);
    return { loss, gradNorm: clip.norm, clipped: clip.clipped, dropped };
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
    if (clippedGrads) tf.dispose(Object.values(clippedGrads));
  }
}

/**
 * The architecture step of mixed mode (DARTS first order, as ABS's magnitude baseline and
 * GM-NAS train alpha): the loss of a VALIDATION batch through the softmax-weighted supernet,
 * gradients of the alphas only, an AdamByName update; no clipping, no zero-grad dropping
 * (every alpha takes part in a mixed forward).
 */
export function archStep(options: Omit<StepOptions, 'clip' | 'dropZeroGrads' | 'at'> & { readonly at: Omit<StepLocation, 'phase'> }): StepResult {
  return trainStep({ ...options, clip: { kind: 'none' }, dropZeroGrads: false, at: { ...options.at, phase: 'architecture' } });
}
