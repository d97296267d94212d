/**
 * The DARTS cell space (ALGORITHMS.md part C): nodes 0 and 1 are the cell inputs, nodes 2..5
 * are intermediate, and node j sums one op on each edge from every earlier node, so a cell has
 * 2+3+4+5 = 14 edges. A network has a normal and a reduction cell type with separate choices:
 * as a {@link SearchSpace} the choices are the 14 normal edges, then the 14 reduction edges,
 * each in DARTS edge order (edge k->j has index k + sum_{t=2}^{j-1} t).
 *
 * Canonical string (our choice, NB201-like so the two cell spaces read alike):
 *
 *     normal=|op~0|op~1|+|op~0|op~1|op~2|+|op~0|..|op~3|+|op~0|..|op~4|;reduce=<same for the reduction cell>
 *
 * Each cell lists the inputs of nodes 2, 3, 4, 5 (separated by `+`), each input as `op~source`
 * in source order; the two cells are labelled `normal=` and `reduce=` and joined by `;`.
 * An absent edge of a DARTS genotype is written as `none`.
 */
import { NasError } from '../../../shared/errors';
import { DARTS_OPS, DARTS_S5_OPS } from './dartsOps';
import type { Architecture, ChoicePoint, SearchSpace } from './searchSpace';
import { validateArchitecture } from './searchSpace';

/** The two cell types; each has its own 14 choices. */
export type DartsCellType = 'normal' | 'reduce';
export const DARTS_CELL_TYPES: readonly DartsCellType[] = ['normal', 'reduce'];

/** `standard`: the 8 DARTS ops; `s5`: GM-NAS's 7 ops without `none`. */
export type DartsVariant = 'standard' | 's5';
export const DARTS_VARIANTS: readonly DartsVariant[] = ['standard', 's5'];

/** Intermediate nodes of a cell (0 and 1 are the inputs). */
export const DARTS_INTERMEDIATE_NODES: readonly number[] = [2, 3, 4, 5];

/** Edges per cell: 2 + 3 + 4 + 5. */
export const DARTS_EDGES_PER_CELL = 14;

/** A cell edge as a choice point: id `normal:2<-0` ... `reduce:5<-4`. */
export interface DartsChoice extends ChoicePoint {
  readonly cell: DartsCellType;
  /** Target node (2..5). */
  readonly to: number;
  /** Source node (0..to-1). */
  readonly from: number;
  /** Index of the edge inside its cell (0..13). */
  readonly edgeIndex: number;
}

/** The index of edge `from -> to` inside a cell: from + sum_{t=2}^{to-1} t (ABS config.py, DARTS genotype order). */
export function dartsEdgeIndex(to: number, from: number): number {
  if (!Number.isInteger(to) || to < 2 || to > 5 || !Number.isInteger(from) || from < 0 || from >= to) {
    throw new RangeError(`DARTS edge ${from}->${to} does not exist (targets 2..5, sources below the target)`);
  }
  // sum_{t=2}^{to-1} t = (to-1)*to/2 - 1
  return from + ((to - 1) * to) / 2 - 1;
}

/** The edges of one cell in index order, as [to, from] pairs. */
export const DARTS_CELL_EDGES: readonly (readonly [number, number])[] = DARTS_INTERMEDIATE_NODES.flatMap((to) =>
  Array.from({ length: to }, (_, from) => [to, from] as const),
);

function cellChoices(cell: DartsCellType, ops: readonly string[]): DartsChoice[] {
  return DARTS_CELL_EDGES.map(([to, from], edgeIndex) => ({
    id: `${cell}:${to}<-${from}`,
    label: `${cell === 'normal' ? 'normal' : 'reduction'} edge ${to}←${from}`,
    ops,
    cell,
    to,
    from,
    edgeIndex,
  }));
}

/** One cell's part of the canonical string (14 ops in edge order). */
export function formatDartsCell(cellOps: readonly string[]): string {
  if (cellOps.length !== DARTS_EDGES_PER_CELL) throw new RangeError(`a DARTS cell has ${DARTS_EDGES_PER_CELL} edges, got ${cellOps.length}`);
  return DARTS_INTERMEDIATE_NODES.map((to) => '|' + Array.from({ length: to }, (_, from) => `${cellOps[dartsEdgeIndex(to, from)]}~${from}`).join('|') + '|').join('+');
}

