/**
 * From DARTS-space scores to a discrete cell, and ABS's sampling constraint on DARTS cells.
 *
 * - {@link dartsGenotype}: DARTS' `_parse` rule (Liu et al., 2019; ALGORITHMS.md part C,
 *   "Genotype"): per intermediate node keep the 2 incoming edges whose best non-`none` op scores
 *   highest, each with that op.
 * - {@link repairDartsCandidate}: ABS's `check_cand` (ALGORITHMS.md A4): a sampled cell must give
 *   every intermediate node exactly two non-`none` inputs.
 */
import { NasError } from '../../../shared/errors';
import type { SeededRng } from '../random/seededRng';
import { DARTS_OPS } from './dartsOps';
import { DARTS_CELL_EDGES, DARTS_CELL_TYPES, DARTS_EDGES_PER_CELL, DARTS_INTERMEDIATE_NODES, DARTS_SPACE, dartsEdgeIndex } from './dartsSpace';
import type { Architecture, SearchSpace } from './searchSpace';
import type { SpaceState } from './spaceState';

/** Scores of the candidate ops of one edge (e.g. softmax(alpha) or angle scores), by op name. */
export type EdgeScores = Readonly<Record<string, number>>;

/** One kept input of an intermediate node. */
export interface DartsGenotypeEdge {
  readonly op: string;
  /** Source node, 0..to-1. */
  readonly from: number;
}

/** Two inputs for each of nodes 2..5 (strongest first), per cell type; DARTS' `Genotype` as data. */
export interface DartsGenotype {
  readonly normal: readonly (readonly DartsGenotypeEdge[])[];
  readonly reduce: readonly (readonly DartsGenotypeEdge[])[];
}

const CHOICES = DARTS_EDGES_PER_CELL * DARTS_CELL_TYPES.length;

/** Alpha rows aligned with `space.choices[i].ops` to per-edge score records. */
export function alphaToEdgeScores(space: SearchSpace, alpha: readonly (readonly number[])[]): EdgeScores[] {
  if (alpha.length !== space.choices.length) throw new NasError('INVALID_CONFIG', `Alpha has ${alpha.length} rows, ${space.name} has ${space.choices.length} edges.`, { fix: 'Give one row per edge.' });
  return space.choices.map((choice, i) => {
    const row = alpha[i] as readonly number[];
    if (row.length !== choice.ops.length) throw new NasError('INVALID_CONFIG', `Alpha row ${choice.id} has ${row.length} values for ${choice.ops.length} ops.`, { fix: `Give one value per op: ${choice.ops.join(', ')}.` });
    return Object.fromEntries(choice.ops.map((op, k) => [op, row[k] as number]));
  });
}

/** One-hot scores of an architecture: the chosen op of each edge scores 1. */
function architectureScores(arch: Architecture): EdgeScores[] {
  return arch.map((op) => ({ [op]: 1 }));
}

/** The best non-`none` op of an edge and its score; ties go to the earlier op in DARTS order. */
function bestOp(scores: EdgeScores, edgeId: string): { op: string; score: number } | undefined {
  let best: { op: string; score: number } | undefined;
  for (const [op, score] of Object.entries(scores)) {
    if (!DARTS_OPS.includes(op)) throw new NasError('INVALID_CONFIG', `Unknown op '${op}' in the scores of ${edgeId}.`, { fix: `Use DARTS ops: ${DARTS_OPS.join(', ')}.` });
    if (!Number.isFinite(score)) throw new NasError('INVALID_CONFIG', `Score ${score} of ${op} at ${edgeId} is not a finite number.`, { fix: 'Check the alpha or angle values for NaN.' });
  }
  for (const op of DARTS_OPS) {
    const score = scores[op];
    if (op === 'none' || score === undefined) continue;
    if (!best || score > best.score) best = { op, score };
  }
  return best;
}

/**
 * The DARTS genotype: for every intermediate node, the 2 incoming edges with the strongest
 * non-`none` op, each with that op (DARTS `_parse`). Ties between edges go to the lower source,
 * between ops to the earlier op in DARTS order.
 * @param input 28 entries in choice order (14 normal then 14 reduction edges): either per-edge
 *   op scores (ops missing from a record are not candidates, e.g. dropped ones), or an
 *   architecture, read as one-hot scores.
 * @throws NasError INVALID_CONFIG for a wrong edge count, unknown ops, non-finite scores, or a
 *   node with fewer than two edges that have a non-`none` candidate.
 */
