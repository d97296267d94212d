/**
 * The `angle` and `angle-cells` metrics (ALGORITHMS.md A1/A2 and "Two angle vectors"): ABS's
 * angle between each child's reference and current weight vectors, scored by the decomposed
 * sums (nb201Angle.ts), so all 15,625 NB201 children cost one pass over the weights.
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
import { Nb201AngleTable, nb201AngleNames, nb201AngleShape } from './nb201Angle';

/**
 * The decomposed angle table of the context's supernet now against its reference.
 * @throws NasError INVALID_CONFIG without a reference or for a space without angle vectors yet.
 */
export async function angleTable(ctx: MetricContext): Promise<Nb201AngleTable> {
  const space = ctx.supernet.space;
  if (space.kind !== 'nb201') {
    throw new NasError('INVALID_CONFIG', `The angle metric is not available for the ${space.kind} space yet.`, { fix: 'Use an NB201 space, or the accuracy or magnitude metric.' });
  }
  if (!ctx.reference) {
    throw new NasError('INVALID_CONFIG', 'The angle metric needs the reference weights (W0).', { fix: "Load the experiment's 'reference' checkpoint into the metric context." });
  }
  const shape = nb201AngleShape(ctx.supernet.params);
  const current = await snapshotWeights(ctx.supernet.params, nb201AngleNames(shape));
  return Nb201AngleTable.build(shape, referenceLookup(ctx.reference), current);
}

function angleMetric(name: string, cellsOnly: boolean, description: string): ArchitectureMetric {
  return {
    name,
    description,
    largerIsBetter: true,
    async scoreArchitectures(ctx: MetricContext, archs: readonly Architecture[]): Promise<ArchitectureScores> {
      const table = await angleTable(ctx);
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
