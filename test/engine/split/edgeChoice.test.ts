import { describe, expect, it } from 'vitest';
import { bootstrapCertainty, chooseEdge, defaultEdgeRule, splitCertainty, type EdgeCandidate } from '../../../electron/engine/split/edgeChoice';
import { SeededRng } from '../../../electron/engine/random/seededRng';

const OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];

/** 5 x 5 matrix with `near` inside {0,1} and {2,3,4} (`nearB` for the triple) and `far` across. */
function blocks(near: number, nearB: number, far: number): number[][] {
  return Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (__, j) => {
    if (i === j) return 0;
    const a = i < 2 ? 0 : 1;
    const b = j < 2 ? 0 : 1;
    return a !== b ? far : a === 0 ? near : nearB;
  }));
}

/** R noisy copies of `d` (symmetric noise in [-amp, amp]) plus their mean. */
function repeats(d: number[][], r: number, amp: number, rng: SeededRng): { distance: number[][]; perRepeat: number[][][] } {
  const perRepeat = Array.from({ length: r }, () => {
    const m = d.map((row) => [...row]);
    for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) (m[i] as number[])[j] = (m[j] as number[])[i] = ((d[i] as number[])[j] as number) + (rng.next() * 2 - 1) * amp;
    return m;
  });
  const distance = d.map((row, i) => row.map((_, j) => perRepeat.reduce((s, m) => s + ((m[i] as number[])[j] as number), 0) / r));
  return { distance, perRepeat };
}

// Edge 0: clear groups, within 0.1 + 3*0.2 = 0.7, total 0.7 + 6*1.5 = 9.7, cross 9.0.
// Edge 1: all 0.5: within (2+3 split) 4*0.5 = 2.0, cross 6*0.5 = 3.0.
// Edge 2: all 0.05: within 0.2, cross 0.3.
const hand: EdgeCandidate[] = [
  { choiceIndex: 0, ops: OPS, distance: blocks(0.1, 0.2, 1.5) },
  { choiceIndex: 1, ops: OPS, distance: blocks(0.5, 0.5, 0.5) },
  { choiceIndex: 2, ops: OPS, distance: blocks(0.05, 0.05, 0.05) },
];

describe('chooseEdge', () => {
  it('NB201 max-cross picks the edge whose groups disagree most', () => {
    const d = chooseEdge(hand, { rule: 'max-cross' });
    expect(d.choiceIndex).toBe(0);
    expect(d.groups).toEqual([['none', 'skip_connect'], ['nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']]);
    expect(d.scores.map((s) => s.cross)).toEqual([expect.closeTo(9.0, 10), expect.closeTo(3.0, 10), expect.closeTo(0.3, 10)]);
    expect(d.edgeMargin).toBeCloseTo(6.0, 10);
  });

  it('DARTS/Proxyless min-within picks the edge with the tightest groups', () => {
    const d = chooseEdge(hand, { rule: 'min-within' });
    expect(d.choiceIndex).toBe(2);
    expect(d.scores.map((s) => s.within)).toEqual([expect.closeTo(0.7, 10), expect.closeTo(2.0, 10), expect.closeTo(0.2, 10)]);
    expect(d.edgeMargin).toBeCloseTo(0.5, 10);
    expect(defaultEdgeRule('nb201')).toBe('max-cross');
    expect(defaultEdgeRule('darts')).toBe('min-within');
    expect(defaultEdgeRule('mobilenet')).toBe('min-within');
  });

  it('random is seeded, predefined takes the given edge', () => {
    const a = chooseEdge(hand, { rule: 'random', seed: 7 });
    expect(chooseEdge(hand, { rule: 'random', seed: 7 }).choiceIndex).toBe(a.choiceIndex);
    expect(a.edgeMargin).toBeNull();
    const picks = new Set(Array.from({ length: 30 }, (_, s) => chooseEdge(hand, { rule: 'random', seed: s }).choiceIndex));
    expect(picks.size).toBe(3);
    expect(chooseEdge(hand, { rule: 'predefined', predefined: 1 }).choiceIndex).toBe(1);
    expect(() => chooseEdge(hand, { rule: 'predefined', predefined: 5 })).toThrow(/not among/);
    expect(() => chooseEdge([], { rule: 'max-cross' })).toThrow(/No edge/);
  });
});

describe('bootstrapCertainty', () => {
  it('gives frequency 1.0 for a clear structure', () => {
    const rng = new SeededRng(1);
    const cands: EdgeCandidate[] = hand.map((c) => ({ ...c, ...repeats(c.distance as number[][], 10, 0.02, rng) }));
    const d = chooseEdge(cands, { rule: 'max-cross' });
    const b = bootstrapCertainty(cands, d, { samples: 100, seed: 2 });
    expect(b).toEqual({ samples: 100, partitionFrequency: 1, edgeFrequency: 1, jointFrequency: 1 });
    const cert = splitCertainty(d, b);
    expect(cert.partitionMargin).toBeGreaterThan(2);
    expect(cert.edgeMargin).toBeGreaterThan(5);
  });

  it('gives a low frequency for pure noise', () => {
    // One noisy data set can favour a partition by chance, so judge the mean over five.
    const flat = blocks(1, 1, 1);
    const runs = [0, 1, 2, 3, 4].map((seed) => {
      const rng = new SeededRng(100 + seed);
      const cands: EdgeCandidate[] = [0, 1, 2, 3, 4, 5].map((c) => ({ choiceIndex: c, ops: OPS, ...repeats(flat, 8, 0.9, rng) }));
      const d = chooseEdge(cands, { rule: 'max-cross' });
      const b = bootstrapCertainty(cands, d, { samples: 100, seed });
      expect(b.jointFrequency as number).toBeLessThanOrEqual(Math.min(b.partitionFrequency, b.edgeFrequency as number));
      expect(bootstrapCertainty(cands, d, { samples: 100, seed })).toEqual(b); // seeded
      return b;
    });
    const mean = (f: (b: (typeof runs)[number]) => number): number => runs.reduce((s, b) => s + f(b), 0) / runs.length;
    // Measured: edge 0.25-0.43, joint about 0.3. The chosen edge's own partition is steadier
    // (0.45-0.91): the max-cross rule picks the edge whose noise happened to give the most
    // extreme partition (a winner's curse), which is why the joint frequency is the one to show.
    expect(mean((b) => b.edgeFrequency as number)).toBeLessThan(0.6);
    expect(mean((b) => b.jointFrequency as number)).toBeLessThan(0.5);
    expect(mean((b) => b.partitionFrequency)).toBeLessThan(0.9);
  });

  it('reports no edge frequency for a predefined edge and needs per-repeat matrices', () => {
    const rng = new SeededRng(6);
    const cands: EdgeCandidate[] = hand.map((c) => ({ ...c, ...repeats(c.distance as number[][], 5, 0.02, rng) }));
    const d = chooseEdge(cands, { rule: 'predefined', predefined: 0 });
    const b = bootstrapCertainty(cands, d, { samples: 20 });
    expect(b.partitionFrequency).toBe(1);
    expect(b.edgeFrequency).toBeNull();
    expect(() => bootstrapCertainty(hand, d)).toThrow(/per-repeat/);
  });
});
