/**
 * The state of a search space during shrinking and splitting: which ops remain on each choice
 * point, which the user locked (never dropped) and which they force-dropped (leave at the next
 * step whatever their score). Plain data, so it is saved in space.json and sent over IPC.
 */
import { NasError } from '../../../shared/errors';
import type { Architecture, SearchSpace } from './searchSpace';
import { operatorKey } from './searchSpace';

export interface SpaceState {
  /** Remaining op names per choice point, in the space's choice order (each list non-empty). */
  readonly remaining: readonly (readonly string[])[];
  /** Operator keys (`choice:op`) that shrinking must never drop. */
  readonly locked: readonly string[];
  /** Operator keys the user asked to drop at the next shrink step. */
  readonly forceDropped: readonly string[];
}

/** The full space: every op remains, nothing locked or force-dropped. */
export function fullState(space: SearchSpace): SpaceState {
  return { remaining: space.choices.map((c) => [...c.ops]), locked: [], forceDropped: [] };
}

/** Number of architectures left: the product of the remaining op counts. */
export function stateSize(state: SpaceState): number {
  return state.remaining.reduce((n, ops) => n * ops.length, 1);
}

/**
 * Exact number of architectures left, as a bigint: layer-wise spaces pass 2^53 (the full
 * MobileNet-like space holds 6^6 * 7^15, about 2.2e17), where {@link stateSize} rounds.
 */
export function stateSizeBig(state: SpaceState): bigint {
  return state.remaining.reduce((n, ops) => n * BigInt(ops.length), 1n);
}

/**
 * Checks that a state fits a space: one non-empty list per choice point, every op a candidate
 * of its choice, no op twice. Throws NasError INVALID_CONFIG naming the choice point.
 */
export function validateState(space: SearchSpace, state: SpaceState): void {
  if (state.remaining.length !== space.choices.length) {
    throw new NasError('INVALID_CONFIG', `The space state has ${state.remaining.length} choice points, ${space.name} has ${space.choices.length}.`, {
      fix: 'Use a state made for this space (fullState(space), then drops and restrictions).',
    });
  }
  space.choices.forEach((choice, i) => {
    const ops = state.remaining[i] as readonly string[];
    if (ops.length === 0) throw new NasError('INVALID_CONFIG', `No op remains at ${choice.id} of ${space.name}.`, { fix: 'Keep at least one op on every edge or layer.' });
    const unknown = ops.find((op) => !choice.ops.includes(op));
    if (unknown !== undefined) {
      throw new NasError('INVALID_CONFIG', `Unknown op '${unknown}' remains at ${choice.id} of ${space.name}.`, { fix: `Use only: ${choice.ops.join(', ')}.` });
    }
    if (new Set(ops).size !== ops.length) throw new NasError('INVALID_CONFIG', `An op is listed twice at ${choice.id} of ${space.name}.`, { fix: 'List each remaining op once.' });
  });
}

/** True when every op of `arch` remains in the state. */
export function stateContains(state: SpaceState, arch: Architecture): boolean {
  return arch.every((op, i) => state.remaining[i]?.includes(op) ?? false);
}

/** The i-th architecture of the state (mixed radix, choice 0 most significant). */
export function stateArchitecture(state: SpaceState, index: number): string[] {
  const size = stateSize(state);
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`architecture index ${index} is outside 0..${size - 1}`);
  const arch = new Array<string>(state.remaining.length);
  let rest = index;
  for (let c = state.remaining.length - 1; c >= 0; c--) {
    const ops = state.remaining[c] as readonly string[];
    arch[c] = ops[rest % ops.length] as string;
    rest = Math.floor(rest / ops.length);
  }
  return arch;
}

/** Every architecture of the state, in index order. Refuses more than `limit` (default 1e6). */
export function* enumerateState(state: SpaceState, limit = 1_000_000): Generator<string[]> {
  const size = stateSize(state);
  if (size > limit) throw new NasError('INVALID_CONFIG', `The space holds ${size} architectures, more than ${limit} to enumerate.`, { fix: 'Use sampled scoring for spaces this large.' });
  for (let i = 0; i < size; i++) yield stateArchitecture(state, i);
}

/** A copy of `state` with `ops` removed from choice `c`; refuses to empty a choice point. */
export function dropOps(space: SearchSpace, state: SpaceState, choiceIndex: number, ops: readonly string[]): SpaceState {
  const choice = space.choices[choiceIndex];
  if (!choice) throw new RangeError(`choice index ${choiceIndex} is outside the space`);
  const left = (state.remaining[choiceIndex] ?? []).filter((op) => !ops.includes(op));
  if (left.length === 0) throw new NasError('INVALID_CONFIG', `Dropping ${ops.join(', ')} would leave ${choice.id} without any op.`, { fix: 'Keep at least one op on every edge or layer.' });
  const dropped = new Set(ops.map((op) => operatorKey(choice.id, op)));
  return {
    remaining: state.remaining.map((r, i) => (i === choiceIndex ? left : r)),
    locked: state.locked.filter((k) => !dropped.has(k)),
    forceDropped: state.forceDropped.filter((k) => !dropped.has(k)),
  };
}

/** A copy of `state` with choice `c` restricted to `ops` (a GM-NAS split group). */
export function restrictChoice(space: SearchSpace, state: SpaceState, choiceIndex: number, ops: readonly string[]): SpaceState {
  const current = state.remaining[choiceIndex] ?? [];
  const drop = current.filter((op) => !ops.includes(op));
  return drop.length === 0 ? state : dropOps(space, state, choiceIndex, drop);
}
