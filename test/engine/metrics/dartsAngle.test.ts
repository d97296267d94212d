import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { DARTS_OPS } from '../../../electron/engine/space/dartsOps';
import { dartsEdgeIndex } from '../../../electron/engine/space/dartsSpace';
import { fullState } from '../../../electron/engine/space/spaceState';
import { DartsSupernet, DARTS_TINY_NET } from '../../../electron/engine/supernet/dartsSupernet';
import { literalAngle, referenceLookup, snapshotWeights, vectorAngle } from '../../../electron/engine/metrics/angle';
import { BlockAngleScorer } from '../../../electron/engine/metrics/blockAngle';
import { DARTS_PATHS, dartsAngleLayout } from '../../../electron/engine/metrics/dartsAngle';
import { ANGLE_CELLS_METRIC, ANGLE_METRIC } from '../../../electron/engine/metrics/angleMetric';
import { perturb, referenceArrays } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DARTS angle vectors', () => {
  // 3 cells: 0 normal, 1 and 2 reduction (cell 2 preprocesses c_{k-2} with FactorizedReduce).
  const net = new DartsSupernet(DARTS_TINY_NET);
  const layout = dartsAngleLayout(net.params);
  let reference: ReturnType<typeof referenceArrays>;
  let current: Awaited<ReturnType<typeof snapshotWeights>>;
  let scorer: BlockAngleScorer;
  const w0 = () => referenceLookup(reference);

  beforeAll(async () => {
    reference = referenceArrays(net);
    perturb(net, 3, 0.3, true);
    current = await snapshotWeights(net.params, layout.names);
    scorer = new BlockAngleScorer(layout, w0(), current);
  });
  afterAll(() => net.dispose());

  it('enumerate the 16 input-to-output paths of a cell', () => {
    expect(DARTS_PATHS).toHaveLength(16);
    expect(new Set(DARTS_PATHS.map((p) => p.join(','))).size).toBe(16);
    expect(DARTS_PATHS[0]).toEqual([dartsEdgeIndex(2, 0), dartsEdgeIndex(3, 2), dartsEdgeIndex(4, 3), dartsEdgeIndex(5, 4)]);
    expect(DARTS_PATHS).toContainEqual([dartsEdgeIndex(5, 1)]);
  });

  it('literal and decomposed agree to 1e-6 on random architectures', () => {
    const rng = new SeededRng(2);
    const archs = Array.from({ length: 40 }, () => Array.from({ length: 28 }, () => DARTS_OPS[rng.int(DARTS_OPS.length)] as string));
    archs.push(new Array<string>(28).fill('none'), new Array<string>(28).fill('skip_connect'), new Array<string>(28).fill('max_pool_3x3'));
    for (const arch of archs) {
      for (const cellsOnly of [false, true]) {
        const lit = literalAngle(layout, w0(), current, arch, cellsOnly);
        const dec = scorer.score(arch, cellsOnly);
        expect(Math.abs(lit.angle - dec.angle)).toBeLessThan(1e-6);
        expect(dec.empty).toBe(lit.empty);
      }
    }
    expect(scorer.score(new Array<string>(28).fill('skip_connect'), true)).toEqual({ angle: 0, empty: true });
  });

  it('builds the vector of A2 (checked against a by-hand concatenation)', () => {
    // Normal cells keep only 5<-0 = sep_conv_3x3 (path [0,5]); reduction cells only 5<-1 = max pool (path [1,5]).
    const arch = new Array<string>(28).fill('none');
    const e50 = dartsEdgeIndex(5, 0);
    const e51 = dartsEdgeIndex(5, 1);
    arch[e50] = 'sep_conv_3x3';
    arch[14 + e51] = 'max_pool_3x3';
    const a: number[] = [];
    const b: number[] = [];
    const push = (name: string) => {
      a.push(...w0()(name));
      b.push(...current(name));
    };
    ['stem/conv', 'cell0/pre0/conv', 'cell0/pre1/conv', 'cell1/pre0/conv', 'cell1/pre1/conv', 'cell2/pre0/conv1', 'cell2/pre0/conv2', 'cell2/pre1/conv', 'classifier/kernel'].forEach(push);
    ['dw1', 'pw1', 'dw2', 'pw2'].forEach((t) => push(`cell0/e${e50}/sep_conv_3x3/${t}`));
    for (const c of [8, 16]) {
      const pool = new Array<number>(c * 9).fill(1 / 9); // cells 1 and 2 have C = 8 and 16
      a.push(...pool);
      b.push(...pool);
    }
    const expected = vectorAngle(a, b).angle;
    expect(literalAngle(layout, w0(), current, arch).angle).toBeCloseTo(expected, 10);
    expect(scorer.score(arch).angle).toBeCloseTo(expected, 10);
  });

  it('the angle metrics score DARTS children, 0 for an unchanged network, without leaks', async () => {
    const ref = referenceArrays(net);
    const ctx = { supernet: net, reference: ref, state: fullState(net.space) };
    const arch = new Array<string>(28).fill('dil_conv_5x5');
    const before = tf.memory().numTensors;
    for (const metric of [ANGLE_METRIC, ANGLE_CELLS_METRIC]) {
      const { scores } = await metric.scoreArchitectures(ctx, [arch]);
      expect(scores[0]).toBeLessThan(1e-6);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
