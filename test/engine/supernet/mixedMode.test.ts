import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { cellForwardMixed } from '../../../electron/engine/supernet/nb201Mixed';
import { maskedSoftmax } from '../../../electron/engine/supernet/maskedSoftmax';
import { recalibrateBn } from '../../../electron/engine/supernet/bnRecalibration';
import { alphaStep } from '../../../electron/engine/supernet/alphaStep';
import { convSym } from '../../../electron/engine/supernet/blocks';
import { BN_EPS } from '../../../electron/engine/supernet/batchNorm';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { fullState, restrictChoice } from '../../../electron/engine/space/spaceState';
import type { SpaceState } from '../../../electron/engine/space/spaceState';
import { AdamByName } from '../../../electron/engine/train/adamByName';
import { SeededRng } from '../../../electron/engine/random/seededRng';

const tiny = { channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 3, seed: 5 };

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = new SeededRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.normal()), shape);
}

function near(a: tf.Tensor, b: tf.Tensor, tol = 1e-5): void {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
  expect(worst).toBeLessThan(tol);
}

/** A state where edge e keeps only genotype[e]. */
function singleOpState(genotype: string[]): SpaceState {
  let state = fullState(NB201_SPACE);
  genotype.forEach((op, e) => (state = restrictChoice(NB201_SPACE, state, e, [op])));
  return state;
}

