/**
 * The DARTS supernet: one weight set per (cell, edge, op) with affine-free BN in the searchable
 * ops, single-path ops against hand-built computations, mixed mode with one op per edge equal to
 * single path, and training on the wasm path (loss goes down, no leak, cpu parity).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DartsSupernet, dartsReductionCells, type DartsSupernetConfig } from '../../../electron/engine/supernet/dartsSupernet';
import { dartsOpForward, factorizedReduce } from '../../../electron/engine/supernet/dartsBlocks';
import { maskedSoftmax } from '../../../electron/engine/supernet/maskedSoftmax';
import { BN_EPS } from '../../../electron/engine/supernet/batchNorm';
import { supernetTrainStep } from '../../../electron/engine/runners/supernetTrainStep';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import { DARTS_OPS } from '../../../electron/engine/space/dartsOps';
import { fullState, restrictChoice, type SpaceState } from '../../../electron/engine/space/spaceState';
import type { SearchSpace } from '../../../electron/engine/space/searchSpace';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { registerDepthwiseGradients } from '../../../electron/engine/tf/depthwise/registerDepthwiseGradients';
import { relError, setUpBackends } from '../cpu/helpers';

const tiny: DartsSupernetConfig = { channels: 4, cells: 3, stemMultiplier: 2, inputChannels: 1, numClasses: 3, seed: 7, variant: 'standard' };
const WEIGHTED = ['sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'];
const opts = { labelSmoothing: 0, clip: { kind: 'none' as const } };

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = new SeededRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
  return worst;
}

/** Randomises running statistics and affine BN parameters so eval-mode BN is not the identity. */
function perturbBn(net: DartsSupernet): void {
  let seed = 100;
  for (const [name, v] of net.params.entries()) {
    if (!/running|gamma|beta/.test(name)) continue;
    const noise = randomTensor(v.shape, seed++);
    v.assign(name.endsWith('running_var') ? tf.add(tf.abs(noise), 0.5) : tf.mul(noise, 0.3));
    noise.dispose();
  }
}

function randomArch(space: SearchSpace, seed: number, ops = space.choices[0]?.ops ?? []): string[] {
  const rng = new SeededRng(seed);
  return space.choices.map(() => ops[Math.floor(rng.next() * ops.length)] as string);
}

function singleOpState(space: SearchSpace, arch: readonly string[]): SpaceState {
  let state = fullState(space);
  arch.forEach((op, c) => (state = restrictChoice(space, state, c, [op])));
  return state;
}

function batch(seed: number, n = 6, size = 8): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return { x: randomTensor([n, size, size, 1], seed) as tf.Tensor4D, y: tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32') };
}

beforeAll(async () => {
  await setUpBackends();
  registerDepthwiseGradients();
  await tf.setBackend('cpu');
});

describe('DARTS supernet structure', () => {
  it('has one weight set per (cell, edge, op), affine-free BN in the ops and reductions at L/3, 2L/3', () => {
    const net = new DartsSupernet({ ...tiny, cells: 6 });
    expect(dartsReductionCells(6)).toEqual([2, 4]);
    const names = new Set(net.params.entries().map(([n]) => n));
    for (let cell = 0; cell < 6; cell++) {
      const reduction = cell === 2 || cell === 4;
      for (let e = 0; e < 14; e++) {
        for (const op of WEIGHTED) {
          const parts = op.startsWith('sep') ? ['dw1', 'pw1', 'dw2', 'pw2'] : ['dw', 'pw'];
          for (const part of parts) expect(names.has(`cell${cell}/e${e}/${op}/${part}`)).toBe(true);
        }
        const inputEdge = [0, 1, 2, 3, 5, 6, 9, 10].includes(e); // edges leaving node 0 or 1
        expect(names.has(`cell${cell}/e${e}/skip_connect/fr/conv1`)).toBe(reduction && inputEdge);
        expect(names.has(`cell${cell}/e${e}/max_pool_3x3/bn/running_mean`)).toBe(true);
      }
      expect(names.has(`cell${cell}/pre0/conv1`)).toBe(cell === 3 || cell === 5); // FactorizedReduce after a reduction
    }
    // Cell tensors: only running statistics, no gamma/beta; the stem BN is affine.
    expect([...names].filter((n) => n.startsWith('cell') && /gamma|beta/.test(n))).toEqual([]);
    expect(names.has('stem/bn/gamma')).toBe(true);
    // Depthwise kernels are [k,k,C,1]; channels double at each reduction.
    expect(net.params.get('cell0/e0/sep_conv_5x5/dw1').shape).toEqual([5, 5, 4, 1]);
    expect(net.params.get('cell4/e13/dil_conv_3x3/pw').shape).toEqual([1, 1, 16, 16]);
    expect(net.params.get('classifier/kernel').shape).toEqual([64, 3]);
    net.dispose();
    const affine = new DartsSupernet({ ...tiny, poolBnAffine: true });
    expect(affine.params.has('cell1/e3/avg_pool_3x3/bn/gamma')).toBe(true);
    expect(affine.params.has('cell1/e3/sep_conv_3x3/bn1/gamma')).toBe(false);
    affine.dispose();
  });

  it('forwards any architecture to logits [N, classes] and leaks nothing', () => {
    const net = new DartsSupernet(tiny);
    const { x, y } = batch(1);
    const before = tf.memory().numTensors;
    for (const seed of [1, 2]) {
      const logits = net.forward(x, randomArch(net.space, seed), seed === 1);
      expect(logits.shape).toEqual([6, 3]);
      logits.dispose();
    }
    const allNone = net.forward(x, net.space.choices.map(() => 'none'), true);
    expect(allNone.shape).toEqual([6, 3]);
    allNone.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    net.dispose();
  });

  it('pathTrainables holds the fixed parts and exactly the chosen ops', () => {
    const net = new DartsSupernet({ ...tiny, variant: 's5' });
    const arch = randomArch(net.space, 3);
    const names = net.pathTrainables(arch).map((v) => net.params.nameOf(v));
    expect(new Set(names).size).toBe(names.length);
    const expected = new Set(['stem/conv', 'stem/bn/gamma', 'stem/bn/beta', 'classifier/kernel', 'classifier/bias']);
    for (let cell = 0; cell < 3; cell++) {
      const reduction = cell > 0;
      for (const [n] of net.params.entries()) if (n.startsWith(`cell${cell}/pre`) && !n.includes('running')) expected.add(n);
      for (let e = 0; e < 14; e++) {
        const op = arch[(reduction ? 14 : 0) + e] as string;
        for (const [n, v] of net.params.entries()) if (n.startsWith(`cell${cell}/e${e}/${op}/`) && v.trainable) expected.add(n);
      }
    }
    expect(new Set(names)).toEqual(expected);
    net.dispose();
  });
});

