/**
 * The MobileNet-like supernet: names and shapes per layer and op, one MBConv layer against a
 * hand-built computation, mixed mode with one op per layer equal to single path, path
 * trainables, and training on the wasm path (loss goes down, no leak, cpu parity).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MobilenetSupernet } from '../../../electron/engine/supernet/mobilenetSupernet';
import { mbConv } from '../../../electron/engine/supernet/mobilenetBlocks';
import { maskedSoftmax } from '../../../electron/engine/supernet/maskedSoftmax';
import { BN_EPS } from '../../../electron/engine/supernet/batchNorm';
import { supernetTrainStep } from '../../../electron/engine/runners/supernetTrainStep';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import { MOBILENET_SMALL_CONFIG, createMobilenetSpace, type MobilenetSpaceConfig } from '../../../electron/engine/space/mobilenetSpace';
import { MBCONV_OPS } from '../../../electron/engine/space/mobilenetOps';
import { fullState, restrictChoice, type SpaceState } from '../../../electron/engine/space/spaceState';
import type { SearchSpace } from '../../../electron/engine/space/searchSpace';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { registerDepthwiseGradients } from '../../../electron/engine/tf/depthwise/registerDepthwiseGradients';
import { relError, setUpBackends } from '../cpu/helpers';

const TINY: MobilenetSpaceConfig = {
  name: 'mobilenet-tiny',
  inputChannels: 1,
  imageSize: 8,
  stemChannels: 4,
  stemStride: 1,
  firstBlockChannels: 4,
  stages: [
    { channels: 6, count: 2, stride: 2 },
    { channels: 8, count: 1, stride: 1 },
  ],
  headChannels: 12,
  identity: true,
};
const space = createMobilenetSpace(TINY);
const opts = { labelSmoothing: 0, clip: { kind: 'none' as const } };

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = new SeededRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
  return worst;
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function perturbBn(net: MobilenetSupernet): void {
  let seed = 200;
  for (const [name, v] of net.params.entries()) {
    if (!/running|gamma|beta/.test(name)) continue;
    const noise = randomTensor(v.shape, seed++);
    v.assign(name.endsWith('running_var') ? tf.add(tf.abs(noise), 0.5) : name.endsWith('gamma') ? tf.add(tf.mul(noise, 0.3), 1) : tf.mul(noise, 0.3));
    noise.dispose();
  }
}

function randomArch(s: SearchSpace, seed: number): string[] {
  const rng = new SeededRng(seed);
  return s.choices.map((c) => c.ops[Math.floor(rng.next() * c.ops.length)] as string);
}

function singleOpState(s: SearchSpace, arch: readonly string[]): SpaceState {
  let state = fullState(s);
  arch.forEach((op, c) => (state = restrictChoice(s, state, c, [op])));
  return state;
}

function batch(seed: number, n = 6, size = 8, channels = 1): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return { x: randomTensor([n, size, size, channels], seed) as tf.Tensor4D, y: tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32') };
}

beforeAll(async () => {
  await setUpBackends();
  registerDepthwiseGradients();
  await tf.setBackend('cpu');
});

describe('MobileNet supernet structure', () => {
  it('holds every MBConv variant per layer under logical names, with the right shapes', () => {
    const net = new MobilenetSupernet(space, { numClasses: 3, seed: 1 });
    const names = new Set(net.params.entries().map(([n]) => n));
    space.choices.forEach((layer) => {
      for (const op of MBCONV_OPS) {
        const e = Number(op.slice(-1));
        const k = Number(op[4]);
        expect(net.params.get(`${layer.id}/${op}/expand`).shape).toEqual([1, 1, layer.inChannels, layer.inChannels * e]);
        expect(net.params.get(`${layer.id}/${op}/dw`).shape).toEqual([k, k, layer.inChannels * e, 1]);
        expect(net.params.get(`${layer.id}/${op}/project`).shape).toEqual([1, 1, layer.inChannels * e, layer.outChannels]);
        for (const bn of ['expand_bn', 'dw_bn', 'project_bn']) expect(names.has(`${layer.id}/${op}/${bn}/gamma`)).toBe(true);
      }
      expect([...names].some((n) => n.startsWith(`${layer.id}/identity`))).toBe(false);
    });
    expect(names.has('first/expand')).toBe(false); // MBConv(e=1): no expand conv
    expect(net.params.get('first/dw').shape).toEqual([3, 3, 4, 1]);
    expect(net.params.get('head/conv').shape).toEqual([1, 1, 8, 12]);
    expect(net.params.get('classifier/kernel').shape).toEqual([12, 3]);
    expect(names.has('classifier/bias')).toBe(false);
    net.dispose();
  });

  it('builds the small preset and forwards 28x28x1 images', () => {
    const small = createMobilenetSpace(MOBILENET_SMALL_CONFIG);
    const net = new MobilenetSupernet(small, { numClasses: 10, seed: 2 });
    const { x } = batch(3, 2, 28);
    const before = tf.memory().numTensors;
    for (const training of [true, false]) {
      const logits = net.forward(x, randomArch(small, 4), training);
      expect(logits.shape).toEqual([2, 10]);
      logits.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it('pathTrainables holds the fixed parts and exactly the chosen MBConvs', () => {
    const net = new MobilenetSupernet(space, { numClasses: 3, seed: 1 });
    const arch = ['mb_k5_e3', 'identity', 'mb_k7_e6'];
    const names = net.pathTrainables(arch).map((v) => net.params.nameOf(v));
    const expected = net.params.entries().filter(([n, v]) => v.trainable && !/^layer/.test(n)).map(([n]) => n);
    for (const [n, v] of net.params.entries()) if (v.trainable && (n.startsWith('layer0/mb_k5_e3/') || n.startsWith('layer2/mb_k7_e6/'))) expected.push(n);
    expect(new Set(names)).toEqual(new Set(expected));
    expect(names).toHaveLength(expected.length);
    net.dispose();
  });
});

describe('MobileNet supernet forward', () => {
  it('one MBConv layer (eval) equals expand-BN-ReLU6, dw-BN-ReLU6, project-BN (+ residual) by hand', () => {
    const net = new MobilenetSupernet(space, { numClasses: 3, seed: 5 });
    perturbBn(net);
    const p = (n: string): tf.Tensor4D => net.params.get(n) as tf.Tensor4D;
    const bn = (x: tf.Tensor, name: string): tf.Tensor =>
      tf.add(tf.mul(tf.div(tf.sub(x, p(`${name}/running_mean`)), tf.sqrt(tf.add(p(`${name}/running_var`), BN_EPS))), p(`${name}/gamma`)), p(`${name}/beta`));
    for (const [layer, op, stride, inC] of [[0, 'mb_k5_e3', 2, 4], [1, 'mb_k3_e6', 1, 6]] as const) {
      const k = Number(op[4]);
      const x = randomTensor([2, 8, 8, inC], 30 + layer) as tf.Tensor4D;
      const name = `layer${layer}/${op}`;
      const e = tf.relu6(bn(tf.conv2d(x, p(`${name}/expand`), 1, 'valid'), `${name}/expand_bn`)) as tf.Tensor4D;
      const pad = (k - 1) / 2;
      const d = tf.relu6(bn(tf.depthwiseConv2d(tf.pad(e, [[0, 0], [pad, pad], [pad, pad], [0, 0]]), p(`${name}/dw`), stride, 'valid'), `${name}/dw_bn`)) as tf.Tensor4D;
      let hand = bn(tf.conv2d(d, p(`${name}/project`), 1, 'valid'), `${name}/project_bn`);
      if (stride === 1) hand = tf.add(hand, x); // layer1: 6 -> 6, stride 1
      const got = mbConv(net.layers[layer]!.ops.get(op)!, x, false);
      expect(got.shape).toEqual(hand.shape);
      expect(maxDiff(got, hand)).toBeLessThan(1e-4);
    }
    net.dispose();
  });

  it.each([false, true])('mixed mode with one op left per layer equals single path (training %s)', (training) => {
    const net = new MobilenetSupernet(space, { numClasses: 3, seed: 6 });
    perturbBn(net);
    const { x, y } = batch(7);
    for (const arch of [randomArch(space, 8), ['mb_k3_e3', 'identity', 'mb_k7_e3']]) {
      const alpha = randomTensor([3, 7], 9) as tf.Tensor2D;
      const w = maskedSoftmax(alpha, singleOpState(space, arch), space);
      const before = tf.memory().numTensors;
      const single = net.forward(x, arch, training);
      const mixed = net.forwardMixed(x, w, training);
      expect(maxDiff(mixed, single)).toBeLessThan(1e-4);
      tf.dispose([single, mixed]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([alpha, w]);
    }
    tf.dispose([x, y]);
    net.dispose();
  });
});

describe('MobileNet supernet training', () => {
  it('a training step lowers the loss on a tiny batch on wasm without leaking', async () => {
    await tf.setBackend('wasm');
    const net = new MobilenetSupernet(space, { numClasses: 3, seed: 3 });
    const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 4e-5, decayed: net.params.decayed });
    const { x, y } = batch(1);
    const arch = ['mb_k3_e6', 'mb_k5_e3', 'mb_k7_e6'];
    const first = supernetTrainStep(net, opt, x, y, [arch], 0.1, opts).loss;
    const count = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 15; i++) last = supernetTrainStep(net, opt, x, y, [arch], 0.1, opts).loss;
    expect(tf.memory().numTensors).toBe(count);
    expect(last).toBeLessThan(first * 0.7);
    tf.dispose([x, y]);
    opt.dispose();
    net.dispose();

    // The small preset's network (28x28x1, batch 16) takes a step too, without leaking.
    const small = createMobilenetSpace(MOBILENET_SMALL_CONFIG);
    const big = new MobilenetSupernet(small, { numClasses: 10, seed: 1 });
    const sopt = new SgdNesterov({ momentum: 0.9, weightDecay: 4e-5, decayed: big.params.decayed });
    const b = batch(2, 16, 28);
    // The same path twice: a new path's first step creates its momentum buffers, which is not a leak.
    const smallArch = randomArch(small, 1);
    supernetTrainStep(big, sopt, b.x, b.y, [smallArch], 0.05, opts);
    const held = tf.memory().numTensors;
    const loss = supernetTrainStep(big, sopt, b.x, b.y, [smallArch], 0.05, opts).loss;
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(held);
    tf.dispose([b.x, b.y]);
    sopt.dispose();
    big.dispose();
    await tf.setBackend('cpu');
  });

  it('one step agrees between wasm and cpu (loss 1e-4, weights 1e-3 relative)', async () => {
    const run = async (backend: 'cpu' | 'wasm'): Promise<{ loss: number; weights: Map<string, Float32Array> }> => {
      await tf.setBackend(backend);
      const net = new MobilenetSupernet(space, { numClasses: 3, seed: 4 });
      const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 4e-5, decayed: net.params.decayed });
      const { x, y } = batch(2);
      const loss = supernetTrainStep(net, opt, x, y, [['mb_k7_e3', 'mb_k3_e6', 'mb_k5_e6']], 0.1, opts).loss;
      const weights = new Map(net.params.entries().map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
      tf.dispose([x, y]);
      opt.dispose();
      net.dispose();
      return { loss, weights };
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    await tf.setBackend('cpu');
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4);
    for (const [name, ref] of cpu.weights) expect(relError(wasm.weights.get(name) as Float32Array, ref) * Math.min(1, maxAbs(ref) / 1e-2), name).toBeLessThan(1e-3);
  });
});
