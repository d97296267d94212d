import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { batches } from '../../../electron/engine/data';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { operatorKey } from '../../../electron/engine/space/searchSpace';
import { dropOps, fullState } from '../../../electron/engine/space/spaceState';
import { alphaStep } from '../../../electron/engine/supernet/alphaStep';
import { maskedSoftmax } from '../../../electron/engine/supernet/maskedSoftmax';
import { AdamByName } from '../../../electron/engine/train/adamByName';
import { createMetric } from '../../../electron/engine/metrics/registry';
import { scoreOperators } from '../../../electron/engine/metrics/operatorScores';
import { syntheticData, tinyNet } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('magnitude metric', () => {
  const net = tinyNet(2, 1, 6);
  const data = syntheticData(36, 16); // 20 validation images: two batches of 8 per epoch (last 4 dropped)
  // `none` dropped on edge 1<-0 and avg_pool on 3<-2.
  const state = dropOps(NB201_SPACE, dropOps(NB201_SPACE, fullState(NB201_SPACE), 0, ['none']), 5, ['avg_pool_3x3']);
  const ctx = { supernet: net, data, state };
  const options = { name: 'magnitude', steps: 3, batchSize: 8, seed: 9 };
  afterAll(() => net.dispose());

  it('scores operators by softmax(alpha) trained as A3 prescribes, leaving the supernet unchanged', async () => {
    const before = new Map(net.params.entries().map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
    const tensors = tf.memory().numTensors;
    const { operators } = await scoreOperators(createMetric(options), ctx);
    expect(tf.memory().numTensors).toBe(tensors);
    for (const [name, v] of net.params.entries()) expect([...v.dataSync()], name).toEqual([...before.get(name)!]);

    // The same training by hand: init 1e-3 N(0,1) from the seed, then Adam steps on shuffled
    // validation batches of 8 (the shuffle drawn from the same generator, per epoch).
    const rng = new SeededRng(9);
    const alpha = tf.variable(tf.tensor2d(Float32Array.from({ length: 30 }, () => 1e-3 * rng.normal()), [6, 5]));
    const adam = new AdamByName({});
    const initial = tf.tidy(() => maskedSoftmax(alpha, state, NB201_SPACE).arraySync());
    const saved = net.params.entries().map(([, v]) => [v, tf.clone(v)] as const);
    let steps = 0;
    while (steps < 3) {
      for (const b of batches(data.train, data.valIndices, { batchSize: 8, shuffle: true, rng, normalize: data.normalize, dropLast: true })) {
        if (steps++ < 3) alphaStep(net, alpha, state, adam, b.x, b.y, true);
        tf.dispose([b.x, b.y]);
      }
    }
    const expected = tf.tidy(() => maskedSoftmax(alpha, state, NB201_SPACE).arraySync());
    saved.forEach(([v, copy]) => (v.assign(copy), copy.dispose()));
    adam.dispose();
    alpha.dispose();

    expect(Object.keys(operators)).toHaveLength(28);
    expect(operators[operatorKey('1<-0', 'none')]).toBeUndefined();
    NB201_SPACE.choices.forEach((choice, c) => {
      let rowSum = 0;
      for (const op of state.remaining[c]!) {
        const s = operators[operatorKey(choice.id, op)]!;
        expect(s.mean).toBeCloseTo(expected[c]![choice.ops.indexOf(op)]!, 7);
        expect(s.count).toBe(0);
        rowSum += s.mean;
      }
      expect(rowSum).toBeCloseTo(1, 6);
    });
    // Three steps at lr 3e-4 do move alpha (Adam's first steps are about lr each).
    const moved = Math.max(...expected.flatMap((row, c) => row.map((v, k) => Math.abs(v - initial[c]![k]!))));
    expect(moved).toBeGreaterThan(1e-5);
  });

  it('scores an architecture by the sum of the log weights of its ops (-Infinity with a dropped op)', async () => {
    const metric = createMetric(options);
    const { operators } = await scoreOperators(metric, ctx);
    const arch = ['nor_conv_3x3', 'skip_connect', 'avg_pool_3x3', 'nor_conv_1x1', 'none', 'skip_connect'];
    const dropped = ['none', 'skip_connect', 'avg_pool_3x3', 'nor_conv_1x1', 'none', 'skip_connect'];
    const { scores } = await metric.scoreArchitectures(ctx, [arch, dropped]);
    const expected = arch.reduce((s, op, c) => s + Math.log(operators[operatorKey(NB201_SPACE.choices[c]!.id, op)]!.mean), 0);
    expect(scores[0]).toBeCloseTo(expected, 6);
    expect(scores[1]).toBe(Number.NEGATIVE_INFINITY);
  });
});
