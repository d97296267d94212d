/**
 * Saving and restoring optimizer state by variable name, for checkpoints and for GM-NAS warm
 * starts (B5: children inherit the weight- and arch-optimizer state).
 *
 * Checkpoint names: `sgd/<variable>` for SGD momentum buffers; `adam/m/<variable>`,
 * `adam/v/<variable>` for Adam moments, with Adam's per-name step counts in the JSON meta
 * (`extra.adamSteps` by convention; see {@link adamCheckpointState}).
 *
 * SgdNesterov exposes its buffers only through `buffer(name)`, so the save side takes the list
 * of names to look up. Restoring a buffer that does not exist yet needs a way to create it:
 * `loadBuffer(name, value)` when the optimizer has one; otherwise this module creates it through
 * the public `apply` on a throw-away variable (see {@link restoreMomentum}).
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import type { NamedArray } from '../store/checkpoint';
import { arrayToTensor } from '../store/checkpointTensors';
import type { AdamByName, AdamSteps } from './adamByName';

export const SGD_PREFIX = 'sgd/';
export const ADAM_PREFIX = 'adam/';

/** What restoring needs from an SGD-with-momentum optimizer (SgdNesterov satisfies it). */
export interface MomentumOptimizer {
  buffer(name: string): tf.Variable | undefined;
  apply(variables: ReadonlyMap<string, tf.Variable>, grads: Readonly<Record<string, tf.Tensor>>, lr: number): void;
  /** Optional direct setter; used when present. */
  loadBuffer?(name: string, value: tf.Tensor): void;
}

/**
 * `{ 'sgd/<name>': buffer }` for each of `names` that has a momentum buffer (names never
 * updated have none and are left out). Borrowed references: do not dispose; read them
 * (tensorsToArrays) before the next optimizer step.
 */
export function momentumTensors(optimizer: Pick<MomentumOptimizer, 'buffer'>, names: Iterable<string>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const name of names) {
    const b = optimizer.buffer(name);
    if (b) out[`${SGD_PREFIX}${name}`] = b;
  }
  return out;
}

function stateError(what: string): NasError {
  return new NasError('STORE_IO', `Saved optimizer state does not fit: ${what}.`, { fix: 'Resume from a checkpoint of the same experiment configuration, or restart the run.' });
}

/**
 * Sets the momentum buffer of each of `names` that has a saved `sgd/<name>` array. Names
 * without a saved buffer must have none now either (restore into a fresh optimizer).
 *
 * Creating a missing buffer without `loadBuffer`: SgdNesterov's first update sets
 * buf = g + wd * w. Applying g = saved buffer to a scratch variable filled with -0 gives
 * wd * (-0) = -0 and g + (-0) = g bit for bit (also for g = -0), so the buffer equals the saved
 * one exactly; the scratch variable absorbs the weight update and is disposed, the real
 * weights are untouched.
 */
export function restoreMomentum(optimizer: MomentumOptimizer, arrays: Readonly<Record<string, NamedArray>>, names: Iterable<string>): void {
  for (const name of names) {
    const saved = arrays[`${SGD_PREFIX}${name}`];
    const current = optimizer.buffer(name);
    if (!saved) {
      if (current) throw stateError(`'${name}' has a momentum buffer but the checkpoint has none (restore into a fresh optimizer)`);
      continue;
    }
    if (saved.dtype !== 'float32') throw stateError(`momentum of '${name}' is ${saved.dtype}`);
    if (current && !tf.util.arraysEqual(current.shape, [...saved.shape])) {
      throw stateError(`momentum of '${name}' is ${JSON.stringify(saved.shape)} in the checkpoint but ${JSON.stringify(current.shape)} here`);
    }
    const value = arrayToTensor(saved);
    try {
      if (current) current.assign(value);
      else if (optimizer.loadBuffer) optimizer.loadBuffer(name, value);
      else primeBuffer(optimizer, name, value, saved.shape);
    } finally {
      value.dispose();
    }
  }
}

function primeBuffer(optimizer: MomentumOptimizer, name: string, value: tf.Tensor, shape: readonly number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  const negZero = tf.tensor(new Float32Array(size).fill(-0), [...shape], 'float32');
  const scratch = tf.variable(negZero, false);
  negZero.dispose(); // the variable keeps its own reference to the data
  try {
    optimizer.apply(new Map([[name, scratch]]), { [name]: value }, 0);
  } finally {
    scratch.dispose();
  }
}

/** Adam state for a checkpoint: prefixed tensor copies (the caller disposes) and the step counts. */
export function adamCheckpointState(adam: AdamByName, prefix = ADAM_PREFIX): { tensors: Record<string, tf.Tensor>; steps: AdamSteps } {
  const saved = adam.saveState();
  const tensors: Record<string, tf.Tensor> = {};
  for (const [k, t] of Object.entries(saved.tensors)) tensors[`${prefix}${k}`] = t;
  return { tensors, steps: saved.steps };
}

/** Restores Adam from a checkpoint's `adam/m|v/<name>` arrays and the saved step counts. */
export function restoreAdam(adam: AdamByName, arrays: Readonly<Record<string, NamedArray>>, steps: unknown, prefix = ADAM_PREFIX): void {
  const tensors: Record<string, tf.Tensor> = {};
  try {
    for (const [k, a] of Object.entries(arrays)) if (k.startsWith(prefix)) tensors[k.slice(prefix.length)] = arrayToTensor(a);
    adam.loadState({ tensors, steps });
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
