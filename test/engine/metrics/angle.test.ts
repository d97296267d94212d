import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { NB201_OPS } from '../../../electron/engine/space/nb201Ops';
import { fullState, enumerateState } from '../../../electron/engine/space/spaceState';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { literalAngle, referenceLookup, snapshotWeights, vectorAngle } from '../../../electron/engine/metrics/angle';
import { Nb201AngleTable, nb201AngleLayout, nb201AngleNames, nb201AngleShape, nb201FixedNames } from '../../../electron/engine/metrics/nb201Angle';
import { ANGLE_CELLS_METRIC, ANGLE_METRIC } from '../../../electron/engine/metrics/angleMetric';
import { Nb201Supernet, NB201_FASHION_NET } from '../../../electron/engine/supernet/nb201Supernet';
import { perturb, randomArch, referenceArrays, tinyNet } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('angle of two vectors', () => {
  it('matches hand-computed angles', () => {
    expect(vectorAngle([1, 0], [0, 1]).angle).toBeCloseTo(Math.PI / 2, 12);
    expect(vectorAngle([1, 0], [1, 1]).angle).toBeCloseTo(Math.PI / 4, 12);
    expect(vectorAngle([3, 0], [0, -2]).angle).toBeCloseTo(Math.PI / 2, 12);
    expect(vectorAngle([1, 2], [-2, -4]).angle).toBeCloseTo(Math.PI, 6);
    // cos = (1*2 + 2*1) / (sqrt 5 sqrt 5) = 4/5
    expect(vectorAngle([1, 2], [2, 1]).angle).toBeCloseTo(Math.acos(0.8), 12);
  });

  it('clamps the cosine of parallel vectors to 1 (angle exactly 0, never NaN)', () => {
    const a = [0.1, 0.2, 0.3, 1e-8, 7.77];
    const v = vectorAngle(a, a.map((x) => x * 3));
    expect(Number.isNaN(v.angle)).toBe(false);
    expect(v.angle).toBeLessThan(1e-7);
    expect(v.empty).toBe(false);
  });

  it('defines the angle of empty vectors as 0, flagged empty', () => {
    expect(vectorAngle([], [])).toEqual({ angle: 0, empty: true });
  });
});

