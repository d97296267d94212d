/**
 * Supernet weights (and SGD momentum) to and from checkpoints, under logical names
 * (`model/cell0/e2/nor_conv_3x3/conv`, `sgd/...`), so a checkpoint loads into any supernet built
 * from the same config, whatever its tfjs variable scope.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import type { NamedArray } from '../store/checkpoint';
import { MODEL_PREFIX } from '../store/checkpointTensors';
import type { ParamStore } from '../supernet/params';
import { arrayToTensor } from '../store/checkpointTensors';
import { SGD_PREFIX } from '../train/optimizerState';
import type { SgdNesterov } from '../train/sgdNesterov';

/** Borrowed references to every weight (and momentum buffer) by logical name; nothing to dispose. */
export function supernetTensors(params: ParamStore, optimizer?: SgdNesterov): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, v] of params.entries()) {
    out[`${MODEL_PREFIX}${name}`] = v;
    const buffer = optimizer?.buffer(v.name);
    if (buffer) out[`${SGD_PREFIX}${name}`] = buffer;
  }
  return out;
}

/**
 * Assigns a checkpoint's weights to `params`. Every weight must be present with its shape;
 * a mismatch names the tensor (a checkpoint of another network).
 */
export function restoreSupernetWeights(params: ParamStore, arrays: Readonly<Record<string, NamedArray>>): void {
  for (const [name, v] of params.entries()) {
    const array = arrays[`${MODEL_PREFIX}${name}`];
    if (!array) throw new NasError('STORE_IO', `The checkpoint has no weight '${name}'.`, { fix: 'Load a checkpoint of an experiment with the same space and network size.' });
    if (array.shape.length !== v.shape.length || array.shape.some((d, i) => d !== v.shape[i])) {
      throw new NasError('STORE_IO', `The checkpoint's '${name}' has shape [${array.shape.join(', ')}], the network expects [${v.shape.join(', ')}].`, {
        fix: 'Load a checkpoint of an experiment with the same space and network size.',
      });
    }
    tf.tidy(() => v.assign(tf.tensor(array.data, [...array.shape], 'float32')));
  }
}

/**
 * Sets the optimizer's momentum buffers from a checkpoint's `sgd/<name>` arrays (resume into a
 * fresh optimizer). Weights that were never updated have no saved buffer and get none.
 */
export function restoreSupernetMomentum(params: ParamStore, optimizer: SgdNesterov, arrays: Readonly<Record<string, NamedArray>>): void {
  for (const [name, v] of params.entries()) {
    const array = arrays[`${SGD_PREFIX}${name}`];
    if (!array) continue;
    if (array.shape.length !== v.shape.length || array.shape.some((d, i) => d !== v.shape[i])) {
      throw new NasError('STORE_IO', `The checkpoint's momentum of '${name}' has shape [${array.shape.join(', ')}], the network expects [${v.shape.join(', ')}].`, {
        fix: 'Resume with the configuration the experiment was created with.',
      });
    }
    const value = arrayToTensor(array);
    optimizer.loadBuffer(v.name, value);
    value.dispose();
  }
}
