import { describe, expect, it } from 'vitest';
import { correlateWithTruth, FITNESS, savedArchitectures } from '../../../renderer/src/lib/truthCorrelation';

const arch = (k: number): string => `|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|arch${k}~2|`;

describe('ranking saved architectures against a ground-truth table', () => {
  it("reads ABS's best and GM's leaf candidates, merging an architecture's scores", () => {
    const abs = savedArchitectures({ best: [{ architecture: arch(1), fitness: 0.7, metrics: { angle: 0.2, 'angle-cells': Number.NaN } }, { architecture: 7 }] });
    expect(abs).toEqual([{ architecture: arch(1), scores: { fitness: 0.7, angle: 0.2 } }]);
    const gm = savedArchitectures({
      nodes: [{ id: 3, candidates: [{ architecture: arch(1), fitness: 0.5 }] }, { id: 4, candidates: [{ architecture: arch(2), fitness: 0.4 }] }],
      leafCandidates: [{ node: 3, architecture: arch(1), fitness: 0.5, metrics: { angle: 0.9 } }],
    });
    expect(gm).toEqual([
      { architecture: arch(1), scores: { fitness: 0.5, angle: 0.9 } },
      { architecture: arch(2), scores: { fitness: 0.4 } },
    ]);
    expect(savedArchitectures(null)).toEqual([]);
  });

  it('gives Kendall tau and Spearman rho over the architectures in both, computed by hand', () => {
    // Scores 1..4 against truth 10, 30, 20, 40: 5 concordant pairs and 1 discordant, tau = 4/6;
    // ranks (1,2,3,4) vs (1,3,2,4): sum d^2 = 2, rho = 1 - 6*2 / (4*15) = 0.8.
    const saved = [1, 2, 3, 4, 5].map((k) => ({ architecture: arch(k), scores: { [FITNESS]: k, ...(k <= 2 ? { angle: -k } : {}) } }));
    const truth = new Map([
      [arch(1), 10],
      [arch(2), 30],
      [arch(3), 20],
      [arch(4), 40],
    ]);
    const [fitness, angle] = correlateWithTruth(saved, truth);
    expect(fitness!.metric).toBe('fitness');
    expect(fitness!.points).toHaveLength(4); // arch 5 is not in the table
    expect(fitness!.kendallTau).toBeCloseTo(4 / 6, 12);
    expect(fitness!.spearmanRho).toBeCloseTo(0.8, 12);
    // Two points only: drawn, not ranked.
    expect(angle).toMatchObject({ metric: 'angle', kendallTau: null, spearmanRho: null });
    expect(angle!.points).toEqual([
      { architecture: arch(1), score: -1, truth: 10 },
      { architecture: arch(2), score: -2, truth: 30 },
    ]);
  });

  it('says undefined (null) for constant scores', () => {
    const saved = [1, 2, 3].map((k) => ({ architecture: arch(k), scores: { [FITNESS]: 0.5 } }));
    const [row] = correlateWithTruth(saved, new Map([1, 2, 3].map((k) => [arch(k), k])));
    expect(row).toMatchObject({ kendallTau: null, spearmanRho: null });
    expect(row!.points).toHaveLength(3);
  });
});