describe('NB201 angle: literal vs decomposed', () => {
  // Two cells per stage, so pooling blocks of 2, 4 and 8 channels all appear.
  const net = tinyNet(2, 2, 7);
  let reference: ReturnType<typeof referenceArrays>;
  let table: Nb201AngleTable;
  const shape = nb201AngleShape(net.params);
  const layout = nb201AngleLayout(shape);
  let current: Awaited<ReturnType<typeof snapshotWeights>>;
  const w0 = () => referenceLookup(reference);

  beforeAll(async () => {
    perturb(net, 11, 0.3);
    reference = referenceArrays(net);
    perturb(net, 12, 0.2, true);
    current = await snapshotWeights(net.params, nb201AngleNames(shape));
    table = Nb201AngleTable.build(shape, w0(), current);
  });
  afterAll(() => net.dispose());

  it('reads the shape from the logical names', () => {
    expect(shape).toEqual({ channels: 2, cells: 6, convOps: ['nor_conv_1x1', 'nor_conv_3x3'] });
  });

  const special: string[][] = [
    ['none', 'none', 'none', 'none', 'none', 'none'],
    ['skip_connect', 'skip_connect', 'skip_connect', 'skip_connect', 'skip_connect', 'skip_connect'],
    ['avg_pool_3x3', 'avg_pool_3x3', 'avg_pool_3x3', 'avg_pool_3x3', 'avg_pool_3x3', 'avg_pool_3x3'],
    ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3'],
    ['nor_conv_3x3', 'skip_connect', 'avg_pool_3x3', 'nor_conv_1x1', 'none', 'skip_connect'],
    ['nor_conv_1x1', 'none', 'none', 'none', 'nor_conv_3x3', 'none'], // only path 0->1->3
    ['skip_connect', 'none', 'none', 'skip_connect', 'skip_connect', 'none'], // skip-only paths
  ];

  it('agree to 1e-6 on random and special architectures, both vectors', () => {
    const rng = new SeededRng(5);
    const archs = [...special, ...Array.from({ length: 300 }, () => randomArch(rng, NB201_OPS))];
    for (const arch of archs) {
      for (const cellsOnly of [false, true]) {
        const lit = literalAngle(layout, w0(), current, arch, cellsOnly);
        const dec = table.score(arch, cellsOnly);
        expect(Math.abs(lit.angle - dec.angle)).toBeLessThan(1e-6);
        expect(dec.empty).toBe(lit.empty);
      }
    }
  });

  it('builds the vector of A2 (checked against a by-hand concatenation of one child)', () => {
    // e0 1<-0 conv3, e1 2<-0 skip, e2 2<-1 pool, e3 3<-0 conv1, e4 3<-1 none, e5 3<-2 skip.
    // Paths: [3<-0] -> conv1(e3); [2<-0, 3<-2] -> nothing; [1<-0, 2<-1, 3<-2] -> conv3(e0), pool(e2);
    // [1<-0, 3<-1] -> dropped (none).
    const arch = special[4] as string[];
    const a: number[] = [];
    const b: number[] = [];
    const push = (name: string) => {
      a.push(...w0()(name));
      b.push(...current(name));
    };
    for (const name of nb201FixedNames()) push(name);
    for (let c = 0; c < 6; c++) push(`cell${c}/e3/nor_conv_1x1/conv`);
    for (let c = 0; c < 6; c++) {
      push(`cell${c}/e0/nor_conv_3x3/conv`);
      const pool = new Array<number>(2 * 2 ** Math.floor(c / 2) * 9).fill(1 / 9);
      a.push(...pool);
      b.push(...pool);
    }
    const expected = vectorAngle(a, b).angle;
    expect(literalAngle(layout, w0(), current, arch).angle).toBeCloseTo(expected, 10);
    expect(table.score(arch).angle).toBeCloseTo(expected, 10);
  });

  it('an architecture whose every path is dropped scores the fixed parts alone; angle-cells is 0 and empty', () => {
    const fixed = nb201FixedNames();
    const a = fixed.flatMap((n) => [...w0()(n)]);
    const b = fixed.flatMap((n) => [...current(n)]);
    const allNone = special[0] as string[];
    expect(table.score(allNone).angle).toBeCloseTo(vectorAngle(a, b).angle, 10);
    expect(table.score(allNone).empty).toBe(false);
    expect(table.score(allNone, true)).toEqual({ angle: 0, empty: true });
    expect(table.score(special[1] as string[], true)).toEqual({ angle: 0, empty: true }); // skip only
    expect(table.score(special[6] as string[], true)).toEqual({ angle: 0, empty: true });
    expect(table.score(special[2] as string[], true)).toEqual({ angle: 0, empty: false }); // pooling: constant blocks only
  });

  it('gives 0 for an unchanged network, whatever the running statistics do', async () => {
    const ref = referenceArrays(net);
    const before = tf.memory().numTensors;
    perturb(net, 13, 0, true); // running statistics only
    const metricCtx = { supernet: net, reference: ref, state: fullState(NB201_SPACE) };
    const archs = [special[3] as string[], special[4] as string[], special[0] as string[]];
    for (const metric of [ANGLE_METRIC, ANGLE_CELLS_METRIC]) {
      const { scores } = await metric.scoreArchitectures(metricCtx, archs);
      scores.forEach((s) => expect(s).toBeLessThan(1e-6));
    }
    const same = referenceLookup(ref);
    expect(literalAngle(layout, same, same, special[3] as string[]).angle).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('angle metrics', () => {
  it('refuse a context without reference weights', async () => {
    const net = tinyNet(2, 1);
    try {
      await expect(ANGLE_METRIC.scoreArchitectures({ supernet: net, state: fullState(NB201_SPACE) }, [])).rejects.toSatisfy((e: unknown) => e instanceof NasError && e.code === 'INVALID_CONFIG');
    } finally {
      net.dispose();
    }
  });

  // How long this takes, beside the literal concatenation: `npm run bench -- --scoring`.
  it('score all 15,625 architectures of nb201-fashion (C=8, N=1), without leaks', async () => {
    const net = new Nb201Supernet(NB201_FASHION_NET);
    try {
      const reference = referenceArrays(net);
      perturb(net, 21, 0.05);
      const archs = [...enumerateState(fullState(NB201_SPACE))];
      const before = tf.memory().numTensors;
      const ctx = { supernet: net, reference, state: fullState(NB201_SPACE) };
      const result = await ANGLE_METRIC.scoreArchitectures(ctx, archs);
      const cells = await ANGLE_CELLS_METRIC.scoreArchitectures(ctx, archs);
      expect(result.scores).toHaveLength(15_625);
      expect(result.scores.every((s) => s > 0 && s < Math.PI)).toBe(true);
      expect(result.empty).toBeUndefined();
      // Cells-only: 0 exactly where no conv or pool lies on a live path.
      expect(cells.empty?.filter(Boolean).length).toBeGreaterThan(0);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      net.dispose();
    }
  });
});
