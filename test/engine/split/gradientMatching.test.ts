import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { DartsSupernet, DARTS_TINY_NET, dartsReductionCells } from '../../../electron/engine/supernet/dartsSupernet';
import { MobilenetSupernet } from '../../../electron/engine/supernet/mobilenetSupernet';
import { createMobilenetSpace } from '../../../electron/engine/space/mobilenetSpace';
import { fullState, restrictChoice } from '../../../electron/engine/space/spaceState';
import { softmaxCrossEntropy } from '../../../electron/engine/train/losses';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { gmScore, gmScoreEdges, type GmBatch } from '../../../electron/engine/split/gradientMatching';
import { sharedParamNames } from '../../../electron/engine/split/sharedWeights';
import { registerDepthwiseGradients } from '../../../electron/engine/tf/depthwise/registerDepthwiseGradients';

const EDGE = 2; // 2<-1
const tinyNet = (): Nb201Supernet => new Nb201Supernet({ channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 3, seed: 5 });

/** The batch of repeat r: 4 seeded 8x8x1 images and labels; the same for the same r. */
function batchFor(r: number): GmBatch {
  const rng = new SeededRng(1000 + r);
  const x = tf.tensor4d(Float32Array.from({ length: 4 * 8 * 8 }, () => rng.normal()), [4, 8, 8, 1]);
  const labels = tf.tensor1d([0, 1, 2, rng.int(3)], 'int32');
  return { x, labels };
}

function snapshot(net: Nb201Supernet): Map<string, Float32Array> {
  return new Map(net.params.entries().map(([name, v]) => [name, Float32Array.from(v.dataSync())]));
}

beforeAll(async () => {
  registerDepthwiseGradients();
  await tf.setBackend('cpu');
});

