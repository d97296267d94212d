/**
 * The GM+DARTS search per sub-supernet (ALGORITHMS.md B6): each leaf derives argmax(alpha * mask),
 * on NB201 one op per edge, taken among the leaf's OWN remaining ops (an op outside its group
 * is never chosen, whatever its alpha), as its one candidate; the candidate's fitness is its
 * validation accuracy after BN recalibration, the same measure and validation subset as the RSPS
 * search (searchFitness), so the final pick (truth table or successive halving) treats both
 * alike. Also the alpha record results.json and the tree DTO carry for the UI.
 */
import type { NodeArchDto, SubSupernetTreeDto } from '../../../shared/model/splitTree';
import { SeededRng } from '../random/seededRng';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';
import { searchFitness } from './absScoring';
import type { NodeArchState } from './gmArchState';
import type { LeafCandidate } from './gmSearch';
import type { SupernetTrainer } from './supernetTrainer';

/**
 * Per choice point, the remaining op of `state` with the largest alpha (ties: the first in the
 * state's order).
 * @param alpha rows [choices][K], column k = space.choices[c].ops[k].
 */
export function deriveArchitecture(space: SearchSpace, state: SpaceState, alpha: readonly (readonly number[])[]): Architecture {
  return space.choices.map((choice, c) => {
    let best: string | null = null;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (const op of state.remaining[c] ?? []) {
      const value = alpha[c]?.[choice.ops.indexOf(op)] ?? Number.NEGATIVE_INFINITY;
      if (best === null || value > bestValue) {
        best = op;
        bestValue = value;
      }
    }
    if (best === null) throw new Error(`deriveArchitecture: choice ${choice.id} has no remaining op`);
    return best;
  });
}

/** The node's alpha as the DTO records it (rows = choice points, columns = the node's remaining ops). */
export function archRecord(space: SearchSpace, state: SpaceState, arch: NodeArchState, frozen: boolean, derived: NodeArchDto['derived'] = null): NodeArchDto {
  const alpha = arch.alphaRows();
  const weights = arch.weightRows(state);
  const ops = space.choices.map((_, c) => [...(state.remaining[c] ?? [])]);
  const column = (c: number, op: string): number => space.choices[c]?.ops.indexOf(op) ?? -1;
  return {
    choices: space.choices.map((ch) => ch.id),
    ops,
    alpha: ops.map((row, c) => row.map((op) => alpha[c]?.[column(c, op)] ?? 0)),
    weights: ops.map((row, c) => row.map((op) => weights[c]?.[column(c, op)] ?? 0)),
    frozen,
    steps: arch.alphaSteps,
    derived,
  };
}

/** `tree` with each node's alpha record where there is one (other nodes unchanged). */
export function withArchRecords(tree: SubSupernetTreeDto, records: ReadonlyMap<number, NodeArchDto>): SubSupernetTreeDto {
  return { nodes: tree.nodes.map((n) => {
    const arch = records.get(n.id);
    return arch ? { ...n, arch } : n;
  }) };
}

/**
 * The leaf's one candidate: argmax of its alpha within `state`, scored on the seeded validation
 * subset (`valSeed`, the same in every leaf) after BN recalibration.
 */
export async function searchLeafByAlpha(trainer: SupernetTrainer, node: number, state: SpaceState, arch: NodeArchState, valImages: number, valSeed: number): Promise<LeafCandidate[]> {
  const space = trainer.space;
  const derived = deriveArchitecture(space, state, arch.alphaRows());
  const fitness = searchFitness(trainer, valImages, new SeededRng(valSeed));
  try {
    return [{ node, architecture: space.format(derived), fitness: await fitness.evaluate(derived) }];
  } finally {
    fitness.dispose();
  }
}
