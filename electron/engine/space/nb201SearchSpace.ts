/**
 * NAS-Bench-201 as a generic {@link SearchSpace} (ALGORITHMS.md part C): six choice points, the
 * cell edges in NB201 order, each with the five NB201 ops. The canonical string is NB201's own
 * (`|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`), so results join with the benchmark's tables.
 *
 * The parsing and formatting live in nb201Space.ts; this module only turns their plain errors
 * into NasError INVALID_CONFIG with a fix, and adds a functional dedup key.
 */
import { NasError } from '../../../shared/errors';
import { NB201_OPS } from './nb201Ops';
import { NB201_EDGES, formatNb201, nb201LiveNodes, parseNb201 } from './nb201Space';
import type { Architecture, ChoicePoint, SearchSpace } from './searchSpace';
import { validateArchitecture } from './searchSpace';

/** A cell edge as a choice point: id `to<-from`, e.g. `2<-1`. */
export interface Nb201Choice extends ChoicePoint {
  readonly to: number;
  readonly from: number;
}

/** The six NB201 choice points in benchmark order: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. */
export const NB201_CHOICES: readonly Nb201Choice[] = NB201_EDGES.map((e) => ({
  id: `${e.to}<-${e.from}`,
  label: `edge ${e.to}←${e.from}`,
  ops: NB201_OPS,
  to: e.to,
  from: e.from,
}));

const EXAMPLE = '|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|';

/** A sum of terms as text: `0` when empty, the term alone, else `[a+b+...]` sorted. */
function sumText(terms: readonly string[]): string {
  if (terms.length === 0) return '0';
  return terms.length === 1 ? (terms[0] as string) : `[${[...terms].sort().join('+')}]`;
}

/**
 * A key equal exactly for NB201 cells that compute the same function, in the spirit of AutoDL's
 * `to_unique_str`. Each node is a sum (a multiset) of terms `op(input)`; `skip_connect` adds the
 * terms of its input unchanged, and `none` or an input that is zero adds nothing (a bias-free
 * conv, affine-free BN and pooling all map zero to zero). Cells with the same key differ only in
 * dead edges or in the order of summed terms. A dead cell's key is `0`. NAS-Bench-201 keeps zero
 * terms in its key (6,466 classes); this one merges those too.
 */
export function nb201UniqueKey(arch: Architecture): string {
  const terms: string[][] = [['x'], [], [], []];
  NB201_EDGES.forEach((edge, e) => {
    const op = arch[e] as string;
    const input = terms[edge.from] as string[];
    const target = terms[edge.to] as string[];
    if (op === 'none' || input.length === 0) return;
    if (op === 'skip_connect') target.push(...input);
    else target.push(`${op}(${sumText(input)})`);
  });
  return sumText(terms[3] as string[]);
}

/** True when the cell output (node 3) carries signal from the input: some path avoids `none`. */
export function nb201OutputLive(arch: Architecture): boolean {
  return nb201LiveNodes(arch)[3] === true;
}

function format(arch: Architecture): string {
  validateArchitecture(NB201_SPACE, arch);
  return formatNb201(arch);
}

/**
 * When the string is well formed but an op is unknown, an error naming the edge and listing the
 * allowed ops (nb201Space.ts names only the op); undefined for any other problem.
 */
function unknownOpError(text: string): NasError | undefined {
  const nodes = text.trim().split('+');
  if (nodes.length !== 3) return undefined;
  const items = nodes.map((node) => node.slice(1, -1).split('|').map((edge) => edge.split('~')));
  const wellFormed = items.every((edges, n) => edges.length === n + 1 && edges.every((parts, from) => parts.length === 2 && parts[1] === String(from)));
  if (!wellFormed) return undefined;
  for (const choice of NB201_CHOICES) {
    const op = items[choice.to - 1]?.[choice.from]?.[0] ?? '';
    if (!choice.ops.includes(op)) {
      return new NasError('INVALID_CONFIG', `Unknown op '${op}' at edge ${choice.id} in NB201 architecture '${text}'.`, { fix: `Use one of: ${choice.ops.join(', ')}.` });
    }
  }
  return undefined;
}

function parse(text: string): Architecture {
  try {
    return parseNb201(text);
  } catch (error) {
    const unknown = unknownOpError(text);
    if (unknown) throw unknown;
    // nb201Space.ts throws plain errors that already name the bad part; keep its wording.
    const reason = error instanceof Error ? error.message : String(error);
    throw new NasError('INVALID_CONFIG', `Cannot read NB201 architecture '${text}': ${reason}.`, {
      fix: `Write the three nodes as '|op~0|+|op~0|op~1|+|op~0|op~1|op~2|' with ops from ${NB201_OPS.join(', ')}, e.g. ${EXAMPLE}.`,
      cause: error,
    });
  }
}

/** The NAS-Bench-201 cell space: 6 edges x 5 ops = 15,625 architectures. */
export const NB201_SPACE: SearchSpace = {
  kind: 'nb201',
  name: 'nb201',
  choices: NB201_CHOICES,
  format,
  parse,
  uniqueKey: (arch) => {
    validateArchitecture(NB201_SPACE, arch);
    return nb201UniqueKey(arch);
  },
};