describe('DARTS ops against hand-built computations (eval mode)', () => {
  const bnEval = (x: tf.Tensor, net: DartsSupernet, name: string): tf.Tensor => tf.div(tf.sub(x, net.params.get(`${name}/running_mean`)), tf.sqrt(tf.add(net.params.get(`${name}/running_var`), BN_EPS)));

  it('sep_conv and dil_conv, stride 1 and 2, with PyTorch padding', () => {
    const net = new DartsSupernet(tiny);
    perturbBn(net);
    const p = (n: string): tf.Tensor4D => net.params.get(n) as tf.Tensor4D;
    // cell1 is a reduction cell (C = 8): edge 0 (0->2) has stride 2, edge 2 (2->3) stride 1.
    for (const [e, stride] of [[0, 2], [2, 1]] as const) {
      const x = randomTensor([2, 7, 7, 8], 11 + e) as tf.Tensor4D;
      const name = `cell1/e${e}`;
      const sepStage = (h: tf.Tensor4D, op: string, i: string, s: number, k: number): tf.Tensor4D => {
        const pad = (k - 1) / 2;
        const dw = tf.depthwiseConv2d(tf.pad(tf.relu(h), [[0, 0], [pad, pad], [pad, pad], [0, 0]]), p(`${name}/${op}/dw${i}`), s, 'valid');
        return bnEval(tf.conv2d(dw, p(`${name}/${op}/pw${i}`), 1, 'valid'), net, `${name}/${op}/bn${i}`) as tf.Tensor4D;
      };
      const unit = (op: string) => net.cells[1]!.edgeOps[e]!.get(op) ?? null;
      for (const k of [3, 5]) {
        const op = `sep_conv_${k}x${k}`;
        const hand = sepStage(sepStage(x, op, '1', stride, k), op, '2', 1, k);
        const got = dartsOpForward(op, unit(op), x, stride, false) as tf.Tensor4D;
        expect(got.shape).toEqual(hand.shape);
        expect(maxDiff(got, hand)).toBeLessThan(1e-4);
        const dop = `dil_conv_${k}x${k}`;
        const pad = k - 1;
        let dw = tf.depthwiseConv2d(tf.pad(tf.relu(x), [[0, 0], [pad, pad], [pad, pad], [0, 0]]), p(`${name}/${dop}/dw`), 1, 'valid', 'NHWC', 2);
        if (stride === 2) dw = tf.stridedSlice(dw, [0, 0, 0, 0], dw.shape, [1, 2, 2, 1]) as tf.Tensor4D;
        const dhand = bnEval(tf.conv2d(dw, p(`${name}/${dop}/pw`), 1, 'valid'), net, `${name}/${dop}/bn`);
        const dgot = dartsOpForward(dop, unit(dop), x, stride, false) as tf.Tensor4D;
        expect(dgot.shape).toEqual(dhand.shape);
        expect(maxDiff(dgot, dhand)).toBeLessThan(1e-4);
      }
      // Pools: PyTorch padding 1; the average excludes the padding (tfjs cpu pools with an explicit pad exclude it).
      const avg = dartsOpForward('avg_pool_3x3', unit('avg_pool_3x3'), x, stride, false) as tf.Tensor4D;
      expect(maxDiff(avg, bnEval(tf.avgPool(x, 3, stride, 1), net, `${name}/avg_pool_3x3/bn`))).toBeLessThan(1e-5);
      const max = dartsOpForward('max_pool_3x3', unit('max_pool_3x3'), x, stride, false) as tf.Tensor4D;
      expect(maxDiff(max, bnEval(tf.maxPool(x, 3, stride, 1), net, `${name}/max_pool_3x3/bn`))).toBeLessThan(1e-5);
      expect(dartsOpForward('none', null, x, stride, false)).toBeNull();
    }
    net.dispose();
  });

  it('skip on a reduction edge is FactorizedReduce: two 1x1 stride-2 convs on x and x shifted, concat, BN', () => {
    const net = new DartsSupernet(tiny);
    perturbBn(net);
    const x = randomTensor([2, 8, 8, 8], 21) as tf.Tensor4D;
    const unit = net.cells[1]!.edgeOps[0]!.get('skip_connect')!;
    const r = tf.relu(x);
    const a = tf.conv2d(r, net.params.get('cell1/e0/skip_connect/fr/conv1') as tf.Tensor4D, 2, 'valid');
    const b = tf.conv2d(tf.slice(r, [0, 1, 1, 0], [2, 7, 7, 8]), net.params.get('cell1/e0/skip_connect/fr/conv2') as tf.Tensor4D, 2, 'valid');
    const hand = bnEval(tf.concat([a, b], 3), net, 'cell1/e0/skip_connect/fr/bn');
    expect(maxDiff(dartsOpForward('skip_connect', unit, x, 2, false) as tf.Tensor4D, hand)).toBeLessThan(1e-5);
    expect(unit && unit.kind === 'reduce' && maxDiff(factorizedReduce(unit.fr, x, false), hand)).toBeLessThan(1e-5);
    expect(dartsOpForward('skip_connect', null, x, 1, false)).toBe(x);
    net.dispose();
  });
});

