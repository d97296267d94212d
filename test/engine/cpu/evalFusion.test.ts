/**
 * Eval-mode fusion (BN folded into the preceding convolution, BN as one scale/shift) gives the
 * same values as the unfused ReLU -> conv -> BN, on wasm and on the cpu reference, for the shapes
 * the nb201-fashion supernet uses; and the eval forward of a whole supernet matches across
 * backends.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNb201 } from '../../../electron/engine/space/nb201Space';
import { BN_EPS, batchNorm, createBn } from '../../../electron/engine/supernet/batchNorm';
import { convSym, createReluConvBn, reluConvBn } from '../../../electron/engine/supernet/blocks';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { ParamStore } from '../../../electron/engine/supernet/params';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { onBackend, randomValues, relError, setUpBackends } from './helpers';

/** ReLU -> conv -> BN written out with tfjs ops, eval mode, no fusion. */
function reference(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, mean: tf.Tensor1D, variance: tf.Tensor1D, gamma?: tf.Tensor1D, beta?: tf.Tensor1D): tf.Tensor4D {
  const y = convSym(tf.relu(x), kernel, stride);
  let out = tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, BN_EPS)));
  if (gamma && beta) out = tf.add(tf.mul(out, gamma), beta);
  return out as tf.Tensor4D;
}

// [n, h, w, inC, outC, k, stride, affine]: cell convs, the reduction's stride-2 conv, C=8 and C=16.
const CASES: Array<[number, number, number, number, number, number, number, boolean]> = [
  [4, 28, 28, 16, 16, 3, 1, false],
  [4, 28, 28, 8, 8, 1, 1, false],
  [4, 14, 14, 32, 32, 3, 1, true],
  [4, 28, 28, 16, 32, 3, 2, true],
  [3, 7, 7, 64, 64, 1, 1, false],
];

describe('eval-mode fusion', () => {
  beforeAll(setUpBackends);

  it.each(CASES.map((c) => [c.join(','), c] as const))('folded ReLU-conv-BN equals the unfused form: %s', async (_name, c) => {
    const [n, h, w, inC, outC, k, stride, affine] = c;
    const run = () => {
      const params = new ParamStore(new SeededRng(3));
      const unit = createReluConvBn(params, 'u', k, inC, outC, stride, affine);
      unit.bn.runningMean.assign(tf.tensor1d(randomValues(outC, 5)));
      unit.bn.runningVar.assign(tf.add(tf.abs(tf.tensor1d(randomValues(outC, 6))), 0.1));
      unit.bn.gamma?.assign(tf.tensor1d(randomValues(outC, 7)));
      unit.bn.beta?.assign(tf.tensor1d(randomValues(outC, 8)));
      const x = tf.tensor4d(randomValues(n * h * w * inC, 9), [n, h, w, inC]);
      const got = reluConvBn(unit, x, false);
      const ref = reference(x, unit.kernel as tf.Tensor4D, stride, unit.bn.runningMean as tf.Tensor1D, unit.bn.runningVar as tf.Tensor1D, unit.bn.gamma as tf.Tensor1D | undefined, unit.bn.beta as tf.Tensor1D | undefined);
      const out = [tf.clone(got), tf.clone(ref)];
      params.dispose();
      return out;
    };
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    expect(relError(cpu[0] as Float32Array, cpu[1] as Float32Array)).toBeLessThan(1e-4);
    expect(relError(wasm[0] as Float32Array, cpu[1] as Float32Array)).toBeLessThan(1e-4);
  });

  it('eval batch norm (scale/shift) equals the unfused form', async () => {
    const run = () => {
      const params = new ParamStore(new SeededRng(4));
      const bn = createBn(params, 'bn', 16, true);
      bn.runningMean.assign(tf.tensor1d(randomValues(16, 1)));
      bn.runningVar.assign(tf.add(tf.abs(tf.tensor1d(randomValues(16, 2))), 0.1));
      bn.gamma?.assign(tf.tensor1d(randomValues(16, 3)));
      bn.beta?.assign(tf.tensor1d(randomValues(16, 4)));
      const x = tf.tensor4d(randomValues(4 * 9 * 9 * 16, 5), [4, 9, 9, 16]);
      const got = batchNorm(x, bn, false);
      const ref = tf.add(tf.mul(tf.div(tf.sub(x, bn.runningMean), tf.sqrt(tf.add(bn.runningVar, BN_EPS))), bn.gamma as tf.Tensor1D), bn.beta as tf.Tensor1D);
      const out = [tf.clone(got), tf.clone(ref)];
      params.dispose();
      return out;
    };
    for (const backend of ['cpu', 'wasm'] as const) {
      const [got, ref] = await onBackend(backend, run);
      expect(relError(got as Float32Array, ref as Float32Array), backend).toBeLessThan(1e-5);
    }
  });

  it('under a gradient tape, eval mode stays differentiable (unfused) and gives the same values', async () => {
    await tf.setBackend('wasm');
    const params = new ParamStore(new SeededRng(5));
    const unit = createReluConvBn(params, 'u', 3, 8, 8, 1, false);
    const x = tf.tensor4d(randomValues(2 * 6 * 6 * 8, 1), [2, 6, 6, 8]);
    const plain = reluConvBn(unit, x, false);
    const { value, grads } = tf.variableGrads(() => tf.sum(reluConvBn(unit, x, false)), [unit.kernel]);
    expect(Math.abs((value.dataSync()[0] as number) - (tf.sum(plain).dataSync()[0] as number))).toBeLessThan(1e-3);
    expect(grads[unit.kernel.name]?.shape).toEqual([3, 3, 8, 8]);
    tf.dispose([x, plain, value, ...Object.values(grads)]);
    params.dispose();
  });

  it('the supernet eval forward on wasm equals cpu (C=8, 28x28, trained running statistics)', async () => {
    const genotypes = ['|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_3x3~2|', '|nor_conv_1x1~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|'].map(parseNb201);
    const run = () => {
      const net = new Nb201Supernet({ channels: 8, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: 2 });
      const x = tf.tensor4d(randomValues(8 * 28 * 28, 3), [8, 28, 28, 1]);
      // Training-mode forwards move the running statistics away from 0/1.
      for (const g of genotypes) net.forward(x, g as string[], true);
      const out = genotypes.map((g) => net.forward(x, g as string[], false));
      const kept = out.map((t) => tf.clone(t));
      net.dispose();
      return kept;
    };
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    cpu.forEach((ref, i) => expect(relError(wasm[i] as Float32Array, ref)).toBeLessThan(1e-4));
  });
});