describe('gmScore on a tiny NB201 supernet', () => {
  it('returns a symmetric ops x ops distance with zero diagonal, leaves the supernet as it was and leaks nothing', async () => {
    const net = tinyNet();
    const before = snapshot(net);
    const tensors = tf.memory().numTensors;
    const res = await gmScore(net, EDGE, { state: fullState(net.space), repeats: 2, nextBatch: batchFor });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(res.ops).toEqual(net.space.choices[EDGE]!.ops);
    expect(res.perRepeat).toHaveLength(2);
    expect(res.distance).toHaveLength(5);
    for (let i = 0; i < 5; i++) {
      expect(res.distance[i]![i]).toBe(0);
      for (let j = 0; j < 5; j++) {
        expect(res.distance[i]![j]).toBeCloseTo(res.distance[j]![i]!, 12);
        expect(res.distance[i]![j]).toBeGreaterThanOrEqual(0);
        expect(res.distance[i]![j]).toBeLessThanOrEqual(2);
        expect(res.distance[i]![j]).toBeCloseTo((res.perRepeat[0]![i]![j]! + res.perRepeat[1]![i]![j]!) / 2, 12);
      }
    }
    // Off-diagonal entries carry signal (not all 0 or all 1).
    const off = res.distance.flatMap((row, i) => row.filter((_, j) => j > i));
    expect(Math.max(...off)).toBeGreaterThan(1e-4);
    // Weights and running statistics are exactly as before (train-mode BN moved and restored them).
    for (const [name, v] of net.params.entries()) expect(Array.from(v.dataSync()), name).toEqual(Array.from(before.get(name)!));
    expect(res.timings.perRepeatMs).toHaveLength(2);
    net.dispose();
  });

  it('uses the shared weights only: other edges of the cells and the reduction blocks', () => {
    const net = tinyNet();
    const names = sharedParamNames(net, EDGE);
    expect(names.some((n) => /^cell\d+\/e2\//.test(n))).toBe(false); // the candidate edge's own ops
    expect(names.some((n) => /^(stem|head|classifier)\//.test(n))).toBe(false);
    expect(names.some((n) => /running_(mean|var)$/.test(n))).toBe(false);
    for (const n of ['cell0/e0/nor_conv_3x3/conv', 'cell2/e5/nor_conv_1x1/conv', 'reduce1/a/conv', 'reduce2/b/bn/gamma', 'reduce2/shortcut/conv']) expect(names).toContain(n);
    // 3 cells x 5 other edges x 2 conv ops, plus 2 reduction blocks x (2 convs + 2x2 BN params + shortcut).
    expect(names).toHaveLength(3 * 5 * 2 + 2 * 7);
    net.dispose();
  });

  it('equals an independent computation for one pair (variableGrads by hand, cosine in plain JS)', async () => {
    const net = tinyNet();
    const res = await gmScore(net, EDGE, { state: fullState(net.space), repeats: 1, nextBatch: batchFor });
    const ops = net.space.choices[EDGE]!.ops;
    const shared = net.params.entries().filter(([n, v]) => v.trainable && (/^reduce/.test(n) || /^cell\d+\/e[013-5]\//.test(n))).map(([, v]) => v);
    const gradOf = (op: string): number[] => {
      const { x, labels } = batchFor(0);
      const w = tf.tensor2d(Array.from({ length: 6 }, (_, e) => ops.map((o) => (e !== EDGE ? 0.2 : o === op ? 1 : 0))));
      const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(net.forwardMixed(x, w, true), labels), shared);
      const flat = shared.flatMap((v) => (grads[v.name] ? Array.from(grads[v.name]!.dataSync()) : new Array<number>(v.size).fill(0)));
      tf.dispose([x, labels, w, value, ...Object.values(grads)]);
      return flat;
    };
    const i = ops.indexOf('nor_conv_1x1');
    const j = ops.indexOf('avg_pool_3x3');
    const a = gradOf(ops[i]!);
    const b = gradOf(ops[j]!);
    let dot = 0;
    let na = 0;
    let nb = 0;
    a.forEach((ai, q) => {
      dot += ai * b[q]!;
      na += ai * ai;
      nb += b[q]! * b[q]!;
    });
    const expected = 1 - dot / (Math.sqrt(na) * Math.sqrt(nb) + 1e-6);
    expect(res.distance[i]![j]).toBeCloseTo(expected, 5);
    net.dispose();
  });

  it('RSPS mode: one random path per repeat, seeded; several edges share the batches', async () => {
    const net = tinyNet();
    const state = restrictChoice(net.space, fullState(net.space), 0, ['skip_connect', 'nor_conv_3x3']);
    const tensors = tf.memory().numTensors;
    const run = () => gmScoreEdges(net, [0, 3], { state, repeats: 2, mode: 'rsps', seed: 3, nextBatch: batchFor });
    const [e0, e3] = await run();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(e0!.ops).toEqual(['skip_connect', 'nor_conv_3x3']);
    expect(e0!.distance).toHaveLength(2);
    expect(e3!.distance).toHaveLength(5);
    expect(e3!.distance.flat().every((d) => d >= 0 && d <= 2)).toBe(true);
    expect((await run())[1]!.distance).toEqual(e3!.distance);
    await expect(gmScore(net, 0, { state: restrictChoice(net.space, state, 0, ['skip_connect']), repeats: 1, nextBatch: batchFor })).rejects.toThrow(/at least 2/);
    net.dispose();
  });
});

describe('shared weights of the other spaces', () => {
  it('DARTS: every edge but e in cells of the split type, every edge of the other type; no preprocessing', () => {
    const net = new DartsSupernet({ ...DARTS_TINY_NET, variant: 's5' });
    const reductions = dartsReductionCells(DARTS_TINY_NET.cells);
    const names = sharedParamNames(net, 3); // normal:... edge 3
    const cellOf = (n: string): number => Number(/^cell(\d+)\//.exec(n)![1]);
    expect(names.every((n) => /^cell\d+\/e\d+\//.test(n))).toBe(true);
    expect(names.some((n) => /\/e3\//.test(n) && !reductions.includes(cellOf(n)))).toBe(false);
    expect(names.some((n) => /\/e3\//.test(n) && reductions.includes(cellOf(n)))).toBe(true);
    const reduceNames = sharedParamNames(net, 14 + 3);
    expect(reduceNames.some((n) => /\/e3\//.test(n) && reductions.includes(cellOf(n)))).toBe(false);
    expect(reduceNames.some((n) => /\/e3\//.test(n) && !reductions.includes(cellOf(n)))).toBe(true);
    net.dispose();
  });

  it('DARTS GM score (keep-weight rows, R=1) runs, is symmetric and leaves the weights alone', async () => {
    const net = new DartsSupernet({ ...DARTS_TINY_NET, channels: 2, variant: 's5' });
    const before = net.params.entries().map(([, v]) => Array.from(v.dataSync()));
    const tensors = tf.memory().numTensors;
    const res = await gmScore(net, 0, { state: fullState(net.space), repeats: 1, nextBatch: batchFor });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(res.distance).toHaveLength(7);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) expect(res.distance[i]![j]).toBeCloseTo(res.distance[j]![i]!, 12);
    expect(res.distance.flat().every((d) => d >= 0 && d <= 2)).toBe(true);
    net.params.entries().forEach(([name, v], k) => expect(Array.from(v.dataSync()), name).toEqual(before[k]));
    net.dispose();
  });

  it('MobileNet: stem, first block, other layers, head and classifier; not the split layer', () => {
    const space = createMobilenetSpace({ name: 'mobilenet-tiny', inputChannels: 1, imageSize: 8, stemChannels: 4, stemStride: 1, firstBlockChannels: 4, stages: [{ channels: 6, count: 2, stride: 2 }, { channels: 8, count: 1, stride: 1 }], headChannels: 12, identity: true });
    const net = new MobilenetSupernet(space, { numClasses: 3, seed: 1 });
    const names = sharedParamNames(net, 1);
    expect(names.some((n) => n.startsWith('layer1/'))).toBe(false);
    for (const prefix of ['stem/', 'first/', 'layer0/', 'layer2/', 'head/', 'classifier/']) expect(names.some((n) => n.startsWith(prefix)), prefix).toBe(true);
    net.dispose();
  });

  it('MobileNet GM score runs in RSPS mode by default: only the active op of the other layers is used', async () => {
    const space = createMobilenetSpace({ name: 'mobilenet-tiny', inputChannels: 1, imageSize: 8, stemChannels: 4, stemStride: 1, firstBlockChannels: 4, stages: [{ channels: 4, count: 2, stride: 1 }], headChannels: 8, identity: true });
    const net = new MobilenetSupernet(space, { numClasses: 3, seed: 1 });
    const tensors = tf.memory().numTensors;
    const res = await gmScore(net, 0, { state: fullState(space), repeats: 1, seed: 2, nextBatch: batchFor });
    expect(tf.memory().numTensors).toBe(tensors);
    const n = space.choices[0]!.ops.length;
    expect(res.distance).toHaveLength(n);
    expect(res.distance.flat().every((d) => d >= 0 && d <= 2)).toBe(true);
    // Layer 1 ran one op (or identity): at most one of its MBConv variants has gradients.
    const layer1Ops = new Set(res.usedParamNames.filter((p) => p.startsWith('layer1/')).map((p) => p.split('/')[1]));
    expect(layer1Ops.size).toBeLessThanOrEqual(1);
    expect(res.usedParamNames.some((p) => p.startsWith('layer0/'))).toBe(false);
    net.dispose();
  });
});