describe('DARTS mixed mode', () => {
  it.each([false, true])('with one op left per edge equals single path (training %s)', (training) => {
    const net = new DartsSupernet(tiny);
    perturbBn(net);
    const { x, y } = batch(4);
    for (const seed of [5, 6]) {
      const arch = randomArch(net.space, seed);
      const alpha = randomTensor([28, 8], seed) as tf.Tensor2D;
      const w = maskedSoftmax(alpha, singleOpState(net.space, arch), net.space);
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

  it('is differentiable w.r.t. the weights; ops of weight 0 are skipped and get a zero gradient', () => {
    const net = new DartsSupernet(tiny);
    const { x, y } = batch(5);
    const w = tf.mul(tf.ones([28, 8]), tf.tensor2d([0, 1, 1, 0, 1, 0, 0, 1], [1, 8])) as tf.Tensor2D;
    const g = tf.grad((ww: tf.Tensor) => tf.sum(tf.square(net.forwardMixed(x, ww as tf.Tensor2D, true))))(w);
    const values = g.arraySync() as number[][];
    expect(values.flat().every(Number.isFinite)).toBe(true);
    expect(values.some((row) => Math.abs(row[4] as number) > 0)).toBe(true);
    for (const row of values) for (const k of [0, 3, 5, 6]) expect(row[k]).toBe(0); // skipped, not multiplied by 0
    tf.dispose([x, y, w, g]);
    net.dispose();
  });
});

describe('DARTS supernet training', () => {
  const arch = (net: DartsSupernet): string[] => randomArch(net.space, 9, DARTS_OPS.slice(1));

  it('a training step lowers the loss on a tiny batch on wasm without leaking', async () => {
    await tf.setBackend('wasm');
    const net = new DartsSupernet(tiny);
    const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
    const { x, y } = batch(1);
    const path = arch(net);
    const first = supernetTrainStep(net, opt, x, y, [path], 0.05, opts).loss;
    const count = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 10; i++) last = supernetTrainStep(net, opt, x, y, [path], 0.05, opts).loss;
    expect(tf.memory().numTensors).toBe(count);
    expect(last).toBeLessThan(first * 0.7);
    tf.dispose([x, y]);
    opt.dispose();
    net.dispose();
    await tf.setBackend('cpu');
  });

  it('one step agrees between wasm and cpu (loss 1e-4, weights 1e-3 relative)', async () => {
    const run = async (backend: 'cpu' | 'wasm'): Promise<{ loss: number; weights: Map<string, Float32Array> }> => {
      await tf.setBackend(backend);
      const net = new DartsSupernet(tiny);
      const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
      const { x, y } = batch(2);
      const path = arch(net);
      path[14] = 'max_pool_3x3'; // reduction input edges: every kind of stride-2 op
      path[15] = 'avg_pool_3x3';
      path[16] = 'dil_conv_5x5';
      path[17] = 'skip_connect';
      const loss = supernetTrainStep(net, opt, x, y, [path], 0.1, opts).loss;
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
    // Relative to the tensor's scale, floored at 1e-2: BN running means of zero-mean inputs are float noise.
    for (const [name, ref] of cpu.weights) expect(relError(wasm.weights.get(name) as Float32Array, ref) * Math.min(1, maxAbs(ref) / 1e-2), name).toBeLessThan(1e-3);
  });
});
