/** Shared helpers of the sampler tests. */
import { expect } from 'vitest';
import { NasError } from '../../../shared/errors';

/** Runs `fn`, expecting a NasError INVALID_CONFIG with a fix; returns it for message checks. */
export function nasError(fn: () => unknown): NasError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NasError);
    expect((error as NasError).code).toBe('INVALID_CONFIG');
    expect((error as NasError).fix).toBeTruthy();
    return error as NasError;
  }
  throw new Error('expected a NasError');
}

/** Counts of each value. */
export function tally(values: Iterable<string | number>): Map<string | number, number> {
  const counts = new Map<string | number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Expects every count in `counts` (over `keys`) to be within `tolerance` (relative) of `expected`. */
export function expectNear(counts: Map<string | number, number>, keys: readonly (string | number)[], expected: number, tolerance: number): void {
  expect([...counts.keys()].sort()).toEqual([...keys].sort());
  for (const k of keys) {
    const n = counts.get(k) ?? 0;
    expect(Math.abs(n - expected), `count of ${k}: ${n}, expected ${expected}`).toBeLessThan(expected * tolerance);
  }
}
