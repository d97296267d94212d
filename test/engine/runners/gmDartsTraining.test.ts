/**
 * GM+DARTS's training steps on a tiny NB201 supernet (C=2, synthetic 8x8 images): the weight
 * step is the mixed forward with masked softmax(alpha) and SGD, checked against a hand-run
 * forwardMixed + variableGrads + Nesterov update; the alpha step moves alpha only; the
 * architecture state survives a checkpoint round trip; the data cut; no tensor leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { fullState } from '../../../electron/engine/space/spaceState';
import type { SpaceState } from '../../../electron/engine/space/spaceState';
import { tensorsToArrays } from '../../../electron/engine/store/checkpointTensors';
import { maskedSoftmax } from '../../../electron/engine/supernet/maskedSoftmax';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { softmaxCrossEntropy } from '../../../electron/engine/train/losses';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import { NodeArchState } from '../../../electron/engine/runners/gmArchState';
import { dartsDataSplit, dartsWeightStep, mixedTrainables } from '../../../electron/engine/runners/gmDartsTraining';
import type { ExperimentData } from '../../../electron/engine/runners/experimentData';
import { supernetTrainStep } from '../../../electron/engine/runners/supernetTrainStep';
import type { Batch } from '../../../electron/engine/data';
import { setUpBackends } from '../cpu/helpers';

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

const NET = { channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 3, seed: 5 };
const STEP = { labelSmoothing: 0, clip: { kind: 'none' as const } };
const MOMENTUM = 0.9;
const WD = 5e-4;
const LR = 0.05;

/** A node's space: edge 1<-0 restricted to {nor_conv_3x3, skip_connect}, 3<-2 to {nor_conv_1x1, avg_pool_3x3, none}. */
function nodeState(): SpaceState {
  const s = fullState(NB201_SPACE);
  const remaining = s.remaining.map((r) => [...r]);
  remaining[0] = ['skip_connect', 'nor_conv_3x3'];
  remaining[5] = ['none', 'nor_conv_1x1', 'avg_pool_3x3'];
  return { remaining, locked: [], forceDropped: [] };
}

function batch(seed: number, n = 6): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new SeededRng(seed);
  const x = tf.tensor4d(Float32Array.from({ length: n * 8 * 8 }, () => rng.normal()), [n, 8, 8, 1]);
  const y = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 3), 'int32');
  return { x, y };
}

function endless(seed: number): () => Batch {
  let k = 0;
  return () => {
    const b = batch(seed + k++);
    return { ...b, indices: new Int32Array(b.x.shape[0]) };
  };
}

function values(net: Nb201Supernet): Map<string, Float32Array> {
  return new Map(net.params.entries().map(([name, v]) => [name, Float32Array.from(v.dataSync() as Float32Array)]));
}

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let d = 0;
  for (const [name, va] of a) {
    const vb = b.get(name) as Float32Array;
    for (let i = 0; i < va.length; i++) d = Math.max(d, Math.abs((va[i] as number) - (vb[i] as number)));
  }
  return d;
}

