/** FairNAS strict fairness: every remaining op of every choice once per step. */
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { FairnasSampler } from '../../../electron/engine/sampler/fairnasSampler';
import { createSearchSpace } from '../../../electron/engine/space/registry';
import { dropOps, fullState } from '../../../electron/engine/space/spaceState';
import { nasError, tally } from './helpers';

const fair = createSearchSpace({ kind: 'mobilenet', preset: 'fairnas' });
const abs = createSearchSpace({ kind: 'mobilenet', preset: 'abs' });

describe('fairnas sampler', () => {
  it('returns m paths in which every op of every layer appears exactly once', () => {
    // FairNAS shrinking drops one op per layer: 4 ops left in every layer.
    let state = fullState(fair);
    const rng = new SeededRng(8);
    fair.choices.forEach((layer, i) => (state = dropOps(fair, state, i, rng.shuffle([...layer.ops]).slice(0, 2))));
    const sampler = new FairnasSampler(fair, new SeededRng(1));
    const orders = new Set<string>();
    for (let step = 0; step < 200; step++) {
      const paths = sampler.next(state);
      expect(paths).toHaveLength(4);
      state.remaining.forEach((ops, c) => {
        expect(paths.map((p) => p[c]).sort()).toEqual([...ops].sort());
      });
      orders.add(paths.map((p) => p[0]).join());
    }
    // The permutation is random: all 24 orders of layer 0's ops show up.
    expect(orders.size).toBe(24);
  });

  it('uses m = the largest op count and cycles shorter lists with fresh permutations', () => {
    // ABS SPOS layers: 6 ops in first-of-stage layers, 7 (with identity) elsewhere; one layer cut to 3.
    const state = dropOps(abs, fullState(abs), 2, ['mb_k3_e3', 'mb_k5_e3', 'mb_k7_e3', 'identity']);
    const sampler = new FairnasSampler(abs, new SeededRng(2));
    for (let step = 0; step < 100; step++) {
      const paths = sampler.next(state);
      expect(paths).toHaveLength(7);
      state.remaining.forEach((ops, c) => {
        const counts = tally(paths.map((p) => p[c] as string));
        expect([...counts.keys()].sort()).toEqual([...ops].sort());
        for (const n of counts.values()) {
          expect(n).toBeGreaterThanOrEqual(Math.floor(7 / ops.length));
          expect(n).toBeLessThanOrEqual(Math.ceil(7 / ops.length));
        }
      });
    }
  });

  it('cannot pin an operator', () => {
    expect(nasError(() => new FairnasSampler(fair, new SeededRng(0)).next(fullState(fair), { choiceIndex: 0, op: 'mb_k3_e3' })).message).toMatch(/cannot pin/);
  });
});
