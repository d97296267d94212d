import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { batches } from '../../../electron/engine/data';
import { evaluateSubset } from '../../../electron/engine/runners/evaluateSubset';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { fullState } from '../../../electron/engine/space/spaceState';
import { recalibrateBn } from '../../../electron/engine/supernet/bnRecalibration';
import { createMetric } from '../../../electron/engine/metrics/registry';
import { perturb, syntheticData, tinyNet } from './helpers';

const ARCHS = [
  ['nor_conv_3x3', 'skip_connect', 'avg_pool_3x3', 'nor_conv_1x1', 'none', 'skip_connect'],
  ['nor_conv_1x1', 'nor_conv_3x3', 'nor_conv_3x3', 'avg_pool_3x3', 'skip_connect', 'nor_conv_1x1'],
  ['none', 'none', 'none', 'none', 'none', 'none'],
];

/** Every weight and running statistic, by logical name. */
function snapshot(net: ReturnType<typeof tinyNet>): Map<string, Float32Array> {
  return new Map(net.params.entries().map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
}

function expectUnchanged(net: ReturnType<typeof tinyNet>, before: Map<string, Float32Array>): void {
  for (const [name, v] of net.params.entries()) expect([...v.dataSync()], name).toEqual([...before.get(name)!]);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('supernet accuracy metrics', () => {
  const net = tinyNet(2, 1, 4);
  const data = syntheticData(60, 40);
  const ctx = { supernet: net, data, state: fullState(NB201_SPACE) };

  beforeAll(() => perturb(net, 8, 0.2, true)); // random running statistics: eval without ReBN differs
  afterAll(() => net.dispose());

  it('accuracy: eval-mode top-1 on the validation indices, nothing changed or leaked', async () => {
    const before = snapshot(net);
    const tensors = tf.memory().numTensors;
    const { scores } = await createMetric({ name: 'accuracy', batchSize: 16 }).scoreArchitectures(ctx, ARCHS);
    expect(tf.memory().numTensors).toBe(tensors);
    expectUnchanged(net, before);
    ARCHS.forEach((arch, i) => {
      const expected = evaluateSubset((x) => net.forward(x, arch, false), data.train, data.normalize, 16, data.valIndices).accuracy;
      expect(scores[i]).toBeCloseTo(expected, 12);
    });
  });

  it('accuracy-rebn: recalibrates BN per child on training images, then restores the supernet statistics', async () => {
    const before = snapshot(net);
    const tensors = tf.memory().numTensors;
    // More calibration images than training images: all 40, in order (reproducible here).
    const { scores } = await createMetric({ name: 'accuracy-rebn', batchSize: 16, calibrationImages: 1000 }).scoreArchitectures(ctx, ARCHS);
    expect(tf.memory().numTensors).toBe(tensors);
    expectUnchanged(net, before);
    const calibration = [...batches(data.train, data.trainIndices, { batchSize: 16, normalize: data.normalize })];
    try {
      ARCHS.forEach((arch, i) => {
        recalibrateBn(net.params, (x) => net.forward(x, arch, true), calibration.map((b) => b.x));
        const expected = evaluateSubset((x) => net.forward(x, arch, false), data.train, data.normalize, 16, data.valIndices).accuracy;
        expect(scores[i]).toBeCloseTo(expected, 12);
      });
    } finally {
      calibration.forEach((b) => tf.dispose([b.x, b.y]));
    }
  });

  it('scores on a seeded draw of valImages and reports progress', async () => {
    const seen: number[] = [];
    const metric = createMetric({ name: 'accuracy', valImages: 8, seed: 3 });
    const a = await metric.scoreArchitectures({ ...ctx, progress: (done) => seen.push(done) }, ARCHS);
    const b = await metric.scoreArchitectures(ctx, ARCHS);
    expect(a.scores).toEqual(b.scores);
    a.scores.forEach((s) => expect(Number.isInteger(s * 8)).toBe(true));
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuse a context without data or without validation images', async () => {
    const isConfigError = (e: unknown) => e instanceof NasError && e.code === 'INVALID_CONFIG';
    await expect(createMetric('accuracy').scoreArchitectures({ supernet: net, state: ctx.state }, ARCHS)).rejects.toSatisfy(isConfigError);
    const noVal = { ...data, valIndices: new Int32Array(0) };
    await expect(createMetric('accuracy-rebn').scoreArchitectures({ ...ctx, data: noVal }, ARCHS)).rejects.toSatisfy(isConfigError);
  });
});
