/**
 * Gradient clipping over a name -> gradient record, PyTorch semantics.
 *
 * - by value (`clip_grad_value_`, ABS ImageNet training, c = 5): each element into [-c, c].
 * - by global norm (`clip_grad_norm_`, GM-NAS NB201, c = 5): total = sqrt(sum over the given
 *   gradients of their squared L2 norms); coef = c / (total + 1e-6); every gradient is multiplied
 *   by coef when coef < 1. (PyTorch multiplies by min(coef, 1), so a total just below c by less
 *   than 1e-6 is still scaled by a hair; we follow it exactly.)
 *
 * Only the gradients passed in count towards the norm: with single-path sampling that is the
 * sampled path, exactly what PyTorch sees, since unsampled parameters have `grad = None`.
 *
 * Ownership: every function returns NEW tensors (also for names left unchanged) that the caller
 * disposes; the input gradients are never disposed or modified.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

export type GradRecord = Record<string, tf.Tensor>;

/** PyTorch's epsilon in clip_grad_norm_'s coefficient. */
export const CLIP_NORM_EPS = 1e-6;

export interface ClipResult {
  /** Clipped gradients, same names and shapes as the input; owned by the caller. */
  readonly grads: GradRecord;
  /** Global L2 norm of the gradients before clipping (NaN or Infinity if any is non-finite). */
  readonly norm: number;
  /** Whether any value was changed. */
  readonly clipped: boolean;
}

export const clipConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('value'), clip: z.number().positive() }),
  z.object({ kind: z.literal('norm'), maxNorm: z.number().positive() }),
]);
export type ClipConfig = z.infer<typeof clipConfigSchema>;

function requirePositive(what: string, c: number): void {
  if (!(c > 0) || !Number.isFinite(c)) throw new Error(`${what} must be a positive finite number, got ${c}`);
}

/**
 * Global L2 norm over all gradients: sqrt(sum_i ||g_i||^2), as a JS number (a synchronous
 * read). 0 for an empty record.
 */
export function globalGradNorm(grads: Readonly<GradRecord>): number {
  const list = Object.values(grads);
  if (list.length === 0) return 0;
  const total = tf.tidy(() => tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))));
  const value = total.dataSync()[0] as number;
  total.dispose();
  return value;
}

/** Clamps every element of every gradient to [-clip, clip]. Returns new tensors and the pre-clip norm. */
export function clipByValue(grads: Readonly<GradRecord>, clip: number): ClipResult {
  requirePositive('clipByValue: clip', clip);
  const list = Object.entries(grads);
  const out: GradRecord = {};
  for (const [name, g] of list) out[name] = tf.clipByValue(g, -clip, clip);
  if (list.length === 0) return { grads: out, norm: 0, clipped: false };
  // One synchronous read for both numbers: [pre-clip norm, largest |g|].
  const stats = tf.tidy(() => {
    const gs = list.map(([, g]) => g);
    const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));
    const maxAbs = tf.max(tf.stack(gs.map((g) => tf.max(tf.abs(g)))));
    return tf.stack([norm, maxAbs]);
  });
  const [norm, maxAbs] = stats.dataSync() as Float32Array;
  stats.dispose();
  return { grads: out, norm: norm as number, clipped: (maxAbs as number) > clip };
}

/**
 * Scales all gradients by maxNorm / (norm + 1e-6) when that factor is below 1 (PyTorch
 * clip_grad_norm_). Returns new tensors and the pre-clip global norm. A non-finite norm is
 * returned as is with unscaled copies: check it (finiteGuard) before applying an update.
 */
export function clipByGlobalNorm(grads: Readonly<GradRecord>, maxNorm: number): ClipResult {
  requirePositive('clipByGlobalNorm: maxNorm', maxNorm);
  const norm = globalGradNorm(grads);
  const coef = maxNorm / (norm + CLIP_NORM_EPS);
  const scale = Number.isFinite(norm) && coef < 1;
  const out: GradRecord = {};
  for (const [name, g] of Object.entries(grads)) out[name] = scale ? tf.mul(g, coef) : tf.clone(g);
  return { grads: out, norm, clipped: scale };
}

/** Applies a clipping config; `none` returns copies and the norm. */
export function clipGradients(grads: Readonly<GradRecord>, config: ClipConfig): ClipResult {
  switch (config.kind) {
    case 'value':
      return clipByValue(grads, config.clip);
    case 'norm':
      return clipByGlobalNorm(grads, config.maxNorm);
    case 'none': {
      const out: GradRecord = {};
      for (const [name, g] of Object.entries(grads)) out[name] = tf.clone(g);
      return { grads: out, norm: globalGradNorm(grads), clipped: false };
    }
  }
}
