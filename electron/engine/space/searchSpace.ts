/**
 * The generic shape of every search space: a list of choice points (cell edges or network
 * layers), each with candidate operators, and one canonical architecture string.
 *
 * An architecture is plain data (STYLE.md #7): one op name per choice point, in the space's
 * choice order. Shrinking (ABS) and splitting (GM-NAS) act on a {@link SpaceState}, the
 * per-choice lists of remaining ops, never on the space definition itself.
 */
import { NasError } from '../../../shared/errors';

/** A place where the architecture chooses one operator: an edge `i<-j` of a cell, or a layer. */
export interface ChoicePoint {
  /** Stable id, unique in the space: `1<-0` (NB201), `normal:2<-0` (DARTS), `layer3` (MobileNet-like). */
  readonly id: string;
  /** Human-readable label for the UI, e.g. `edge 1←0` or `layer 3 (56 ch, stride 2)`. */
  readonly label: string;
  /** Candidate op names in the space's canonical order. */
  readonly ops: readonly string[];
}

/** One op per choice point, in {@link SearchSpace.choices} order. */
export type Architecture = readonly string[];

export type SpaceKind = 'nb201' | 'darts' | 'mobilenet';

export interface SearchSpace {
  readonly kind: SpaceKind;
  /** Short name of this instance, e.g. `nb201`, `darts-s5`, `mobilenet-abs-small`. */
  readonly name: string;
  readonly choices: readonly ChoicePoint[];
  /** The canonical string of an architecture (NB201 notation for cells, `-`-joined ops for layers). */
  format(arch: Architecture): string;
  /** Parses a canonical string; throws NasError INVALID_CONFIG naming the bad part. */
  parse(text: string): Architecture;
  /**
   * Optional dedup key: equal for architectures that compute the same function (e.g. NB201
   * cells that differ only in dead edges). Spaces without one dedupe by canonical string.
   */
  uniqueKey?(arch: Architecture): string;
}

/** The dedup key of an architecture: the space's {@link SearchSpace.uniqueKey}, else its canonical string. */
export function architectureKey(space: SearchSpace, arch: Architecture): string {
  return space.uniqueKey ? space.uniqueKey(arch) : space.format(arch);
}

/** The key of an operator, i.e. (choice point, op): `1<-0:nor_conv_3x3`. */
export function operatorKey(choiceId: string, op: string): string {
  return `${choiceId}:${op}`;
}

/** Splits an operator key back into its choice id and op (the op never contains ':'). */
export function parseOperatorKey(key: string): { choiceId: string; op: string } {
  const at = key.lastIndexOf(':');
  if (at <= 0) throw new NasError('INVALID_CONFIG', `'${key}' is not an operator key (expected 'choice:op', e.g. '1<-0:nor_conv_3x3').`);
  return { choiceId: key.slice(0, at), op: key.slice(at + 1) };
}

/**
 * Checks an architecture against a space: right length, every op a candidate of its choice.
 * Throws NasError INVALID_CONFIG that names the choice point and lists the allowed ops.
 */
export function validateArchitecture(space: SearchSpace, arch: Architecture): void {
  if (arch.length !== space.choices.length) {
    throw new NasError('INVALID_CONFIG', `A ${space.name} architecture has ${space.choices.length} choices, got ${arch.length}.`, {
      fix: `Give one op per choice point: ${space.choices.map((c) => c.id).join(', ')}.`,
    });
  }
  arch.forEach((op, i) => {
    const choice = space.choices[i] as ChoicePoint;
    if (!choice.ops.includes(op)) {
      throw new NasError('INVALID_CONFIG', `Unknown op '${op}' at ${choice.id} of ${space.name}.`, { fix: `Use one of: ${choice.ops.join(', ')}.` });
    }
  });
}
