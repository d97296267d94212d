/** Every registered sampler: seeded determinism, resume, staying inside the space; registry errors. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { createSampler, registerSampler, samplerConfigSchema, samplerNames } from '../../../electron/engine/sampler/registry';
import { UniformSampler } from '../../../electron/engine/sampler/uniformSampler';
import { createSearchSpace } from '../../../electron/engine/space/registry';
import type { SearchSpace } from '../../../electron/engine/space/searchSpace';
import { dropOps, fullState, stateContains, type SpaceState } from '../../../electron/engine/space/spaceState';
import { nasError } from './helpers';

const nb201 = createSearchSpace({ kind: 'nb201' });
const mobile = createSearchSpace({ kind: 'mobilenet', preset: 'small' });
const dartsS5 = createSearchSpace({ kind: 'darts', variant: 's5' });

/** A shrunk state: the first two ops of every choice dropped where 3+ remain. */
function shrunk(space: SearchSpace): SpaceState {
  let state = fullState(space);
  space.choices.forEach((c, i) => {
    if (c.ops.length >= 3) state = dropOps(space, state, i, c.ops.slice(0, 2));
  });
  return state;
}

function configFor(name: string, space: SearchSpace): unknown {
  if (name !== 'fixed') return name;
  const state = shrunk(space);
  return { name, architectures: [0, 1, 2].map((k) => space.format(state.remaining.map((ops) => ops[k % ops.length] as string))) };
}

const cases = samplerNames().flatMap((name) => [nb201, mobile, dartsS5].map((space) => [name, space.name, space] as const));

describe('sampler registry', () => {
  it('registers uniform, fairnas, fixed and spos-depth', () => {
    expect(samplerNames()).toEqual(['uniform', 'fairnas', 'fixed', 'spos-depth']);
    expect(createSampler(nb201, 'uniform', new SeededRng(1))).toBeInstanceOf(UniformSampler);
    expect(samplerConfigSchema.parse({ name: 'fixed', architectures: ['a'] })).toEqual({ name: 'fixed', architectures: ['a'] });
  });

  it('rejects unknown names, bad configs and duplicates', () => {
    const e = nasError(() => createSampler(nb201, 'random', new SeededRng(1)));
    expect(e.message).toMatch(/Unknown sampler 'random'/);
    expect(e.fix).toMatch(/uniform, fairnas, fixed, spos-depth/);
    expect(nasError(() => createSampler(nb201, {}, new SeededRng(1))).message).toMatch(/no name/);
    expect(nasError(() => createSampler(nb201, { name: 'fixed', architectures: [] }, new SeededRng(1))).message).toMatch(/Invalid fixed sampler config: architectures/);
    expect(nasError(() => createSampler(nb201, { name: 'uniform', m: 2 }, new SeededRng(1))).message).toMatch(/Invalid uniform sampler config/);
    expect(nasError(() => createSampler(mobile, { name: 'uniform', liveOutput: true }, new SeededRng(1))).message).toMatch(/liveOutput applies to NB201/);
    expect(nasError(() => createSampler(dartsS5, { name: 'uniform', dartsRepair: true }, new SeededRng(1))).message).toMatch(/dartsRepair needs a DARTS space with the none op/);
    expect(() => registerSampler('uniform', z.object({}), (space, _c, rng) => new UniformSampler(space, rng))).toThrow(/already registered/);
  });

  describe.each(cases)('%s on %s', (name, _spaceName, space) => {
    const state = shrunk(space);
    const run = (sampler: ReturnType<typeof createSampler>, steps: number): string[][] =>
      Array.from({ length: steps }, () => sampler.next(state).map((arch) => space.format(arch)));

    it('repeats its sequence for the same seed, differs for another, and stays inside the state', () => {
      const a = run(createSampler(space, configFor(name, space), new SeededRng(42)), 30);
      const b = run(createSampler(space, configFor(name, space), new SeededRng(42)), 30);
      expect(a).toEqual(b);
      if (name !== 'fixed') expect(run(createSampler(space, configFor(name, space), new SeededRng(43)), 30)).not.toEqual(a);
      for (const step of a) for (const text of step) expect(stateContains(state, space.parse(text))).toBe(true);
    });

    it('resumes from a saved state with the same continuation', () => {
      const sampler = createSampler(space, configFor(name, space), new SeededRng(9));
      run(sampler, 7);
      const saved = JSON.parse(JSON.stringify(sampler.saveState())) as ReturnType<typeof sampler.saveState>;
      const rest = run(sampler, 12);
      const resumed = createSampler(space, configFor(name, space), new SeededRng(12345));
      resumed.loadState(saved);
      expect(run(resumed, 12)).toEqual(rest);
      // Compare states as unsigned: SeededRng stores a fresh generator's state signed.
      const norm = (st: ReturnType<typeof sampler.saveState>) => ({ ...st, rng: { seed: st.rng.seed, state: st.rng.state >>> 0 } });
      expect(norm(resumed.saveState())).toEqual(norm(sampler.saveState()));
      const other = samplerNames().find((n) => n !== name) as string;
      expect(nasError(() => createSampler(space, configFor(other, space), new SeededRng(1)).loadState(saved)).message).toMatch(/Cannot resume/);
    });
  });
});