describe('GM+DARTS weight step', () => {
  it('is one SGD-Nesterov step of the mixed forward with masked softmax(alpha) weights, equal to a hand-run step', () => {
    const state = nodeState();
    const a = new Nb201Supernet(NET);
    const b = new Nb201Supernet(NET);
    const c = new Nb201Supernet(NET);
    const arch = new NodeArchState(NB201_SPACE, {});
    const { x, y } = batch(1);
    try {
      // A non-uniform alpha, so the masked softmax weights differ per op.
      arch.alpha.assign(tf.tidy(() => tf.randomNormal(arch.alpha.shape, 0, 1, 'float32', 3)));
      const optimizer = new SgdNesterov({ momentum: MOMENTUM, weightDecay: WD, decayed: a.params.decayed });
      const step = dartsWeightStep({ state, arch, frozen: true, nextAlphaBatch: () => { throw new Error('a frozen step draws no alpha batch'); } });
      const alphaBefore = Float32Array.from(arch.alpha.dataSync() as Float32Array);
      const result = step(a, optimizer, x, y, [], LR, STEP);
      expect(Number.isFinite(result.loss)).toBe(true);
      expect(Float32Array.from(arch.alpha.dataSync() as Float32Array)).toEqual(alphaBefore);

      // By hand on b: forwardMixed with the same weights, grads of every trainable, d = g + wd*w
      // on decayed tensors, first step buf = d, w -= lr * (d + m * buf).
      const mixed = maskedSoftmax(arch.alpha as tf.Tensor2D, state, NB201_SPACE);
      const trainables = mixedTrainables(b, state);
      const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(b.forwardMixed(x, mixed, true), y), trainables);
      expect(value.dataSync()[0]).toBeCloseTo(result.loss, 5);
      tf.tidy(() => {
        for (const v of trainables) {
          const g = grads[v.name];
          if (!g || !(tf.any(tf.notEqual(g, 0)).dataSync()[0])) continue;
          const d = b.params.decayed.has(v.name) ? tf.add(g, tf.mul(v, WD)) : g;
          v.assign(tf.sub(v, tf.mul(tf.add(d, tf.mul(d, MOMENTUM)), LR)));
        }
      });
      tf.dispose([value, mixed, ...Object.values(grads)]);
      expect(maxDiff(values(a), values(b))).toBeLessThan(1e-6);

      // Not a single-path step: the same batch through one path moves the weights elsewhere.
      supernetTrainStep(c, new SgdNesterov({ momentum: MOMENTUM, weightDecay: WD, decayed: c.params.decayed }), x, y, [state.remaining.map((r) => r[0] as string)], LR, STEP);
      expect(maxDiff(values(a), values(c))).toBeGreaterThan(1e-4);
      // Ops outside the node's space never move (their weight is exactly 0 in the mix).
      const fresh = new Nb201Supernet(NET);
      const before = values(fresh);
      fresh.dispose();
      const after = values(a);
      for (const op of ['nor_conv_1x1', 'avg_pool_3x3', 'none']) {
        for (const [name, v] of after) if (name.startsWith(`cell0/e0/${op}/`)) expect(v).toEqual(before.get(name));
      }
      expect([...after.keys()].some((n) => n.startsWith('cell0/e0/nor_conv_3x3/') && maxDiff(new Map([[n, after.get(n) as Float32Array]]), new Map([[n, before.get(n) as Float32Array]])) > 0)).toBe(true);
      optimizer.dispose();
    } finally {
      tf.dispose([x, y]);
      arch.dispose();
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it('unfrozen: one alpha step on the alpha batch (weights frozen), then the weight step with the new alpha; no tensors leak', () => {
    const state = nodeState();
    const net = new Nb201Supernet(NET);
    const arch = new NodeArchState(NB201_SPACE, {});
    const optimizer = new SgdNesterov({ momentum: MOMENTUM, weightDecay: WD, decayed: net.params.decayed });
    const step = dartsWeightStep({ state, arch, frozen: false, nextAlphaBatch: endless(100) });
    try {
      const { x, y } = batch(2);
      step(net, optimizer, x, y, [], LR, STEP);
      const alpha = arch.alpha.arraySync() as number[][];
      expect(arch.alphaSteps).toBe(1);
      // Alpha moved on remaining ops only: Adam's first step is lr * sign(g) (+ decay of 0).
      NB201_SPACE.choices.forEach((choice, e) => choice.ops.forEach((op, k) => {
        const v = alpha[e]?.[k] as number;
        if (state.remaining[e]?.includes(op)) expect(Math.abs(v)).toBeGreaterThan(1e-4);
        else expect(v).toBe(0);
      }));
      const live = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step(net, optimizer, x, y, [], LR, STEP);
      expect(tf.memory().numTensors).toBe(live);
      expect(arch.alphaSteps).toBe(4);
      tf.dispose([x, y]);
    } finally {
      optimizer.dispose();
      arch.dispose();
      net.dispose();
    }
  });
});

describe('GM+DARTS alpha step that diverges', () => {
  it('stops with NAN_LOSS naming the epoch and step the trainer is at, and the checkpoint kept', () => {
    const state = nodeState();
    const net = new Nb201Supernet(NET);
    const arch = new NodeArchState(NB201_SPACE, {});
    const optimizer = new SgdNesterov({ momentum: MOMENTUM, weightDecay: WD, decayed: net.params.decayed });
    // An alpha batch of NaN images: its loss is NaN.
    const nanBatch = (): Batch => {
      const n = 4;
      return { x: tf.fill([n, 8, 8, 1], Number.NaN) as tf.Tensor4D, y: tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 3), 'int32'), indices: new Int32Array(n) };
    };
    const step = dartsWeightStep({ state, arch, frozen: false, nextAlphaBatch: nanBatch });
    const { x, y } = batch(3);
    try {
      const before = tf.memory().numTensors;
      // The trainer says epoch index 2, step index 4 (a resumed node counts from its epoch, not from 0).
      expect(() => step(net, optimizer, x, y, [], LR, STEP, { epoch: 2, step: 4, lastCheckpoint: 'node-3-epoch-2' })).toThrow(
        expect.objectContaining({ code: 'NAN_LOSS', message: "Training diverged: the loss is NaN at epoch 3, step 5 (architecture). The last good checkpoint 'node-3-epoch-2' is kept." }),
      );
      expect(arch.alphaSteps).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.dispose([x, y]);
      optimizer.dispose();
      arch.dispose();
      net.dispose();
    }
  });
});

