/** Shared fixtures of the search tests: a toy layer-wise space and synthetic fitness functions. */
import { SeededRng } from '../../../electron/engine/random/seededRng';
import type { Architecture, SearchSpace } from '../../../electron/engine/space/searchSpace';
import { fullState, type SpaceState } from '../../../electron/engine/space/spaceState';

/** A layer-wise space of `choices` layers, each with ops `o0..o{ops-1}`; canonical string `o1-o0-...`. */
export function toySpace(choices: number, ops: number): SearchSpace {
  const opNames = Array.from({ length: ops }, (_, i) => `o${i}`);
  return {
    kind: 'mobilenet',
    name: `toy-${choices}x${ops}`,
    choices: Array.from({ length: choices }, (_, i) => ({ id: `layer${i}`, label: `layer ${i}`, ops: opNames })),
    format: (arch) => arch.join('-'),
    parse: (text) => text.split('-'),
  };
}

/** The toy space and its full state. */
export function toy(choices: number, ops: number): { space: SearchSpace; state: SpaceState } {
  const space = toySpace(choices, ops);
  return { space, state: fullState(space) };
}

/** Per-(choice, op) values drawn from a seed; fitness is their sum (separable). */
export function separableValues(space: SearchSpace, seed: number): Map<string, number>[] {
  const rng = new SeededRng(seed);
  return space.choices.map((c) => new Map(c.ops.map((op) => [op, rng.next()])));
}

/** Sum of the per-op values of `arch`. */
export function separableFitness(values: readonly Map<string, number>[]): (arch: Architecture) => Promise<number> {
  return (arch) => Promise.resolve(arch.reduce((s, op, i) => s + (values[i]?.get(op) ?? 0), 0));
}

/** The maximum of a separable fitness over a state (its best op on every choice). */
export function separableOptimum(values: readonly Map<string, number>[], state: SpaceState): number {
  return state.remaining.reduce((s, ops, i) => s + Math.max(...ops.map((op) => values[i]?.get(op) ?? 0)), 0);
}

/** Number of choices equal to a hidden target architecture. */
export function matchFitness(target: Architecture): (arch: Architecture) => Promise<number> {
  return (arch) => Promise.resolve(arch.filter((op, i) => op === target[i]).length);
}

/** A settable cancel signal. */
export function signal(): { aborted: boolean } {
  return { aborted: false };
}