export function dartsGenotype(input: Architecture | readonly EdgeScores[]): DartsGenotype {
  if (input.length !== CHOICES) throw new NasError('INVALID_CONFIG', `A DARTS genotype needs scores for ${CHOICES} edges (14 normal, 14 reduction), got ${input.length}.`, { fix: 'Pass one entry per DARTS choice point.' });
  const scores = input.every((x): x is string => typeof x === 'string') ? architectureScores(input as Architecture) : (input as readonly EdgeScores[]);
  const cell = (offset: number, type: string): DartsGenotypeEdge[][] =>
    DARTS_INTERMEDIATE_NODES.map((to) => {
      const candidates: { from: number; op: string; score: number }[] = [];
      for (let from = 0; from < to; from++) {
        const best = bestOp(scores[offset + dartsEdgeIndex(to, from)] as EdgeScores, `${type}:${to}<-${from}`);
        if (best) candidates.push({ from, ...best });
      }
      if (candidates.length < 2) {
        throw new NasError('INVALID_CONFIG', `Node ${to} of the ${type} cell has ${candidates.length} input(s) with a non-none op; a DARTS genotype needs 2.`, { fix: 'Keep a non-none op on at least two inputs of every node.' });
      }
      // Array.prototype.sort is stable, so equal strengths keep the lower source first.
      candidates.sort((a, b) => b.score - a.score);
      return candidates.slice(0, 2).map(({ op, from }) => ({ op, from }));
    });
  return { normal: cell(0, 'normal'), reduce: cell(DARTS_EDGES_PER_CELL, 'reduce') };
}

/** The genotype as an architecture of the standard DARTS space: kept edges carry their op, the rest `none`. */
export function genotypeArchitecture(genotype: DartsGenotype): string[] {
  const arch = new Array<string>(CHOICES).fill('none');
  DARTS_CELL_TYPES.forEach((type, c) => {
    const nodes = genotype[type];
    if (nodes.length !== DARTS_INTERMEDIATE_NODES.length) throw new NasError('INVALID_CONFIG', `The ${type} genotype has ${nodes.length} nodes, expected 4.`, { fix: 'Give two inputs for each of nodes 2..5.' });
    nodes.forEach((inputs, n) => {
      for (const { op, from } of inputs) arch[c * DARTS_EDGES_PER_CELL + dartsEdgeIndex(n + 2, from)] = op;
    });
  });
  return arch;
}

/** The canonical string of a genotype (standard DARTS space notation, `none` on unused edges). */
export function formatDartsGenotype(genotype: DartsGenotype): string {
  return DARTS_SPACE.format(genotypeArchitecture(genotype));
}

/** `k` distinct entries of `items`, chosen uniformly with `rng`. */
function pickSome<T>(items: readonly T[], k: number, rng: SeededRng): T[] {
  return rng.shuffle([...items]).slice(0, k);
}

/**
 * ABS's `check_cand` (utils/nas_utils.py; ALGORITHMS.md A4): makes every intermediate node of
 * every cell have exactly two non-`none` inputs, as DARTS cells do.
 * - More than two: random extra inputs become `none`, even where `none` was dropped from the state.
 * - Fewer than two: random `none` inputs get a random remaining non-`none` op of their edge; an
 *   edge with no such op stays `none` (as in ABS), so that node keeps fewer than two inputs.
 * Each cell (14 edges) is repaired on its own; ABS shares one cell across the network, so there
 * it is the same as repairing the normal cell and copying it.
 * @param arch DARTS architecture (a multiple of 14 ops, normally 28); not modified.
 * @param state the current space; its remaining ops are the replacements.
 * @returns a repaired copy.
 */
export function repairDartsCandidate(arch: Architecture, state: SpaceState, rng: SeededRng): string[] {
  if (arch.length === 0 || arch.length % DARTS_EDGES_PER_CELL !== 0 || state.remaining.length !== arch.length) {
    throw new NasError('INVALID_CONFIG', `A DARTS candidate has 14 edges per cell and as many as the state (${state.remaining.length}), got ${arch.length}.`, {
      fix: 'Repair architectures of the DARTS space with a state of the same space.',
    });
  }
  const out = [...arch];
  for (let offset = 0; offset < out.length; offset += DARTS_EDGES_PER_CELL) {
    for (const to of DARTS_INTERMEDIATE_NODES) {
      const edges = Array.from({ length: to }, (_, from) => offset + dartsEdgeIndex(to, from));
      const used = edges.filter((e) => out[e] !== 'none');
      const empty = edges.filter((e) => out[e] === 'none');
      if (used.length > 2) {
        for (const e of pickSome(used, used.length - 2, rng)) out[e] = 'none';
      } else if (used.length < 2) {
        for (const e of pickSome(empty, 2 - used.length, rng)) {
          const allowed = (state.remaining[e] as readonly string[]).filter((op) => op !== 'none');
          if (allowed.length > 0) out[e] = rng.pick(allowed);
        }
      }
    }
  }
  return out;
}

/** True when every intermediate node of every cell has exactly two non-`none` inputs. */
export function isDartsCellValid(arch: Architecture): boolean {
  if (arch.length % DARTS_EDGES_PER_CELL !== 0) return false;
  for (let offset = 0; offset < arch.length; offset += DARTS_EDGES_PER_CELL) {
    for (const to of DARTS_INTERMEDIATE_NODES) {
      const used = DARTS_CELL_EDGES.filter(([t]) => t === to).filter(([t, from]) => arch[offset + dartsEdgeIndex(t, from)] !== 'none').length;
      if (used !== 2) return false;
    }
  }
  return true;
}
