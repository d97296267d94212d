/**
 * The `angle` and `angle-cells` metrics (ALGORITHMS.md A1/A2 and "Two angle vectors"): ABS's
 * angle between each child's reference and current weight vectors, scored by the decomposed
 * sums (nb201Angle.ts), so all 15,625 NB201 children cost one pass over the weights. DARTS
 * cells (16 paths each) and MobileNet-like layers use the same sums per block (dartsAngle.ts,
 * mobilenetAngle.ts, blockAngle.ts). `angle-cells` there leaves out the same fixed parts
 * (stem, preprocessing or first block, head conv, classifier).
 *
 * `angle` is the official vector (fixed parts included); `angle-cells` keeps only the cell path
 * blocks. A child with no cell blocks at all (every path dropped by `none`, or only skips left)
 * has an empty `angle-cells` vector: its score is 0 (the smallest angle, "did not move") and it
 * is flagged in `empty`. Its `angle` is the angle of the fixed parts alone.
 */
import { NasError } from '../../../shared/errors';
import type { Architecture } from '../space/searchSpace';
import { referenceLookup, snapshotWeights } from './angle';
import type { ArchitectureMetric, ArchitectureScores, MetricContext } from './metric';
import { BlockAngleScorer, type AngleScorer } from './blockAngle';
import { dartsAngleLayout } from './dartsAngle';
import { mobilenetAngleLayout } from './mobilenetAngle';
import { Nb201AngleTable, nb201AngleNames, nb201AngleShape } from './nb201Angle';

/**
 * The decomposed angle scorer of the context's supernet now against its reference: NB201's
 * (edge, op) table, or block sums over the DARTS or MobileNet-like layout.
 * @throws NasError INVALID_CONFIG without a reference.
 */
export async function angleScorer(ctx: MetricContext): Promise<AngleScorer> {
  const { space, params } = ctx.supernet;
  if (!ctx.reference) {
    throw new NasError('INVALID_CONFIG', 'The angle metric needs the reference weights (W0).', { fix: "Load the experiment's 'reference' checkpoint into the metric context." });
  }
  const reference = referenceLookup(ctx.reference);
  if (space.kind === 'darts' || space.kind === 'mobilenet') {
    const layout = space.kind === 'darts' ? dartsAngleLayout(params) : mobilenetAngleLayout(params, space);
    return new BlockAngleScorer(layout, reference, await snapshotWeights(params, layout.names));
  }
  const shape = nb201AngleShape(params);
  return Nb201AngleTable.build(shape, reference, await snapshotWeights(params, nb201AngleNames(shape)));
}

function angleMetric(name: string, cellsOnly: boolean, description: string): ArchitectureMetric {
  return {
    name,
    description,
    largerIsBetter: true,
    async scoreArchitectures(ctx: MetricContext, archs: readonly Architecture[]): Promise<ArchitectureScores> {
      const table = await angleScorer(ctx);
      const values = archs.map((arch) => table.score(arch, cellsOnly));
      const scores = values.map((v) => v.angle);
      return values.some((v) => v.empty) ? { scores, empty: values.map((v) => v.empty) } : { scores };
    },
  };
}

/** ABS's official angle: fixed parts plus cell paths (A2). */
export const ANGLE_METRIC = angleMetric('angle', false, 'Angle between reference and current weights of the child (ABS, official vector with stem, reductions and classifier).');

/** The angle of the cell path blocks only (project decision: fixed parts dominate small supernets). */
export const ANGLE_CELLS_METRIC = angleMetric('angle-cells', true, 'Angle between reference and current weights of the child, cell paths only (0 and flagged empty when no cell weights).');
