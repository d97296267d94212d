/** SPOS evolutionary search: optimum, state, dedup, determinism, resume, cancel, statistics. */
import { describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { EvolutionSearch } from '../../../electron/engine/search/evolutionSearch';
import type { SearchResult } from '../../../electron/engine/search/strategy';
import { isDartsCellValid, repairDartsCandidate } from '../../../electron/engine/space/dartsGenotype';
import { DARTS_SPACE, dartsEdgeIndex } from '../../../electron/engine/space/dartsSpace';
import { NB201_SPACE, nb201OutputLive } from '../../../electron/engine/space/nb201SearchSpace';
import { architectureKey, type Architecture } from '../../../electron/engine/space/searchSpace';
import { dropOps, fullState, stateContains, type SpaceState } from '../../../electron/engine/space/spaceState';
import { separableFitness, separableOptimum, separableValues, signal, toy } from './helpers';

const SMALL = { population: 20, generations: 6, parents: 5, crossovers: 10 };

/** The parts of a result that must replay exactly. */
function trace(result: SearchResult): unknown {
  return { evaluated: result.evaluated.map((e) => [e.text, e.fitness, e.generation]), best: result.best.map((e) => e.text), generations: result.generations };
}

/** NB201 shrunk so that liveness matters: none kept on most edges, some edges down to two ops. */
function nb201Shrunk(): SpaceState {
  let state = fullState(NB201_SPACE);
  state = dropOps(NB201_SPACE, state, 0, ['skip_connect', 'avg_pool_3x3']);
  state = dropOps(NB201_SPACE, state, 3, ['nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
  state = dropOps(NB201_SPACE, state, 5, ['skip_connect', 'nor_conv_1x1']);
  return state;
}

describe('evolution search', () => {
  it('finds the optimum of a separable fitness within the A4 budget (50 x 20)', async () => {
    const { space, state } = toy(8, 4); // 65,536 architectures, 1,000 evaluations.
    for (const seed of [1, 2, 3]) {
      const values = separableValues(space, 100 + seed);
      const search = new EvolutionSearch({}, { space, state, rng: new SeededRng(seed) });
      const result = await search.run(separableFitness(values));
      expect(result.status).toBe('finished');
      expect(result.evaluated.length).toBeLessThanOrEqual(1000);
      expect(result.best).toHaveLength(2);
      expect(result.best[0]!.fitness).toBeCloseTo(separableOptimum(values, state), 12);
    }
  });

  it('keeps every candidate inside the NB201 state, live, and never evaluates a key twice', async () => {
    const state = nb201Shrunk();
    const seen = new Set<string>();
    const fitness = (arch: Architecture): Promise<number> => {
      expect(stateContains(state, arch), NB201_SPACE.format(arch)).toBe(true);
      expect(nb201OutputLive(arch)).toBe(true);
      const key = architectureKey(NB201_SPACE, arch);
      expect(seen.has(key), `evaluated twice: ${key}`).toBe(false);
      seen.add(key);
      return Promise.resolve(arch.filter((op) => op === 'nor_conv_3x3').length);
    };
    const search = new EvolutionSearch(SMALL, { space: NB201_SPACE, state, rng: new SeededRng(4) });
    const result = await search.run(fitness);
    expect(result.evaluated.length).toBe(seen.size);
    expect(new Set(result.evaluated.map((e) => e.key)).size).toBe(result.evaluated.length);
    expect(result.best[0]!.fitness).toBe(5); // Every edge but 3<-0 can hold nor_conv_3x3.
  });

  it('applies a pluggable validity rule to mutation, crossover and refill alike', async () => {
    const { space } = toy(6, 3);
    const state = dropOps(space, fullState(space), 2, ['o2']);
    const isValid = (arch: Architecture): boolean => arch.every((op, i) => i === 0 || !(op === 'o0' && arch[i - 1] === 'o0'));
    const fitness = (arch: Architecture): Promise<number> => {
      expect(isValid(arch) && stateContains(state, arch)).toBe(true);
      return Promise.resolve(arch.filter((op) => op === 'o0').length);
    };
    const result = await new EvolutionSearch(SMALL, { space, state, rng: new SeededRng(5), isValid }).run(fitness);
    expect(result.best[0]!.fitness).toBe(3); // o0 on every other layer.
  });

  it('repairs DARTS candidates (check_cand) and redraws those the repair moved out of the state', async () => {
    // No 'none' left on edge 3<-0 of the normal cell: the repair may still set it to none, and such candidates are redrawn.
    const state = dropOps(DARTS_SPACE, fullState(DARTS_SPACE), dartsEdgeIndex(3, 0), ['none']);
    const fitness = (arch: Architecture): Promise<number> => {
      expect(stateContains(state, arch) && isDartsCellValid(arch)).toBe(true);
      return Promise.resolve(arch.filter((op) => op === 'sep_conv_3x3').length);
    };
    const search = new EvolutionSearch(SMALL, { space: DARTS_SPACE, state, rng: new SeededRng(6), repair: repairDartsCandidate, isValid: isDartsCellValid });
    const result = await search.run(fitness);
    expect(result.evaluated).toHaveLength(SMALL.population * SMALL.generations);
    expect(result.generations.map((g) => g.bestSoFar).at(-1)).toBeGreaterThan(result.generations[0]!.best);
  });

  it('replays exactly from the same seed and differs with another', async () => {
    const { space, state } = toy(6, 4);
    const fitness = separableFitness(separableValues(space, 7));
    const run = (seed: number): Promise<SearchResult> => new EvolutionSearch(SMALL, { space, state, rng: new SeededRng(seed) }).run(fitness);
    const [a, b, c] = [await run(11), await run(11), await run(12)];
    expect(trace(a)).toEqual(trace(b));
    expect(trace(a)).not.toEqual(trace(c));
  });

  it.each([
    ['after generation 5', 5 * 20],
    ['in the middle of generation 3', 57],
  ])('resumes from a state saved %s exactly like an uninterrupted run', async (_when, stopAt) => {
    const { space, state } = toy(6, 4);
    const fitness = separableFitness(separableValues(space, 8));
    const deps = () => ({ space, state, rng: new SeededRng(21) });
    const whole = await new EvolutionSearch(SMALL, deps()).run(fitness);

    const stop = signal();
    const first = new EvolutionSearch(SMALL, deps());
    const partial = await first.run(fitness, { signal: stop, onProgress: (p) => (stop.aborted = p.evaluated === stopAt) });
    expect(partial.status).toBe('cancelled');
    expect(partial.evaluated).toHaveLength(stopAt);
    const saved = JSON.parse(JSON.stringify(first.saveState())) as unknown;

    const second = new EvolutionSearch(SMALL, { space, state, rng: new SeededRng(999) }); // The saved RNG wins.
    second.loadState(saved);
    const resumed = await second.run(fitness);
    expect(resumed.status).toBe('finished');
    expect(trace(resumed)).toEqual(trace(whole));

    // The cancelled instance itself also resumes with a fresh signal.
    expect(trace(await first.run(fitness))).toEqual(trace(whole));
  });

  it('stops between evaluations when cancelled and reports cancelled', async () => {
    const { space, state } = toy(6, 4);
    const stop = signal();
    let calls = 0;
    const fitness = (arch: Architecture): Promise<number> => {
      calls++;
      if (calls === 3) stop.aborted = true; // Aborted during the third evaluation: it still completes.
      return Promise.resolve(arch.length);
    };
    const search = new EvolutionSearch(SMALL, { space, state, rng: new SeededRng(1) });
    const result = await search.run(fitness, { signal: stop });
    expect(calls).toBe(3);
    expect(result.status).toBe('cancelled');
    expect(search.status).toBe('cancelled');
    expect(result.evaluated).toHaveLength(3);
  });

  it('guards the lifecycle and fails on a bad fitness', async () => {
    const { space, state } = toy(3, 2);
    const search = new EvolutionSearch({ population: 2, generations: 1, parents: 1, crossovers: 1 }, { space, state, rng: new SeededRng(1) });
    expect(search.status).toBe('idle');
    const running = search.run(() => Promise.resolve(1));
    expect(search.status).toBe('running');
    await expect(search.run(() => Promise.resolve(1))).rejects.toThrow(/running/);
    await running;
    expect(search.status).toBe('finished');
    await expect(search.run(() => Promise.resolve(1))).rejects.toThrow(/finished/);

    const failing = new EvolutionSearch({ population: 2, generations: 1, parents: 1, crossovers: 1 }, { space, state, rng: new SeededRng(1) });
    await expect(failing.run(() => Promise.resolve(Number.NaN))).rejects.toMatchObject({ code: 'NAN_LOSS' });
    expect(failing.status).toBe('failed');
  });

  it('reports hand-checked per-generation statistics', async () => {
    // Two layers, two ops; fitness = 1 * [layer0 = o1] + 2 * [layer1 = o1]: values 0, 1, 2, 3.
    const { space, state } = toy(2, 2);
    const fitness = (arch: Architecture): Promise<number> => Promise.resolve((arch[0] === 'o1' ? 1 : 0) + (arch[1] === 'o1' ? 2 : 0));
    const tiny = await new EvolutionSearch({ population: 4, generations: 3, parents: 2, crossovers: 2 }, { space, state, rng: new SeededRng(3) }).run(fitness);
    // Generation 0 draws all four; nothing new is left, so the search ends early.
    expect(tiny.status).toBe('finished');
    expect(tiny.generations).toEqual([{ generation: 0, size: 4, best: 3, mean: 1.5, bestSoFar: 3 }]);
    expect(tiny.best.map((e) => [e.text, e.fitness])).toEqual([['o1-o1', 3], ['o0-o1', 2]]);

    // Three layers, fitness = the binary number o1 spells (0..7, sum 28): two generations of four use up the space.
    const three = toy(3, 2);
    const binary = (arch: Architecture): Promise<number> => Promise.resolve(arch.reduce((s, op, i) => s + (op === 'o1' ? 2 ** i : 0), 0));
    const result = await new EvolutionSearch({ population: 4, generations: 2, parents: 2, crossovers: 2 }, { ...three, rng: new SeededRng(4) }).run(binary);
    expect(result.evaluated).toHaveLength(8);
    const [g0, g1] = result.generations;
    const fitnessOf = (g: number): number[] => result.evaluated.filter((e) => e.generation === g).map((e) => e.fitness);
    expect(g0).toEqual({ generation: 0, size: 4, best: Math.max(...fitnessOf(0)), mean: fitnessOf(0).reduce((s, v) => s + v) / 4, bestSoFar: Math.max(...fitnessOf(0)) });
    expect(g1!.size).toBe(4);
    expect(4 * g0!.mean + 4 * g1!.mean).toBe(28);
    expect(g1!.bestSoFar).toBe(7);
    expect(Math.max(g0!.best, g1!.best)).toBe(7);
  });

  it('rejects bad configs naming the field, and states saved by another config', () => {
    const { space, state } = toy(3, 2);
    const deps = { space, state, rng: new SeededRng(1) };
    const cases: [unknown, RegExp][] = [
      [{ parents: 60 }, /parents: must be at most the population \(50\)/],
      [{ crossovers: 51 }, /crossovers/],
      [{ mutationProbability: 1.5 }, /mutationProbability/],
      [{ population: 0 }, /population/],
      [{ generations: 2.5 }, /generations/],
      [{ popSize: 10 }, /popSize/],
    ];
    for (const [config, pattern] of cases) {
      let error: unknown;
      try {
        new EvolutionSearch(config, deps);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NasError);
      expect((error as NasError).code).toBe('INVALID_CONFIG');
      expect((error as NasError).message).toMatch(pattern);
      expect((error as NasError).fix).toBeTruthy();
    }
    const saved = new EvolutionSearch({ population: 4, parents: 2, crossovers: 2 }, deps).saveState();
    expect(() => new EvolutionSearch({ population: 5, parents: 2, crossovers: 2 }, deps).loadState(saved)).toThrow(/another config/);
    expect(() => new EvolutionSearch({ population: 4, parents: 2, crossovers: 2 }, deps).loadState({ ...saved, evaluated: 'x' })).toThrow(NasError);
  });
});
