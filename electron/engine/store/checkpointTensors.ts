/**
 * The tfjs side of checkpoints: tensors to named arrays (for saveCheckpoint) and back, and
 * restoring model variables by name with shape and dtype checks.
 *
 * Names in a checkpoint are namespaced by what they belong to: `model/<variable>` for network
 * tensors (see {@link MODEL_PREFIX}); optimizers add their own prefixes (train/optimizerState).
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { saveCheckpoint } from './checkpoint';
import type { CheckpointDtype, CheckpointMeta, NamedArray } from './checkpoint';

export const MODEL_PREFIX = 'model/';

/**
 * Reads every tensor (asynchronously, so GPU backends need not block) into a named array.
 * Does not dispose the tensors. Throws for dtypes other than float32 and int32.
 */
export async function tensorsToArrays(tensors: Readonly<Record<string, tf.Tensor>>): Promise<Record<string, NamedArray>> {
  const out: Record<string, NamedArray> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`Checkpoint: '${name}' has dtype ${t.dtype}; only float32 and int32 are stored`);
    const values = await t.data();
    // data() may hand back the backend's own array on some backends: copy before keeping it.
    const data = t.dtype === 'float32' ? Float32Array.from(values as Float32Array) : Int32Array.from(values as Int32Array);
    out[name] = { shape: [...t.shape], dtype: t.dtype as CheckpointDtype, data };
  }
  return out;
}

/** Reads `tensors` and saves them with `meta` as checkpoint `label` (see saveCheckpoint). */
export async function saveTensorCheckpoint(experimentDir: string, label: string, tensors: Readonly<Record<string, tf.Tensor>>, meta: CheckpointMeta): Promise<string> {
  return saveCheckpoint(experimentDir, label, await tensorsToArrays(tensors), meta);
}

/** `{ 'model/<name>': variable }` for every variable; borrowed references, nothing to dispose. */
export function modelTensors(variables: Iterable<tf.Variable>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const v of variables) out[`${MODEL_PREFIX}${v.name}`] = v;
  return out;
}

/** A new tensor holding `array`'s values; the caller disposes it. */
export function arrayToTensor(array: NamedArray): tf.Tensor {
  return tf.tensor(array.data, [...array.shape], array.dtype);
}

function mismatch(what: string): NasError {
  return new NasError('STORE_IO', `The checkpoint does not match this network: ${what}.`, {
    fix: 'Resume with the configuration the experiment was created with (same preset, channels and cells), or start a new experiment.',
  });
}

/**
 * Assigns the checkpoint's `model/<name>` arrays to the variables of the same name. Checks
 * first, assigns after: both sides must hold exactly the same names, shapes and dtypes, or a
 * NasError STORE_IO names the first difference and no variable is changed.
 */
export function restoreVariables(arrays: Readonly<Record<string, NamedArray>>, variables: Iterable<tf.Variable>, prefix = MODEL_PREFIX): void {
  const list = [...variables];
  const wanted = new Set(list.map((v) => `${prefix}${v.name}`));
  for (const v of list) {
    const a = arrays[`${prefix}${v.name}`];
    if (!a) throw mismatch(`no saved tensor for '${v.name}'`);
    if (a.dtype !== v.dtype || !tf.util.arraysEqual([...a.shape], v.shape)) {
      throw mismatch(`'${v.name}' is ${a.dtype} ${JSON.stringify(a.shape)} in the checkpoint but ${v.dtype} ${JSON.stringify(v.shape)} here`);
    }
  }
  const extra = Object.keys(arrays).find((k) => k.startsWith(prefix) && !wanted.has(k));
  if (extra !== undefined) throw mismatch(`the checkpoint has '${extra.slice(prefix.length)}', which this network lacks`);
  for (const v of list) {
    const t = arrayToTensor(arrays[`${prefix}${v.name}`] as NamedArray);
    v.assign(t);
    t.dispose();
  }
}
