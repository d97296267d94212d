/** DARTS cell space: edges, canonical string, errors, counts, genotype derivation, check_cand repair. */
import { describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import { DARTS_OPS, DARTS_S5_OPS, dartsOp, registerDartsOp } from '../../../electron/engine/space/dartsOps';
import { DARTS_S5_SPACE, DARTS_SPACE, dartsEdgeIndex, type DartsChoice } from '../../../electron/engine/space/dartsSpace';
import { type EdgeScores, alphaToEdgeScores, dartsGenotype, formatDartsGenotype, genotypeArchitecture, isDartsCellValid, repairDartsCandidate } from '../../../electron/engine/space/dartsGenotype';
import { dropOps, fullState, stateSizeBig, type SpaceState } from '../../../electron/engine/space/spaceState';
import { SeededRng } from '../../../electron/engine/random/seededRng';

function nasError(fn: () => unknown): NasError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NasError);
    expect((error as NasError).code).toBe('INVALID_CONFIG');
    return error as NasError;
  }
  throw new Error('expected a NasError');
}

const randomArch = (rng: SeededRng, ops: readonly string[]): string[] => Array.from({ length: 28 }, () => rng.pick(ops));

describe('DARTS space', () => {
  it('registers the 8 DARTS ops once, and the s5 variant drops none', () => {
    expect(DARTS_OPS).toEqual(['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']);
    expect(DARTS_S5_OPS).toHaveLength(7);
    expect(DARTS_S5_OPS).not.toContain('none');
    expect(dartsOp('dil_conv_5x5')).toMatchObject({ kernel: 5, dilation: 2, hasWeights: true });
    expect(() => registerDartsOp({ name: 'none', kind: 'zero', kernel: 0, dilation: 1, hasWeights: false })).toThrow(/already registered/);
  });

  it('orders edges k->j at k + sum_{t=2}^{j-1} t, normal cell first', () => {
    const ids = DARTS_SPACE.choices.map((c) => c.id);
    expect(ids).toHaveLength(28);
    expect(ids.slice(0, 5)).toEqual(['normal:2<-0', 'normal:2<-1', 'normal:3<-0', 'normal:3<-1', 'normal:3<-2']);
    expect(ids[13]).toBe('normal:5<-4');
    expect(ids[14]).toBe('reduce:2<-0');
    expect(ids[27]).toBe('reduce:5<-4');
    for (const c of DARTS_SPACE.choices as readonly DartsChoice[]) {
      let sum = 0;
      for (let t = 2; t <= c.to - 1; t++) sum += t;
      expect(dartsEdgeIndex(c.to, c.from)).toBe(c.from + sum);
      expect(c.edgeIndex).toBe(c.from + sum);
    }
    expect(() => dartsEdgeIndex(2, 2)).toThrow(RangeError);
  });

  it('counts 8^14 architectures per cell type (7^14 for s5)', () => {
    const state = fullState(DARTS_SPACE);
    expect(stateSizeBig({ ...state, remaining: state.remaining.slice(0, 14) })).toBe(8n ** 14n);
    expect(stateSizeBig({ ...state, remaining: state.remaining.slice(14) })).toBe(8n ** 14n);
    expect(stateSizeBig(state)).toBe(8n ** 28n);
    expect(stateSizeBig(fullState(DARTS_S5_SPACE))).toBe(7n ** 28n);
  });

  it('writes the documented canonical string and round-trips random architectures', () => {
    const arch = [...Array<string>(14).fill('sep_conv_3x3'), ...Array<string>(14).fill('max_pool_3x3')];
    arch[0] = 'none';
    const text = DARTS_SPACE.format(arch);
    expect(text.startsWith('normal=|none~0|sep_conv_3x3~1|+|sep_conv_3x3~0|sep_conv_3x3~1|sep_conv_3x3~2|+')).toBe(true);
    expect(text).toContain(';reduce=|max_pool_3x3~0|max_pool_3x3~1|+');
    expect(text.endsWith('|max_pool_3x3~4|')).toBe(true);
    const rng = new SeededRng(7);
    for (let i = 0; i < 300; i++) {
      const a = randomArch(rng, DARTS_OPS);
      expect(DARTS_SPACE.parse(DARTS_SPACE.format(a))).toEqual(a);
      const b = randomArch(rng, DARTS_S5_OPS);
      expect(DARTS_S5_SPACE.parse(DARTS_S5_SPACE.format(b))).toEqual(b);
    }
  });

  it('rejects unknown ops (naming the edge), wrong edge counts and malformed strings', () => {
    const good = DARTS_SPACE.format(Array<string>(28).fill('skip_connect'));
    const bad = good.replace('skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|+|skip_connect~0', 'skip_connect~1|+|skip_connect~0|conv~1|skip_connect~2|+|skip_connect~0');
    const e = nasError(() => DARTS_SPACE.parse(bad));
    expect(e.message).toMatch(/'conv' at normal:3<-1/);
    expect(e.fix).toMatch(/none, max_pool_3x3, .*dil_conv_5x5/);
    expect(nasError(() => DARTS_S5_SPACE.format(Array<string>(28).fill('none'))).message).toMatch(/'none' at normal:2<-0 of darts-s5/);
    expect(nasError(() => DARTS_SPACE.format(Array<string>(14).fill('none'))).message).toMatch(/28 choices, got 14/);
    expect(nasError(() => DARTS_SPACE.parse(good.split(';')[0] as string)).message).toMatch(/two cells joined by ';'/);
    expect(nasError(() => DARTS_SPACE.parse(good.replace('reduce=', 'reduction='))).message).toMatch(/must start with 'reduce='/);
    expect(nasError(() => DARTS_SPACE.parse(good.replace('|skip_connect~0|skip_connect~1|+', '|skip_connect~0|+'))).message).toMatch(/node 2 needs 2 inputs/);
    expect(nasError(() => DARTS_SPACE.parse(good.replace('skip_connect~1', 'skip_connect~2'))).message).toMatch(/must read 'op~1'/);
    expect(nasError(() => DARTS_SPACE.parse('normal=|x~0|;reduce=|x~0|')).message).toMatch(/4 nodes/);
  });
});

