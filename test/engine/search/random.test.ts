/** RSPS random search: distinct in-state candidates, best k, early end, resume, cancel. */
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { RandomSearch } from '../../../electron/engine/search/randomSearch';
import type { SearchResult } from '../../../electron/engine/search/strategy';
import { NB201_SPACE, nb201OutputLive } from '../../../electron/engine/space/nb201SearchSpace';
import { architectureKey, type Architecture } from '../../../electron/engine/space/searchSpace';
import { dropOps, fullState, stateContains } from '../../../electron/engine/space/spaceState';
import { separableFitness, separableValues, signal, toy } from './helpers';

const texts = (r: SearchResult): string[] => r.evaluated.map((e) => e.text);

describe('random search', () => {
  it('scores 200 distinct live NB201 cells of the state (B6 default) and keeps the best', async () => {
    const state = dropOps(NB201_SPACE, fullState(NB201_SPACE), 0, ['nor_conv_1x1', 'avg_pool_3x3']);
    const keys = new Set<string>();
    const fitness = (arch: Architecture): Promise<number> => {
      expect(stateContains(state, arch) && nb201OutputLive(arch)).toBe(true);
      keys.add(architectureKey(NB201_SPACE, arch));
      return Promise.resolve(arch.filter((op) => op === 'nor_conv_3x3').length + arch.filter((op) => op === 'skip_connect').length / 10);
    };
    const progress: number[] = [];
    const result = await new RandomSearch({}, { space: NB201_SPACE, state, rng: new SeededRng(1) }).run(fitness, { onProgress: (p) => progress.push(p.evaluated) });
    expect(result.evaluated).toHaveLength(200);
    expect(keys.size).toBe(200);
    expect(progress).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(result.best).toHaveLength(1);
    expect(result.best[0]!.fitness).toBe(Math.max(...result.evaluated.map((e) => e.fitness)));
    expect(result.generations).toEqual([]);
  });

  it('ends early with every architecture once a small state is used up', async () => {
    const { space, state } = toy(3, 2);
    const result = await new RandomSearch({ count: 50, topK: 3 }, { space, state, rng: new SeededRng(2) }).run(separableFitness(separableValues(space, 3)));
    expect(result.status).toBe('finished');
    expect(new Set(texts(result)).size).toBe(8);
    expect(result.best.map((e) => e.fitness)).toEqual([...result.evaluated.map((e) => e.fitness)].sort((a, b) => b - a).slice(0, 3));
  });

  it('replays from its seed and resumes after a cancel exactly', async () => {
    const { space, state } = toy(6, 4);
    const fitness = separableFitness(separableValues(space, 4));
    const deps = () => ({ space, state, rng: new SeededRng(5) });
    const whole = await new RandomSearch({ count: 60 }, deps()).run(fitness);
    expect(texts(await new RandomSearch({ count: 60 }, deps()).run(fitness))).toEqual(texts(whole));

    const stop = signal();
    const first = new RandomSearch({ count: 60 }, deps());
    const partial = await first.run(fitness, { signal: stop, onProgress: (p) => (stop.aborted = p.evaluated === 25) });
    expect(partial.status).toBe('cancelled');
    expect(partial.evaluated).toHaveLength(25);
    const second = new RandomSearch({ count: 60 }, deps());
    second.loadState(JSON.parse(JSON.stringify(first.saveState())));
    const resumed = await second.run(fitness);
    expect(texts(resumed)).toEqual(texts(whole));
    expect(resumed.best).toEqual(whole.best);
  });

  it('refuses a state saved by the evolution search', async () => {
    const { space, state } = toy(3, 2);
    const random = new RandomSearch({}, { space, state, rng: new SeededRng(1) });
    expect(() => random.loadState({ ...random.saveState(), strategy: 'evolution' })).toThrow(/strategy 'evolution'/);
  });
});
