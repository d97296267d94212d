/** Strategy registry: every strategy by name, defaults, config errors, duplicates; evolution vs random. */
import { describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { createStrategy, registerStrategy, strategyNames } from '../../../electron/engine/search/registry';
import { separableFitness, separableValues, toy } from './helpers';

const deps = () => ({ ...toy(4, 3), rng: new SeededRng(1) });

describe('strategy registry', () => {
  it('lists the built-in strategies', () => {
    expect(strategyNames()).toEqual(['evolution', 'random']);
  });

  it('fills in the A4 and B6 defaults', () => {
    expect(createStrategy('evolution', deps()).config).toEqual({ name: 'evolution', population: 50, generations: 20, parents: 10, crossovers: 25, mutationProbability: 0.5, triesPerCandidate: 10, topK: 2 });
    expect(createStrategy({ name: 'random' }, deps()).config).toEqual({ name: 'random', count: 200, topK: 1, maxTries: 1000 });
  });

  describe.each(strategyNames())('%s', (name) => {
    it('runs to the end within its budget with only distinct candidates', async () => {
      const small = name === 'evolution' ? { name, population: 6, generations: 3, parents: 3, crossovers: 3 } : { name, count: 18 };
      const d = deps();
      const strategy = createStrategy(small, d);
      const result = await strategy.run(separableFitness(separableValues(d.space, 2)));
      expect(strategy.status).toBe('finished');
      expect(result.evaluated.length).toBeLessThanOrEqual(strategy.budget);
      expect(new Set(result.evaluated.map((e) => e.key)).size).toBe(result.evaluated.length);
      expect(result.best[0]!.fitness).toBe(Math.max(...result.evaluated.map((e) => e.fitness)));
    });

    it('names the bad field in config errors', () => {
      const error = (() => {
        try {
          createStrategy({ name, topK: 0 }, deps());
        } catch (e) {
          return e as NasError;
        }
        throw new Error('expected an error');
      })();
      expect(error).toBeInstanceOf(NasError);
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toMatch(/topK/);
    });
  });

  it('rejects unknown names, missing names and duplicate registrations', () => {
    expect(() => createStrategy('bananas', deps())).toThrow(/Unknown search strategy 'bananas'.*/);
    expect(() => createStrategy({}, deps())).toThrow(NasError);
    expect(() => registerStrategy('evolution', () => createStrategy('random', deps()))).toThrow(/already registered/);
  });

  it('evolution beats random search at equal budget on average over seeds', async () => {
    const { space, state } = toy(10, 4); // About a million architectures, 200 evaluations each.
    let evolution = 0;
    let random = 0;
    let wins = 0;
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    for (const seed of seeds) {
      const fitness = separableFitness(separableValues(space, 1000 + seed));
      const evo = createStrategy({ name: 'evolution', population: 20, generations: 10, parents: 5, crossovers: 10 }, { space, state, rng: new SeededRng(seed) });
      const rnd = createStrategy({ name: 'random', count: 200 }, { space, state, rng: new SeededRng(seed) });
      expect(evo.budget).toBe(rnd.budget);
      const [e, r] = [(await evo.run(fitness)).best[0]!.fitness, (await rnd.run(fitness)).best[0]!.fitness];
      evolution += e;
      random += r;
      if (e > r) wins++;
    }
    expect(evolution / seeds.length).toBeGreaterThan(random / seeds.length);
    expect(wins).toBeGreaterThanOrEqual(6);
  });
});
