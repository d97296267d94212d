/**
 * The GM-NAS / few-shot sub-supernet tree as it crosses IPC and lands in results.json (`tree`)
 * and in `split` events: who split from whom, at which epoch, on which edge, with which groups,
 * the gradient-matching distances that decided it and how certain the decision was.
 * The engine's own tree (electron/engine/split/subSupernetTree.ts) is structurally this shape;
 * the renderer reads only this one.
 */
import { z } from 'zod';

const matrix = z.array(z.array(z.number()));

/** How certain a split decision was (ALGORITHMS.md B2-B4; a noise-decided split must be visible). */
export const splitCertaintySchema = z.object({
  /** Runner-up partition cost minus the best cost on the split edge. */
  partitionMargin: z.number(),
  /** Lead of the chosen edge over the runner-up; null when the edge was not chosen by the data. */
  edgeMargin: z.number().nullable(),
  bootstrap: z
    .object({
      samples: z.number().int(),
      partitionFrequency: z.number(),
      edgeFrequency: z.number().nullable(),
      jointFrequency: z.number().nullable(),
    })
    .nullable(),
});
export type SplitCertaintyDto = z.infer<typeof splitCertaintySchema>;

/**
 * A GM+DARTS sub-supernet's architecture parameters (gm.search 'darts'), for display: per
 * choice point (edge), the node's remaining ops with their alpha and softmax weight, and, for a
 * trained leaf, the architecture alpha derives (argmax per edge over the node's own ops) with its
 * validation accuracy. Absent on nodes of RSPS, few-shot and one-shot runs.
 */
export const nodeArchSchema = z.object({
  /** Row ids (space.choices ids, e.g. `1<-0`). */
  choices: z.array(z.string()),
  /** Per row, the node's remaining ops: the columns of `alpha` and `weights` in that row. */
  ops: z.array(z.array(z.string())),
  /** Raw alpha per row and op. */
  alpha: matrix,
  /** softmax(alpha) over the row's ops (each row sums to 1). */
  weights: matrix,
  /** True while alpha was frozen (uniform weights, before the final split). */
  frozen: z.boolean(),
  /** Alpha updates so far (inherited ones included). */
  steps: z.number().int().nonnegative(),
  /** The candidate argmax(alpha) derives, for a trained leaf; null otherwise. */
  derived: z.object({ architecture: z.string(), valAccuracy: z.number().nullable() }).nullable(),
});
export type NodeArchDto = z.infer<typeof nodeArchSchema>;

export const subSupernetNodeSchema = z.object({
  id: z.number().int().nonnegative(),
  parentId: z.number().int().nonnegative().nullable(),
  depth: z.number().int().nonnegative(),
  /** The node's space: remaining op names per edge/layer (its parent's, the split edge restricted to its group). */
  state: z.object({ remaining: z.array(z.array(z.string())), locked: z.array(z.string()), forceDropped: z.array(z.string()) }),
  /** The choice index the parent split on to make this node; null for the root. */
  splitEdge: z.number().int().nonnegative().nullable(),
  /** Every group of that split (this node holds groups[groupIndex]); [] for the root. */
  groups: z.array(z.array(z.string())),
  groupIndex: z.number().int().nonnegative().nullable(),
  /** GM distances 1 - cos (rows/columns = the parent's remaining ops on the edge, in order); null for exhaustive splits and the root. */
  distance: matrix.nullable(),
  certainty: splitCertaintySchema.nullable(),
  createdAtEpoch: z.number(),
  status: z.enum(['training', 'split', 'done']),
  splitEdges: z.array(z.number().int().nonnegative()),
  /** GM+DARTS only (optional: older and RSPS trees lack it). */
  arch: nodeArchSchema.optional(),
});
export type SubSupernetNodeDto = z.infer<typeof subSupernetNodeSchema>;

export const subSupernetTreeSchema = z.object({ nodes: z.array(subSupernetNodeSchema) });
export type SubSupernetTreeDto = z.infer<typeof subSupernetTreeSchema>;
