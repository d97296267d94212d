import { describe, expect, it } from 'vitest';
import { enumeratePartitions, minCutPartition, partitionKey, withinCost, type Partition } from '../../../electron/engine/split/minCutPartition';
import { SeededRng } from '../../../electron/engine/random/seededRng';

function randomSymmetric(n: number, rng: SeededRng): number[][] {
  const d = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) (d[i] as number[])[j] = (d[j] as number[])[i] = rng.next() * 2;
  return d;
}

/** Every labelling 0..k-1 of n ops, canonicalised and deduplicated: the brute-force reference. */
function bruteForce(n: number, k: number, minSize: number): Partition[] {
  const seen = new Map<string, Partition>();
  for (let code = 0; code < k ** n; code++) {
    const groups: number[][] = Array.from({ length: k }, () => []);
    let c = code;
    for (let op = 0; op < n; op++) {
      groups[c % k]?.push(op);
      c = Math.floor(c / k);
    }
    if (groups.some((g) => g.length < minSize)) continue;
    const canon = groups.sort((a, b) => (a[0] as number) - (b[0] as number));
    seen.set(partitionKey(canon), canon);
  }
  return [...seen.values()];
}

describe('minCutPartition', () => {
  it('enumerates every set partition exactly once (Stirling numbers)', () => {
    expect([...enumeratePartitions(5, 2)].length).toBe(15); // S(5,2)
    expect([...enumeratePartitions(6, 3)].length).toBe(90); // S(6,3)
    expect([...enumeratePartitions(5, 2, 2)].length).toBe(10); // NB201: every pair vs the other 3
    expect([...enumeratePartitions(7, 2, 2)].length).toBe(21 + 35); // DARTS: sizes 2 and 3 vs complement
    expect([...enumeratePartitions(6, 3, 2)].length).toBe(15); // 2+2+2
    const keys = [...enumeratePartitions(6, 3)].map(partitionKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('agrees with brute force over all partitions on random symmetric matrices', () => {
    const rng = new SeededRng(3);
    const cases: [number, number, number][] = [[5, 2, 2], [7, 2, 2], [4, 2, 1], [6, 3, 1], [7, 3, 2], [6, 2, 1]];
    for (const [n, k, minSize] of cases) {
      for (let trial = 0; trial < 5; trial++) {
        const d = randomSymmetric(n, rng);
        const all = bruteForce(n, k, minSize).map((p) => ({ p, cost: withinCost(d, p) })).sort((a, b) => a.cost - b.cost);
        const got = minCutPartition(d, { groups: k, minGroupSize: minSize });
        expect(got.count).toBe(all.length);
        expect(got.cost).toBeCloseTo((all[0] as { cost: number }).cost, 12);
        expect(withinCost(d, got.groups)).toBeCloseTo(got.cost, 12);
        expect(got.second?.cost).toBeCloseTo((all[1] as { cost: number }).cost, 12);
        expect(got.margin).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('finds a hand-computed split of 5 ops: {0,1} close, {2,3,4} close', () => {
    // Within {0,1}: 0.1; within {2,3,4}: 0.2 + 0.2 + 0.2; every cross pair 1.5.
    const d = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (__, j) => {
      if (i === j) return 0;
      const a = i < 2 ? 0 : 1;
      const b = j < 2 ? 0 : 1;
      return a !== b ? 1.5 : a === 0 ? 0.1 : 0.2;
    }));
    const r = minCutPartition(d);
    expect(r.groups).toEqual([[0, 1], [2, 3, 4]]);
    expect(r.cost).toBeCloseTo(0.7, 12);
    // Runner-up: a pair from the triple, e.g. {3,4} | {0,1,2}: 0.2 + (0.1 + 1.5 + 1.5) = 3.3
    // (a mixed pair such as {0,2} | {1,3,4} costs 1.5 + 1.5 + 1.5 + 0.2 = 4.7).
    expect(r.second?.groups).toEqual([[0, 1, 2], [3, 4]]); // three tie; the first enumerated wins
    expect(r.second?.cost).toBeCloseTo(3.3, 12);
    expect(r.margin).toBeCloseTo(2.6, 12);
  });

  it('splits a 3-op edge 1 vs 2 and defaults 3-way to any group size', () => {
    const d = [[0, 0.1, 1], [0.1, 0, 1], [1, 1, 0]];
    expect(minCutPartition(d).groups).toEqual([[0, 1], [2]]);
    const six = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (__, j) => (i === j ? 0 : Math.floor(i / 2) === Math.floor(j / 2) ? 0.05 : 1)));
    expect(minCutPartition(six, { groups: 3 }).groups).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it('refuses impossible splits and bad matrices', () => {
    expect(() => minCutPartition([[0]])).toThrow(/Cannot split/);
    expect(() => minCutPartition([[0, 1], [1]])).toThrow(/not square/);
    expect(() => minCutPartition([[0, Number.NaN], [Number.NaN, 0]])).toThrow(/non-finite/);
  });
});
