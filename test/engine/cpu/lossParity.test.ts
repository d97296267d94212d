/**
 * The training loss and its gradient on the wasm path equal the cpu reference. (A float
 * target built with tf.oneHot's on/off values once came back int32 on wasm and made the loss
 * integer arithmetic: 2.8e-45 and no learning.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from '../../../electron/engine/train/losses';
import { onBackend, relError, setUpBackends } from './helpers';

beforeAll(setUpBackends);

describe('softmax cross-entropy on wasm', () => {
  for (const smoothing of [0, 0.1]) {
    it(`matches cpu, value and gradient (smoothing ${smoothing})`, async () => {
      const logits = [2, 0.5, -1, 0.3, 0.1, 0.2, -2, 1, 3, 0.5, 0.5, 0.5];
      const labels = [0, 2, 1, 2];
      const run = (): tf.Tensor[] => {
        const x = tf.tensor2d(logits, [4, 3]);
        const y = tf.tensor1d(labels, 'int32');
        const loss = (l: tf.Tensor): tf.Scalar => softmaxCrossEntropy(l as tf.Tensor2D, y, smoothing);
        return [loss(x), tf.grad(loss)(x)];
      };
      const [cpuLoss, cpuGrad] = await onBackend('cpu', run);
      const [wasmLoss, wasmGrad] = await onBackend('wasm', run);
      expect(cpuLoss![0]).toBeGreaterThan(0.5);
      expect(relError(wasmLoss!, cpuLoss!)).toBeLessThan(1e-5);
      expect(relError(wasmGrad!, cpuGrad!)).toBeLessThan(1e-4);
    });
  }
});