describe('DARTS genotype', () => {
  it('keeps the two strongest non-none inputs per node from a hand-made score table', () => {
    // Node 2: edge 0 best non-none is sep_conv_3x3 (0.5), edge 1 is skip (0.3): both kept, none's
    // 0.9 ignored. Node 3: edges 0,1,2 strengths 0.2 / 0.6 / 0.4 -> keep 1 and 2.
    // Node 4: strengths 0.1, 0.1, 0.7, 0.1 -> 2, then the tie goes to the lower source 0.
    // Node 5: 0.3, 0.2, 0.25, 0.8, 0.31 -> 3 and 4.
    const cell: EdgeScores[] = [
      { none: 0.9, sep_conv_3x3: 0.5, max_pool_3x3: 0.1 },
      { skip_connect: 0.3, avg_pool_3x3: 0.2 },
      { dil_conv_3x3: 0.2 },
      { sep_conv_5x5: 0.6, none: 0.7 },
      { avg_pool_3x3: 0.4 },
      { skip_connect: 0.1 },
      { max_pool_3x3: 0.1 },
      { dil_conv_5x5: 0.7, sep_conv_3x3: 0.69 },
      { sep_conv_3x3: 0.1 },
      { max_pool_3x3: 0.3 },
      { skip_connect: 0.2 },
      { avg_pool_3x3: 0.25 },
      { sep_conv_5x5: 0.8 },
      { dil_conv_3x3: 0.31, none: 5 },
    ];
    const reduce = Array.from({ length: 14 }, () => ({ max_pool_3x3: 0.5, sep_conv_3x3: 0.5 }));
    const g = dartsGenotype([...cell, ...reduce]);
    expect(g.normal).toEqual([
      [{ op: 'sep_conv_3x3', from: 0 }, { op: 'skip_connect', from: 1 }],
      [{ op: 'sep_conv_5x5', from: 1 }, { op: 'avg_pool_3x3', from: 2 }],
      [{ op: 'dil_conv_5x5', from: 2 }, { op: 'skip_connect', from: 0 }],
      [{ op: 'sep_conv_5x5', from: 3 }, { op: 'dil_conv_3x3', from: 4 }],
    ]);
    // Equal op scores: the earlier op in DARTS order (max_pool_3x3); equal edges: sources 0 and 1.
    for (const node of g.reduce) expect(node).toEqual([{ op: 'max_pool_3x3', from: 0 }, { op: 'max_pool_3x3', from: 1 }]);
    const arch = genotypeArchitecture(g);
    expect(arch.slice(0, 14)).toEqual(['sep_conv_3x3', 'skip_connect', 'none', 'sep_conv_5x5', 'avg_pool_3x3', 'skip_connect', 'none', 'dil_conv_5x5', 'none', 'none', 'none', 'none', 'sep_conv_5x5', 'dil_conv_3x3']);
    expect(isDartsCellValid(arch)).toBe(true);
    expect(DARTS_SPACE.parse(formatDartsGenotype(g))).toEqual(arch);
  });

  it('reads alpha rows aligned with the space ops, and architectures as one-hot scores', () => {
    const alpha = DARTS_SPACE.choices.map((c) => c.ops.map((op) => (op === 'dil_conv_3x3' ? 2 : op === 'none' ? 9 : 1)));
    const g = dartsGenotype(alphaToEdgeScores(DARTS_SPACE, alpha));
    expect(g.normal[3]).toEqual([{ op: 'dil_conv_3x3', from: 0 }, { op: 'dil_conv_3x3', from: 1 }]);
    const arch = genotypeArchitecture(g);
    expect(genotypeArchitecture(dartsGenotype(arch))).toEqual(arch);
  });

  it('rejects bad scores clearly', () => {
    expect(nasError(() => dartsGenotype(Array.from({ length: 14 }, () => ({ none: 1 })))).message).toMatch(/28 edges/);
    const scores = Array.from({ length: 28 }, () => ({ sep_conv_3x3: 1 }) as Record<string, number>);
    expect(nasError(() => dartsGenotype([{ conv: 1 }, ...scores.slice(1)])).message).toMatch(/'conv' in the scores of normal:2<-0/);
    expect(nasError(() => dartsGenotype([{ none: NaN }, ...scores.slice(1)])).message).toMatch(/not a finite number/);
    expect(nasError(() => dartsGenotype([{ none: 1 }, ...scores.slice(1)])).message).toMatch(/Node 2 of the normal cell has 1 input/);
  });
});