describe('GM+DARTS architecture state', () => {
  it('round-trips alpha and the arch-Adam moments and step through checkpoint arrays', async () => {
    const net = new Nb201Supernet(NET);
    const arch = new NodeArchState(NB201_SPACE, { lr: 0.01 });
    const copy = new NodeArchState(NB201_SPACE, { lr: 0.01 });
    const optimizer = new SgdNesterov({ momentum: MOMENTUM, weightDecay: WD, decayed: net.params.decayed });
    try {
      const step = dartsWeightStep({ state: fullState(NB201_SPACE), arch, frozen: false, nextAlphaBatch: endless(7) });
      const { x, y } = batch(3);
      step(net, optimizer, x, y, [], LR, STEP);
      step(net, optimizer, x, y, [], LR, STEP);
      tf.dispose([x, y]);
      const extras = arch.checkpointExtras();
      expect(Object.keys(extras.tensors).sort()).toEqual(['arch/adam/m', 'arch/adam/v', 'arch/alpha']);
      expect(extras.meta).toEqual({ arch: { adamStep: 2, alphaSteps: 2 } });
      copy.load(await tensorsToArrays(extras.tensors), extras.meta);
      const slotA = arch.adam.state(arch.alpha.name);
      const slotB = copy.adam.state(copy.alpha.name);
      expect(copy.alpha.dataSync()).toEqual(arch.alpha.dataSync());
      expect(slotB?.m.dataSync()).toEqual(slotA?.m.dataSync());
      expect(slotB?.v.dataSync()).toEqual(slotA?.v.dataSync());
      expect(slotB?.step).toBe(2);
      expect(copy.alphaSteps).toBe(2);
    } finally {
      optimizer.dispose();
      arch.dispose();
      copy.dispose();
      net.dispose();
    }
  });

  it('refuses a checkpoint without architecture state by message', () => {
    const arch = new NodeArchState(NB201_SPACE, {});
    try {
      expect(() => arch.load({}, {})).toThrow(/no GM\+DARTS architecture state/);
    } finally {
      arch.dispose();
    }
  });
});

describe('dartsDataSplit', () => {
  const data = { trainIndices: Int32Array.from({ length: 10 }, (_, i) => 100 + i), valIndices: new Int32Array(0) } as unknown as ExperimentData;

  it('cuts the training split into disjoint weight and alpha parts covering it', () => {
    const s = dartsDataSplit(data, 0.5, 2, 1);
    expect(s.weights.trainIndices.length).toBe(5);
    expect(s.alphaIndices.length).toBe(5);
    expect([...s.weights.trainIndices, ...s.alphaIndices].sort((p, q) => p - q)).toEqual([...data.trainIndices]);
    expect(dartsDataSplit(data, 0.3, 2, 1).alphaIndices.length).toBe(3);
  });

  it('refuses parts smaller than one batch by message', () => {
    expect(() => dartsDataSplit(data, 0.5, 8, 1)).toThrow(/5 for the weights and 5 for alpha; each needs at least one batch of 8/);
  });
});
