import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { createSampler } from '../../../electron/engine/sampler/registry';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { operatorKey, type Architecture } from '../../../electron/engine/space/searchSpace';
import { enumerateState, fullState, restrictChoice, stateContains, type SpaceState } from '../../../electron/engine/space/spaceState';
import type { Supernet } from '../../../electron/engine/supernet/supernet';
import type { ArchitectureMetric } from '../../../electron/engine/metrics/metric';
import { meanOperatorScores, sampleOperatorPools, scoreOperators } from '../../../electron/engine/metrics/operatorScores';

/** A state keeping `ops[c]` on choice c. */
function restricted(ops: string[][]): SpaceState {
  let state = fullState(NB201_SPACE);
  ops.forEach((keep, c) => (state = restrictChoice(NB201_SPACE, state, c, keep)));
  return state;
}

/** An additive score: w(c, op) = (c + 1) * (index of op + 1) / 7. */
const w = (c: number, op: string) => ((c + 1) * (NB201_SPACE.choices[c]!.ops.indexOf(op) + 1)) / 7;
const additive = (arch: Architecture) => arch.reduce((s, op, c) => s + w(c, op), 0);

const fakeMetric: ArchitectureMetric = {
  name: 'fake',
  description: 'additive test metric',
  largerIsBetter: true,
  scoreArchitectures: async (_ctx, archs) => ({ scores: archs.map(additive) }),
};
const stubNet = { space: NB201_SPACE } as unknown as Supernet;

describe('exhaustive operator scores', () => {
  const keep = [
    ['none', 'nor_conv_3x3'],
    ['skip_connect', 'avg_pool_3x3', 'nor_conv_1x1'],
    ['nor_conv_3x3'],
    ['none', 'skip_connect'],
    ['avg_pool_3x3', 'nor_conv_1x1'],
    ['nor_conv_3x3', 'none'],
  ];
  const state = restricted(keep);

  it('are the mean over every architecture containing the op (closed form for an additive score)', () => {
    const archs = [...enumerateState(state)];
    expect(archs).toHaveLength(2 * 3 * 1 * 2 * 2 * 2);
    const result = meanOperatorScores(NB201_SPACE, state, archs, archs.map(additive));
    // Mean over archs containing (c, o) = w(c, o) + sum over other choices of their mean weight.
    const meanW = keep.map((ops, c) => ops.reduce((s, op) => s + w(c, op), 0) / ops.length);
    const total = meanW.reduce((a, b) => a + b, 0);
    expect(Object.keys(result)).toHaveLength(keep.flat().length);
    keep.forEach((ops, c) => {
      for (const op of ops) {
        const score = result[operatorKey(NB201_SPACE.choices[c]!.id, op)]!;
        expect(score.mean).toBeCloseTo(w(c, op) + total - meanW[c]!, 12);
        expect(score.count).toBe(archs.length / ops.length);
      }
    });
  });

  it('scoreOperators enumerates the state when it is small enough', async () => {
    const out = await scoreOperators(fakeMetric, { supernet: stubNet, state });
    expect(out.architectures).toHaveLength(48);
    expect(out.operators[operatorKey('2<-1', 'nor_conv_3x3')]).toEqual({ mean: expect.any(Number), count: 48 });
  });
});

describe('sampled operator pools (ABS A1)', () => {
  it('sample each child once, add it to every pool it fits, cap each pool at sampleNum', () => {
    const state = fullState(NB201_SPACE);
    const sampler = createSampler(NB201_SPACE, 'uniform', new SeededRng(4));
    const { architectures, pools } = sampleOperatorPools(NB201_SPACE, state, sampler, 10);
    const keys = architectures.map((a) => NB201_SPACE.format(a));
    expect(new Set(keys).size).toBe(keys.length);
    expect(pools.size).toBe(30);
    const used = new Set<number>();
    for (const [key, members] of pools) {
      expect(members).toHaveLength(10);
      for (const i of members) {
        used.add(i);
        const arch = architectures[i]!;
        expect(NB201_SPACE.choices.some((ch, c) => operatorKey(ch.id, arch[c]!) === key)).toBe(true);
      }
    }
    expect(used.size).toBe(architectures.length);
    // Sharing children across pools needs far fewer than 30 * 10 children.
    expect(architectures.length).toBeLessThan(300);
  });

  it('stop at every child containing the op when there are fewer than sampleNum', () => {
    // Path 0->1->3 is always live (the uniform sampler insists on a live output).
    const state = restricted([['nor_conv_1x1', 'nor_conv_3x3'], ['none', 'skip_connect'], ['none'], ['none'], ['skip_connect'], ['none']]);
    const sampler = createSampler(NB201_SPACE, 'uniform', new SeededRng(1));
    const { architectures, pools } = sampleOperatorPools(NB201_SPACE, state, sampler, 10);
    expect(architectures).toHaveLength(4);
    architectures.forEach((a) => expect(stateContains(state, a)).toBe(true));
    expect(pools.get(operatorKey('1<-0', 'nor_conv_1x1'))).toHaveLength(2);
    expect(pools.get(operatorKey('3<-2', 'none'))).toHaveLength(4);
  });

  it('scoreOperators in sampled mode averages each pool', async () => {
    const out = await scoreOperators(fakeMetric, { supernet: stubNet, state: fullState(NB201_SPACE) }, { mode: 'sampled', sampleNum: 5, seed: 2 });
    expect(Object.keys(out.operators)).toHaveLength(30);
    const key = operatorKey('3<-0', 'avg_pool_3x3');
    const members = out.architectures.map((a, i) => ({ a, s: out.scores.scores[i]! })).filter(({ a }) => a[3] === 'avg_pool_3x3');
    expect(out.operators[key]!.count).toBe(5);
    expect(members.length).toBeGreaterThanOrEqual(5);
  });
});
