import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { createMobilenetSpace, type MobilenetSpaceConfig } from '../../../electron/engine/space/mobilenetSpace';
import { fullState } from '../../../electron/engine/space/spaceState';
import { MobilenetSupernet } from '../../../electron/engine/supernet/mobilenetSupernet';
import { literalAngle, referenceLookup, snapshotWeights, vectorAngle } from '../../../electron/engine/metrics/angle';
import { BlockAngleScorer } from '../../../electron/engine/metrics/blockAngle';
import { mobilenetAngleLayout } from '../../../electron/engine/metrics/mobilenetAngle';
import { ANGLE_CELLS_METRIC, ANGLE_METRIC } from '../../../electron/engine/metrics/angleMetric';
import { perturb, referenceArrays } from './helpers';

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

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('MobileNet-like angle vectors', () => {
  const space = createMobilenetSpace(TINY);
  const net = new MobilenetSupernet(space, { numClasses: 3, seed: 1 });
  const layout = mobilenetAngleLayout(net.params, space);
  let reference: ReturnType<typeof referenceArrays>;
  let current: Awaited<ReturnType<typeof snapshotWeights>>;
  let scorer: BlockAngleScorer;
  const w0 = () => referenceLookup(reference);

  beforeAll(async () => {
    reference = referenceArrays(net);
    perturb(net, 5, 0.3, true);
    current = await snapshotWeights(net.params, layout.names);
    scorer = new BlockAngleScorer(layout, w0(), current);
  });
  afterAll(() => net.dispose());

  it('builds the vector of A2 (checked against a by-hand concatenation)', () => {
    const layers = space.choices.map((c) => c.id);
    const withIdentity = space.choices.findIndex((c) => c.ops.includes('identity'));
    expect(withIdentity).toBeGreaterThan(0);
    const arch = space.choices.map((c, i) => (i === withIdentity ? 'identity' : c.ops[i % 6]!));
    const a: number[] = [];
    const b: number[] = [];
    const push = (name: string) => {
      a.push(...w0()(name));
      b.push(...current(name));
    };
    ['stem/conv', 'first/dw', 'first/project', 'head/conv', 'classifier/kernel'].forEach(push);
    arch.forEach((op, i) => {
      if (op !== 'identity') ['expand', 'dw', 'project'].forEach((t) => push(`${layers[i]}/${op}/${t}`));
    });
    const expected = vectorAngle(a, b).angle;
    expect(literalAngle(layout, w0(), current, arch).angle).toBeCloseTo(expected, 10);
    expect(scorer.score(arch).angle).toBeCloseTo(expected, 10);
  });

  it('literal and decomposed agree on random architectures; the shallowest child still has layer blocks', () => {
    const rng = new SeededRng(4);
    for (let t = 0; t < 30; t++) {
      const arch = space.choices.map((c) => c.ops[rng.int(c.ops.length)]!);
      for (const cellsOnly of [false, true]) expect(Math.abs(literalAngle(layout, w0(), current, arch, cellsOnly).angle - scorer.score(arch, cellsOnly).angle)).toBeLessThan(1e-6);
    }
    const shallow = space.choices.map((c) => (c.ops.includes('identity') ? 'identity' : c.ops[0]!));
    expect(scorer.score(shallow, true).empty).toBe(false); // the first layer of each stage has no identity
  });

  it('the angle metrics give 0 for an unchanged network, without leaks', async () => {
    const ctx = { supernet: net, reference: referenceArrays(net), state: fullState(space) };
    const arch = space.choices.map((c) => c.ops[0]!);
    const before = tf.memory().numTensors;
    for (const metric of [ANGLE_METRIC, ANGLE_CELLS_METRIC]) expect((await metric.scoreArchitectures(ctx, [arch])).scores[0]).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before);
  });
});
