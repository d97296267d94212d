/** Uniform single-path sampling: frequencies, the state, NB201 liveness, DARTS repair, pins, fixed lists. */
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { FixedSampler } from '../../../electron/engine/sampler/fixedSampler';
import { UniformSampler } from '../../../electron/engine/sampler/uniformSampler';
import { isDartsCellValid } from '../../../electron/engine/space/dartsGenotype';
import { DARTS_SPACE } from '../../../electron/engine/space/dartsSpace';
import { NB201_SPACE, nb201OutputLive } from '../../../electron/engine/space/nb201SearchSpace';
import { dropOps, fullState, stateContains, type SpaceState } from '../../../electron/engine/space/spaceState';
import { expectNear, nasError, tally } from './helpers';

const N = 30_000;

/** NB201 with edge 1<-0 shrunk to three ops and edge 3<-2 to two; the rest full. */
function nb201Shrunk(): SpaceState {
  let state = dropOps(NB201_SPACE, fullState(NB201_SPACE), 0, ['none', 'nor_conv_1x1']);
  state = dropOps(NB201_SPACE, state, 5, ['skip_connect', 'nor_conv_3x3', 'avg_pool_3x3']);
  return { ...state, locked: ['1<-0:avg_pool_3x3'] };
}

describe('uniform sampler', () => {
  it('draws every remaining op of every choice equally often and nothing else', () => {
    const state = nb201Shrunk();
    const sampler = new UniformSampler(NB201_SPACE, new SeededRng(1), { liveOutput: false });
    const archs = Array.from({ length: N }, () => {
      const paths = sampler.next(state);
      expect(paths).toHaveLength(1);
      return paths[0] as readonly string[];
    });
    for (const arch of archs) expect(stateContains(state, arch)).toBe(true);
    state.remaining.forEach((ops, c) => expectNear(tally(archs.map((a) => a[c] as string)), ops, N / ops.length, 0.05));
    // Choices are independent: each pair of ops on edges 0 and 5 is drawn about N / 6 times.
    expectNear(tally(archs.map((a) => `${a[0]}/${a[5]}`)), state.remaining[0]!.flatMap((x) => state.remaining[5]!.map((y) => `${x}/${y}`)), N / 6, 0.08);
  });

  it('resamples NB201 cells until the output is live (default on for NB201)', () => {
    // Only none or a conv everywhere: about half of uniform draws are dead.
    let state = fullState(NB201_SPACE);
    for (let c = 0; c < 6; c++) state = dropOps(NB201_SPACE, state, c, ['skip_connect', 'nor_conv_1x1', 'avg_pool_3x3']);
    const sampler = new UniformSampler(NB201_SPACE, new SeededRng(2));
    const archs = Array.from({ length: 3000 }, () => sampler.next(state)[0] as readonly string[]);
    for (const arch of archs) {
      expect(nb201OutputLive(arch)).toBe(true);
      expect(stateContains(state, arch)).toBe(true);
    }
    expect(new Set(archs.map((a) => a.join())).size).toBeGreaterThan(30);
    const off = new UniformSampler(NB201_SPACE, new SeededRng(2), { liveOutput: false });
    expect(Array.from({ length: 300 }, () => off.next(state)[0] as readonly string[]).some((a) => !nb201OutputLive(a))).toBe(true);
  });

  it('fails clearly when the state has no live NB201 cell, or the cap is hit', () => {
    let state = fullState(NB201_SPACE);
    for (const c of [3, 4, 5]) state = dropOps(NB201_SPACE, state, c, NB201_SPACE.choices[c]!.ops.slice(1));
    const e = nasError(() => new UniformSampler(NB201_SPACE, new SeededRng(3)).next(state));
    expect(e.message).toMatch(/no live cell output|No architecture .* live cell output/i);
    // Possible: only 1<-0 -> 3<-1 can carry signal, so about a third of draws are dead; with maxTries 1 one soon fails.
    let rare = fullState(NB201_SPACE);
    for (const c of [3, 5]) rare = dropOps(NB201_SPACE, rare, c, NB201_SPACE.choices[c]!.ops.slice(1));
    const capped = new UniformSampler(NB201_SPACE, new SeededRng(4), { maxTries: 1 });
    expect(nasError(() => Array.from({ length: 50 }, () => capped.next(rare))).message).toMatch(/No valid path of nb201 found in 1 draws/);
  });

  it('applies ABS check_cand to DARTS paths (default on)', () => {
    const sampler = new UniformSampler(DARTS_SPACE, new SeededRng(5));
    for (let i = 0; i < 500; i++) expect(isDartsCellValid(sampler.next(fullState(DARTS_SPACE))[0] as readonly string[])).toBe(true);
    const raw = new UniformSampler(DARTS_SPACE, new SeededRng(5), { dartsRepair: false });
    expect(Array.from({ length: 50 }, () => raw.next(fullState(DARTS_SPACE))[0] as readonly string[]).some((a) => !isDartsCellValid(a))).toBe(true);
  });

  it('keeps a pinned operator and rejects pins outside the state', () => {
    const state = nb201Shrunk();
    const sampler = new UniformSampler(NB201_SPACE, new SeededRng(6));
    for (let i = 0; i < 200; i++) expect(sampler.next(state, { choiceIndex: 4, op: 'none' })[0]?.[4]).toBe('none');
    expect(nasError(() => sampler.next(state, { choiceIndex: 0, op: 'none' })).message).toMatch(/'none' is not in the space at 1<-0/);
    expect(nasError(() => sampler.next(state, { choiceIndex: 9, op: 'none' })).message).toMatch(/outside nb201/);
    expect(nasError(() => sampler.next({ ...state, remaining: state.remaining.slice(1) })).message).toMatch(/5 choice points/);
  });
});

describe('fixed sampler', () => {
  const a = '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|';
  const b = '|avg_pool_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';

  it('cycles through its architectures', () => {
    const sampler = new FixedSampler(NB201_SPACE, new SeededRng(0), [a, NB201_SPACE.parse(b)]);
    const seq = Array.from({ length: 5 }, () => NB201_SPACE.format(sampler.next(fullState(NB201_SPACE))[0] as readonly string[]));
    expect(seq).toEqual([a, b, a, b, a]);
  });

  it('refuses architectures outside the shrunk space, unknown strings and empty lists', () => {
    const sampler = new FixedSampler(NB201_SPACE, new SeededRng(0), [a]);
    const state = dropOps(NB201_SPACE, fullState(NB201_SPACE), 5, ['nor_conv_1x1']);
    expect(nasError(() => sampler.next(state)).message).toMatch(/'nor_conv_1x1' at 3<-2, which is no longer in the space/);
    expect(nasError(() => sampler.next(fullState(NB201_SPACE), { choiceIndex: 0, op: 'none' })).message).toMatch(/does not contain 'none'/);
    expect(nasError(() => new FixedSampler(NB201_SPACE, new SeededRng(0), ['|x~0|'])).message).toMatch(/NB201 architecture/);
    expect(nasError(() => new FixedSampler(NB201_SPACE, new SeededRng(0), [])).message).toMatch(/at least one/);
  });
});
