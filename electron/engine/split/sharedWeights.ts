/**
 * Which parameters count as the "shared" weights of the GM score (ALGORITHMS.md B2 step 3, E8):
 * the weights every op of the candidate edge trains together, so that the cosine between their
 * gradients says whether two ops pull the shared weights the same way. The candidate edge's own
 * op weights are always excluded (each op has its own, so they are not shared).
 *
 * By space, from the logical names of the supernets (params.ts):
 * - NB201 ([GM] search_model_ws.py `get_split_gradients`): the op weights of every OTHER edge
 *   of every cell (`cell{i}/e{k}/{op}/conv`, k != e; cells are affine-free, so only kernels) and
 *   the fixed ResNet reduction blocks (`reduce{s}/...`). Stem, head BN and classifier are out.
 * - DARTS ([GM] model_search_ws.py): the op weights of every edge except e in cells of the split
 *   type (normal or reduction), plus every edge of cells of the other type. Preprocessing
 *   (`cell{i}/pre0`, `pre1`), stem and classifier are out.
 * - MobileNet-like ([GM] super_proxyless.py): stem conv and BN (Proxyless' "first conv"),
 *   the fixed first block (`first/...`, Proxyless' block 0), every op of every OTHER layer (only
 *   the path's active op gets a gradient; the others are filtered out as null), head conv and
 *   BN (the "feature mix" layer) and the classifier. Our supernet has no separate block 0
 *   inside the searchable layers, so `first/` stands for it.
 * Only trainable tensors: BN running statistics are never part of the vector.
 */
import { NasError } from '../../../shared/errors';
import type { DartsSupernet } from '../supernet/dartsSupernet';
import type { Supernet } from '../supernet/supernet';
import { DARTS_EDGES_PER_CELL } from '../space/dartsSpace';

const CELL_EDGE = /^cell(\d+)\/e(\d+)\//;

function nb201Shared(name: string, edge: number): boolean {
  const m = CELL_EDGE.exec(name);
  if (m) return Number(m[2]) !== edge;
  return name.startsWith('reduce');
}

function dartsShared(net: Supernet, name: string, choiceIndex: number): boolean {
  const m = CELL_EDGE.exec(name);
  if (!m) return false; // stem, preprocessing, classifier
  const cells = (net as DartsSupernet).cells;
  const cell = cells?.[Number(m[1])];
  if (!cell) throw new NasError('INTERNAL', `No DARTS cell for parameter '${name}'.`);
  const splitIsReduction = choiceIndex >= DARTS_EDGES_PER_CELL;
  return !(cell.shape.reduction === splitIsReduction && Number(m[2]) === choiceIndex % DARTS_EDGES_PER_CELL);
}

/**
 * Logical names of the shared trainable parameters for splitting choice `choiceIndex`, in the
 * parameter store's creation order (the same list, in the same order, for every op; E8).
 */
export function sharedParamNames(net: Supernet, choiceIndex: number): string[] {
  const choice = net.space.choices[choiceIndex];
  if (!choice) throw new NasError('INVALID_CONFIG', `Choice index ${choiceIndex} is outside ${net.space.name} (0..${net.space.choices.length - 1}).`, { fix: 'Pick an edge or layer of the space.' });
  const ownPrefix = `${choice.id}/`;
  const keep = (name: string): boolean => {
    switch (net.space.kind) {
      case 'nb201':
        return nb201Shared(name, choiceIndex);
      case 'darts':
        return dartsShared(net, name, choiceIndex);
      case 'mobilenet':
        return !name.startsWith(ownPrefix);
    }
  };
  return net.params.entries().filter(([name, v]) => v.trainable && keep(name)).map(([name]) => name);
}