/** Randomises running statistics and affine BN parameters so eval-mode BN is not the identity. */
function perturbBn(net: Nb201Supernet): void {
  let seed = 100;
  for (const [name, v] of net.params.entries()) {
    const noise = randomTensor(v.shape, seed++);
    if (name.endsWith('running_var')) v.assign(tf.add(tf.abs(noise), 0.5));
    else if (/running_mean|gamma|beta/.test(name)) v.assign(tf.mul(noise, 0.3));
    noise.dispose();
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('masked softmax of alpha', () => {
  it('matches the hand-computed weights and gives dropped ops exactly 0', () => {
    const alpha = tf.tensor2d([[0, Math.log(2), 0, 0, 0], ...Array.from({ length: 5 }, () => [0, 0, 0, 0, 0])]);
    const full = maskedSoftmax(alpha, fullState(NB201_SPACE), NB201_SPACE).arraySync();
    [1 / 6, 2 / 6, 1 / 6, 1 / 6, 1 / 6].forEach((v, k) => expect(full[0]![k]).toBeCloseTo(v, 6));
    const dropped = restrictChoice(NB201_SPACE, fullState(NB201_SPACE), 0, ['skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
    const w = maskedSoftmax(alpha, dropped, NB201_SPACE).arraySync();
    expect(w[0]![0]).toBe(0);
    [2 / 5, 1 / 5, 1 / 5, 1 / 5].forEach((v, k) => expect(w[0]![k + 1]).toBeCloseTo(v, 6));
    w.slice(1).forEach((row) => row.forEach((v) => expect(v).toBeCloseTo(0.2, 6)));
    alpha.dispose();
  });
});

describe('NB201 supernet forward', () => {
  it('single path (eval) equals a network built by hand from the same weights', () => {
    const net = new Nb201Supernet(tiny);
    perturbBn(net);
    const p = (name: string): tf.Tensor => net.params.get(name);
    const bn = (x: tf.Tensor, name: string, affine: boolean): tf.Tensor => {
      let y = tf.div(tf.sub(x, p(`${name}/running_mean`)), tf.sqrt(tf.add(p(`${name}/running_var`), BN_EPS)));
      if (affine) y = tf.add(tf.mul(y, p(`${name}/gamma`)), p(`${name}/beta`));
      return y;
    };
    const rcb = (x: tf.Tensor, name: string, stride: number, affine: boolean): tf.Tensor =>
      bn(convSym(tf.relu(x) as tf.Tensor4D, p(`${name}/conv`) as tf.Tensor4D, stride), `${name}/bn`, affine);
    const genotype = ['nor_conv_3x3', 'skip_connect', 'nor_conv_1x1', 'avg_pool_3x3', 'none', 'nor_conv_3x3'];
    const cell = (x: tf.Tensor, c: number): tf.Tensor => {
      const n1 = rcb(x, `cell${c}/e0/nor_conv_3x3`, 1, false);
      const n2 = tf.add(x, rcb(n1, `cell${c}/e2/nor_conv_1x1`, 1, false));
      return tf.add(tf.avgPool(x as tf.Tensor4D, 3, 1, 'same'), rcb(n2, `cell${c}/e5/nor_conv_3x3`, 1, false));
    };
    const reduce = (x: tf.Tensor, r: number): tf.Tensor =>
      tf.add(rcb(rcb(x, `reduce${r}/a`, 2, true), `reduce${r}/b`, 1, true), tf.conv2d(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), p(`reduce${r}/shortcut/conv`) as tf.Tensor4D, 1, 'valid'));
    const x = randomTensor([2, 8, 8, 1], 1) as tf.Tensor4D;
    const expected = tf.tidy(() => {
      let h = bn(convSym(x, p('stem/conv') as tf.Tensor4D, 1), 'stem/bn', true);
      h = cell(h, 0);
      h = cell(reduce(h, 1), 1);
      h = cell(reduce(h, 2), 2);
      const pooled = tf.mean(tf.relu(bn(h, 'head/bn', true)), [1, 2]);
      return tf.add(tf.matMul(pooled as tf.Tensor2D, p('classifier/kernel') as tf.Tensor2D), p('classifier/bias'));
    });
    const got = net.forward(x, genotype, false);
    near(got, expected, 1e-4);
    tf.dispose([x, expected, got]);
    net.dispose();
  });

  it('mixed mode with one op left per edge equals single path (train and eval)', () => {
    const net = new Nb201Supernet(tiny);
    const genotype = ['nor_conv_1x1', 'avg_pool_3x3', 'nor_conv_3x3', 'skip_connect', 'none', 'nor_conv_3x3'];
    const alpha = randomTensor([6, 5], 3) as tf.Tensor2D;
    const x = randomTensor([3, 8, 8, 1], 4) as tf.Tensor4D;
    for (const training of [false, true]) {
      const weights = maskedSoftmax(alpha, singleOpState(genotype), NB201_SPACE);
      const mixed = net.forwardMixed(x, weights, training);
      const single = net.forward(x, genotype, training);
      near(mixed, single, 1e-5);
      tf.dispose([weights, mixed, single]);
    }
    tf.dispose([alpha, x]);
    net.dispose();
  });

  it('a mixed cell is the weighted sum of its ops, computed by hand', () => {
    const net = new Nb201Supernet(tiny);
    const ops = ['none', 'skip_connect', 'avg_pool_3x3'];
    const w = [
      [0.2, 0.5, 0.3],
      [0.1, 0.6, 0.3],
      [0.3, 0.3, 0.4],
      [0.5, 0.25, 0.25],
      [0.2, 0.2, 0.6],
      [0.4, 0.4, 0.2],
    ];
    const x = randomTensor([1, 5, 5, 2], 9) as tf.Tensor4D;
    const pool = (t: tf.Tensor): tf.Tensor => tf.avgPool(t as tf.Tensor4D, 3, 1, 'same');
    const edge = (t: tf.Tensor, e: number): tf.Tensor => tf.add(tf.mul(t, w[e]![1]!), tf.mul(pool(t), w[e]![2]!));
    const expected = tf.tidy(() => {
      const n1 = edge(x, 0);
      const n2 = tf.add(edge(x, 1), edge(n1, 2));
      return tf.addN([edge(x, 3), edge(n1, 4), edge(n2, 5)]);
    });
    const weights = tf.tensor2d(w);
    const got = cellForwardMixed(net.cells[0]![0]!, x, weights, ops, false);
    near(got, expected, 1e-5);
    tf.dispose([x, expected, weights, got]);
    net.dispose();
  });
});

describe('BN recalibration', () => {
  it('resets the running statistics and moves them toward the child\'s own batch statistics', () => {
    const net = new Nb201Supernet(tiny);
    perturbBn(net);
    const genotype = ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3'];
    const x = randomTensor([4, 8, 8, 1], 21) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    recalibrateBn(net.params, (b) => net.forward(b, genotype, true), [x]);
    expect(tf.memory().numTensors).toBe(before);
    // Stem BN after two batches: the average of the two batch means (cumulative average).
    const x2 = randomTensor([4, 8, 8, 1], 22) as tf.Tensor4D;
    recalibrateBn(net.params, (b) => net.forward(b, genotype, true), [x, x2]);
    const stemMean = (input: tf.Tensor4D): tf.Tensor => tf.mean(convSym(input, net.params.get('stem/conv') as tf.Tensor4D, 1), [0, 1, 2]);
    const batchMean = tf.div(tf.add(stemMean(x), stemMean(x2)), 2);
    near(net.params.get('stem/bn/running_mean'), batchMean, 1e-5);
    const stemOut = x2;
    // An op the child did not use keeps the reset values.
    near(net.params.get('cell0/e0/nor_conv_1x1/bn/running_mean'), tf.zeros([2]));
    near(net.params.get('cell0/e0/nor_conv_1x1/bn/running_var'), tf.ones([2]));
    tf.dispose([x, stemOut, batchMean]);
    net.dispose();
  });
});

describe('architecture-parameter training', () => {
  it('moves only alpha, lowers the validation loss on a fixed batch, and leaks nothing', () => {
    const net = new Nb201Supernet(tiny);
    const alpha = tf.variable(tf.zeros([6, 5]), true, 'test-alpha');
    const adam = new AdamByName({ lr: 0.05 });
    const x = randomTensor([6, 8, 8, 1], 31) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const state = fullState(NB201_SPACE);
    const conv = net.params.get('cell0/e0/nor_conv_3x3/conv');
    const convBefore = Float32Array.from(conv.dataSync());
    const losses: number[] = [];
    losses.push(alphaStep(net, alpha, state, adam, x, y, false));
    const count = tf.memory().numTensors;
    for (let i = 0; i < 15; i++) losses.push(alphaStep(net, alpha, state, adam, x, y, false));
    expect(tf.memory().numTensors).toBe(count);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(Array.from(conv.dataSync())).toEqual(Array.from(convBefore));
    expect(Math.max(...Array.from(tf.abs(alpha).dataSync()))).toBeGreaterThan(0);
    tf.dispose([x, y, alpha]);
    adam.dispose();
    net.dispose();
  });
});
