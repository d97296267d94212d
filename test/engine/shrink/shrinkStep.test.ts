import { describe, expect, it } from 'vitest';
import { shrinkStep } from '../../../electron/engine/shrink/shrinkPolicy';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { operatorKey } from '../../../electron/engine/space/searchSpace';
import { fullState, stateSize } from '../../../electron/engine/space/spaceState';
import type { SpaceState } from '../../../electron/engine/space/spaceState';

const OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];
const EDGES = NB201_SPACE.choices.map((c) => c.id);

/** score = 10 * edge + op index: edge 0's ops are the lowest, none the lowest of each edge. */
function scores(): Map<string, number> {
  const m = new Map<string, number>();
  EDGES.forEach((edge, e) => OPS.forEach((op, k) => m.set(operatorKey(edge, op), 10 * e + k)));
  return m;
}

describe('ABS shrink step', () => {
  it('NB201: drops 20 of 30 globally, lowest first, keeping one op per edge', () => {
    const d = shrinkStep(NB201_SPACE, fullState(NB201_SPACE), scores(), { kind: 'global', count: 20 });
    expect(d.dropped).toHaveLength(20);
    expect(d.sizeBefore).toBe(15625);
    // Edge 0 (scores 0..4) can lose only 4; then edges 1..4 lose 4 each (scores 10..13, ...).
    expect(d.state.remaining[0]).toEqual(['avg_pool_3x3']);
    expect(d.state.remaining.slice(1, 5)).toEqual([['avg_pool_3x3'], ['avg_pool_3x3'], ['avg_pool_3x3'], ['avg_pool_3x3']]);
    expect(d.state.remaining[5]).toEqual(OPS);
    expect(d.sizeAfter).toBe(5);
    expect(stateSize(d.state)).toBe(5);
    expect(d.dropped.every((x) => x.reason === 'score')).toBe(true);
    expect(d.dropped[0]).toEqual({ key: '1<-0:none', choiceId: '1<-0', op: 'none', score: 0, reason: 'score' });
  });

  it('never drops a locked operator; the next lowest goes instead', () => {
    const state: SpaceState = { ...fullState(NB201_SPACE), locked: ['1<-0:none'] };
    const d = shrinkStep(NB201_SPACE, state, scores(), { kind: 'global', count: 3 });
    expect(d.dropped.map((x) => x.key)).toEqual(['1<-0:skip_connect', '1<-0:nor_conv_1x1', '1<-0:nor_conv_3x3']);
    expect(d.keptLocked).toEqual(['1<-0:none']);
    expect(d.state.remaining[0]).toEqual(['none', 'avg_pool_3x3']);
    expect(d.state.locked).toEqual(['1<-0:none']);
  });

  it('drops force-dropped operators whatever their score, within the quota, then clears the request', () => {
    const state: SpaceState = { ...fullState(NB201_SPACE), forceDropped: ['3<-2:avg_pool_3x3'] };
    const d = shrinkStep(NB201_SPACE, state, scores(), { kind: 'global', count: 2 });
    expect(d.dropped).toEqual([
      { key: '3<-2:avg_pool_3x3', choiceId: '3<-2', op: 'avg_pool_3x3', score: 54, reason: 'user' },
      { key: '1<-0:none', choiceId: '1<-0', op: 'none', score: 0, reason: 'score' },
    ]);
    expect(d.state.forceDropped).toEqual([]);
  });

  it('refuses to force-drop the last op of an edge', () => {
    let state = fullState(NB201_SPACE);
    state = { ...state, remaining: state.remaining.map((ops, c) => (c === 0 ? ['skip_connect'] : ops)), forceDropped: ['1<-0:skip_connect'] };
    expect(() => shrinkStep(NB201_SPACE, state, scores(), { kind: 'global', count: 1 })).toThrow(/last op of 1<-0/);
  });

  it('per-choice: drops the lowest unlocked op of every edge with more than one', () => {
    const state: SpaceState = { ...fullState(NB201_SPACE), locked: ['2<-0:none'] };
    const d = shrinkStep(NB201_SPACE, state, scores(), { kind: 'per-choice' });
    expect(d.dropped.map((x) => x.key)).toEqual(['1<-0:none', '2<-0:skip_connect', '2<-1:none', '3<-0:none', '3<-1:none', '3<-2:none']);
    expect(d.sizeAfter).toBe(4 ** 6);
  });
});