function malformed(text: string, reason: string): NasError {
  return new NasError('INVALID_CONFIG', `Cannot read DARTS architecture '${text}': ${reason}.`, {
    fix: "Write 'normal=<cell>;reduce=<cell>', each cell as the inputs of nodes 2..5: '|op~0|op~1|+|op~0|op~1|op~2|+|op~0|op~1|op~2|op~3|+|op~0|op~1|op~2|op~3|op~4|'.",
  });
}

function parseCell(text: string, cell: DartsCellType, body: string): string[] {
  const nodes = body.split('+');
  if (nodes.length !== DARTS_INTERMEDIATE_NODES.length) throw malformed(text, `the ${cell} cell needs 4 nodes separated by '+', got ${nodes.length}`);
  const ops: string[] = [];
  nodes.forEach((node, n) => {
    const to = n + 2;
    if (!node.startsWith('|') || !node.endsWith('|') || node.length < 2) throw malformed(text, `${cell} node ${to} '${node}' must start and end with '|'`);
    const inputs = node.slice(1, -1).split('|');
    if (inputs.length !== to) throw malformed(text, `${cell} node ${to} needs ${to} inputs (op~0 .. op~${to - 1}), got ${inputs.length} in '${node}'`);
    inputs.forEach((input, from) => {
      const parts = input.split('~');
      if (parts.length !== 2 || parts[1] !== String(from) || parts[0] === '') throw malformed(text, `${cell} input '${input}' of node ${to} must read 'op~${from}'`);
      ops.push(parts[0] as string);
    });
  });
  return ops;
}

/** Options of {@link createDartsSpace}. */
export interface DartsSpaceOptions {
  readonly variant?: DartsVariant;
}

/**
 * The DARTS space: 28 choices (14 normal then 14 reduction edges) with 8 ops each (`standard`,
 * 8^14 architectures per cell type) or 7 (`s5`, no `none`).
 */
export function createDartsSpace(options: DartsSpaceOptions = {}): SearchSpace {
  const variant = options.variant ?? 'standard';
  const ops = variant === 's5' ? DARTS_S5_OPS : DARTS_OPS;
  const choices: readonly DartsChoice[] = [...cellChoices('normal', ops), ...cellChoices('reduce', ops)];
  const space: SearchSpace = {
    kind: 'darts',
    name: variant === 's5' ? 'darts-s5' : 'darts',
    choices,
    format(arch: Architecture): string {
      validateArchitecture(space, arch);
      return `normal=${formatDartsCell(arch.slice(0, DARTS_EDGES_PER_CELL))};reduce=${formatDartsCell(arch.slice(DARTS_EDGES_PER_CELL))}`;
    },
    parse(text: string): Architecture {
      const cells = text.trim().split(';');
      if (cells.length !== 2) throw malformed(text, `expected two cells joined by ';', got ${cells.length} part(s)`);
      const arch = DARTS_CELL_TYPES.flatMap((cell, c) => {
        const part = cells[c] as string;
        const prefix = `${cell}=`;
        if (!part.startsWith(prefix)) throw malformed(text, `cell ${c + 1} must start with '${prefix}'`);
        return parseCell(text, cell, part.slice(prefix.length));
      });
      validateArchitecture(space, arch);
      return arch;
    },
  };
  return space;
}

/** The standard DARTS space (8 ops with `none`). */
export const DARTS_SPACE: SearchSpace = createDartsSpace();
/** GM-NAS's DARTS space without `none` (7 ops). */
export const DARTS_S5_SPACE: SearchSpace = createDartsSpace({ variant: 's5' });

/** Where a cell type's 14 choices start in an architecture (0 for normal, 14 for reduce). */
export function dartsCellOffset(cell: DartsCellType): number {
  return cell === 'normal' ? 0 : DARTS_EDGES_PER_CELL;
}
