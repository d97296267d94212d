/**
 * One single-path training step of a tiny NB201 supernet on the fast wasm path gives the same
 * loss and the same updated weights as on tfjs's reference cpu backend, and leaks no tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNb201 } from '../../../electron/engine/space/nb201Space';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import { singlePathStep } from '../../../electron/engine/train/singlePathStep';
import { randomValues, relError, setUpBackends } from './helpers';

const GENOTYPES = [
  '|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|none~2|',
  '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_3x3~0|none~1|avg_pool_3x3~2|',
].map(parseNb201);

interface StepResult {
  losses: number[];
  weights: Map<string, Float32Array>;
  leaked: number;
}

async function twoSteps(backend: 'cpu' | 'wasm', channels = 4, size = 12, batch = 4): Promise<StepResult> {
  await tf.setBackend(backend);
  const net = new Nb201Supernet({ channels, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: 7 });
  const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
  const x = tf.tensor4d(randomValues(batch * size * size, 11), [batch, size, size, 1]);
  const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => [0, 3, 7, 9][i % 4] as number), 'int32');
  const losses: number[] = [];
  // Warm up so that the optimizer's momentum buffers exist before counting tensors.
  losses.push(singlePathStep(net, opt, x, labels, GENOTYPES[0] as string[], 0.05));
  losses.push(singlePathStep(net, opt, x, labels, GENOTYPES[1] as string[], 0.05));
  const before = tf.memory().numTensors;
  losses.push(singlePathStep(net, opt, x, labels, GENOTYPES[0] as string[], 0.05));
  const leaked = tf.memory().numTensors - before;
  const weights = new Map(net.params.entries().map(([name, v]) => [name, Float32Array.from(v.dataSync() as Float32Array)]));
  const logits = net.forward(x, GENOTYPES[1] as string[], false);
  weights.set('eval-logits', Float32Array.from(logits.dataSync() as Float32Array));
  logits.dispose();
  tf.dispose([x, labels]);
  opt.dispose();
  net.dispose();
  return { losses, weights, leaked };
}

describe('single-path training step: wasm fast path vs cpu reference', () => {
  beforeAll(setUpBackends);

  it('same losses, same updated weights and running statistics, no leaked tensors', async () => {
    const ref = await twoSteps('cpu');
    const got = await twoSteps('wasm');
    expect(ref.leaked).toBe(0);
    expect(got.leaked).toBe(0);
    got.losses.forEach((loss, i) => expect(Math.abs(loss - (ref.losses[i] as number))).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref.losses[i] as number))));
    expect(got.weights.size).toBe(ref.weights.size);
    for (const [name, values] of ref.weights) {
      const err = relError(got.weights.get(name) as Float32Array, values);
      expect(err, name).toBeLessThan(1e-3);
    }
  });

  // C=8 on 28x28: every convolution takes our SIMD kernels on wasm (Winograd 3x3, direct 1x1 and
  // stride 2, filter gradients), the BN reductions the SIMD module.
  it('C=8 on 28x28 (the SIMD kernels): same losses and updated weights, no leaked tensors', async () => {
    // Batch 2: the pure-JS reference is slow at 28x28, and the kernels' paths depend on the
    // channel and spatial sizes, not on the batch.
    const ref = await twoSteps('cpu', 8, 28, 2);
    const got = await twoSteps('wasm', 8, 28, 2);
    expect(got.leaked).toBe(0);
    got.losses.forEach((loss, i) => expect(Math.abs(loss - (ref.losses[i] as number))).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref.losses[i] as number))));
    for (const [name, values] of ref.weights) expect(relError(got.weights.get(name) as Float32Array, values), name).toBeLessThan(1e-3);
  }, 180_000);
});