describe('repairDartsCandidate (ABS check_cand)', () => {
  const full = fullState(DARTS_SPACE);

  it('turns extra inputs into none, even where none was dropped', () => {
    let state: SpaceState = full;
    for (let c = 0; c < 28; c++) state = dropOps(DARTS_SPACE, state, c, ['none']);
    const arch = Array<string>(28).fill('sep_conv_3x3');
    const rng = new SeededRng(3);
    for (let trial = 0; trial < 20; trial++) {
      const fixed = repairDartsCandidate(arch, state, rng);
      expect(isDartsCellValid(fixed)).toBe(true);
      // Only conversions to none: kept inputs keep their op.
      fixed.forEach((op, i) => expect(op === 'none' || op === arch[i]).toBe(true));
      expect(fixed.filter((op) => op === 'none')).toHaveLength(2 * (0 + 1 + 2 + 3));
    }
    expect(arch.every((op) => op === 'sep_conv_3x3')).toBe(true);
  });

  it('fills missing inputs with a random remaining non-none op of that edge', () => {
    // Edge normal:2<-1 may only be dil_conv_5x5 or none; everything starts as none.
    let state = dropOps(DARTS_SPACE, full, 1, DARTS_OPS.filter((op) => op !== 'dil_conv_5x5' && op !== 'none'));
    state = dropOps(DARTS_SPACE, state, 0, ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']);
    const rng = new SeededRng(11);
    const seen = new Set<string>();
    for (let trial = 0; trial < 50; trial++) {
      const fixed = repairDartsCandidate(Array<string>(28).fill('none'), state, rng);
      expect(isDartsCellValid(fixed)).toBe(true);
      expect(fixed[0]).toBe('sep_conv_3x3');
      expect(fixed[1]).toBe('dil_conv_5x5');
      fixed.forEach((op, i) => expect(state.remaining[i]).toContain(op));
      seen.add(fixed[5] as string);
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  it('leaves a valid cell alone and keeps none where no other op remains', () => {
    const arch = genotypeArchitecture(dartsGenotype(Array.from({ length: 28 }, () => ({ skip_connect: 1 }))));
    expect(repairDartsCandidate(arch, full, new SeededRng(1))).toEqual(arch);
    const onlyNone = dropOps(DARTS_SPACE, full, 0, DARTS_OPS.slice(1));
    const fixed = repairDartsCandidate(Array<string>(28).fill('none'), onlyNone, new SeededRng(2));
    expect(fixed[0]).toBe('none');
    expect(fixed[1]).not.toBe('none');
    expect(() => repairDartsCandidate(arch.slice(0, 13), full, new SeededRng(1))).toThrow(/14 edges per cell/);
  });
});
