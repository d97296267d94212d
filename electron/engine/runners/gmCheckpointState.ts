/**
 * What a GM run keeps in each of its checkpoints to resume (`meta.extra.gm`, ADR 0008): the
 * run's progress (the sub-supernet tree with every split decision made so far, the per-node
 * records with the finished leaves' searched candidates, the leaf candidates, the successive
 * halving's finished trainings) and, in a node checkpoint, the state of the node it belongs to.
 * The tensors (weights, BN statistics, SGD momentum) and the trainer's RNG, sampler and
 * schedule position are the SupernetTrainer's part of the same checkpoint. A GM+DARTS run adds
 * every node's alpha record and history to the progress (`darts`, gmDartsProgress.ts) and, in a
 * node checkpoint, alpha, its Adam state and the alpha-batch stream (gmDartsRun.ts).
 *
 * Plain JSON, validated on load; numbers survive the round trip exactly (JSON keeps a double's
 * shortest exact form), so restored GM matrices and fitnesses equal the killed run's.
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { subSupernetTreeSchema } from '../../../shared/model/splitTree';
import type { SubSupernetTree } from '../split/subSupernetTree';
import type { LoadedCheckpoint } from '../store/checkpoint';
import { gmDartsProgressSchema } from './gmDartsProgress';
import type { GmDartsProgress } from './gmDartsProgress';
import type { NodeRecord, SplitRecord } from './gmRunner';
import type { HalvingState, LeafCandidate } from './gmSearch';

/** Format of `meta.extra.gm`; a checkpoint of another version is refused with a fix. */
export const GM_STATE_VERSION = 1;

/** Where in a node's life its checkpoint was written (the checkpoint label says the same). */
export type GmNodePhase = 'init' | 'epoch' | 'split' | 'last';

/**
 * The node a checkpoint belongs to. Extensible on purpose: a search mode that trains more per
 * node (DARTS-style alpha and its optimizer) adds its own fields here, its tensors going into the
 * checkpoint's arrays under a prefix of their own (e.g. `alpha/`); fields this version does not
 * know are kept on load (passthrough), so nothing saved is silently dropped.
 */
export interface GmNodeState {
  readonly id: number;
  readonly phase: GmNodePhase;
  readonly [field: string]: unknown;
}

/** The whole run at the moment a checkpoint was written: enough to carry on from there. */
export interface GmProgress {
  readonly tree: SubSupernetTree;
  readonly records: NodeRecord[];
  readonly splits: SplitRecord[];
  readonly leafCandidates: LeafCandidate[];
  readonly halving: HalvingState | null;
  /** GM+DARTS runs only: every node's alpha record and history so far. */
  readonly darts?: GmDartsProgress;
}

const matrix = z.array(z.array(z.number()));
const candidateSchema = z.object({ node: z.number().int().nonnegative(), architecture: z.string(), fitness: z.number() });
const scoreSchema = z.object({ architecture: z.string(), valAccuracy: z.number() });
const source = z.enum(['parent', 'fresh']);
const inheritanceSchema = z.object({
  weights: source,
  alpha: source,
  weightOptimizer: source,
  archOptimizer: source,
  lrSchedule: z.union([z.object({ kind: z.literal('continue') }), z.object({ kind: z.literal('restart'), cosineEpochs: z.number(), trainEpochs: z.number() })]),
});
const recordSchema = z
  .object({
    id: z.number().int().nonnegative(),
    fromEpoch: z.number().int().nonnegative(),
    toEpoch: z.number().int().nonnegative(),
    epochsTrained: z.number().int().nonnegative(),
    inheritance: inheritanceSchema.nullable(),
    valAccuracy: z.number().nullable(),
    candidates: z.array(candidateSchema),
  })
  .passthrough();
const splitSchema = z
  .object({
    parentId: z.number().int().nonnegative(),
    childIds: z.array(z.number().int().nonnegative()),
    epoch: z.number().int().nonnegative(),
    choiceId: z.string(),
    rule: z.string(),
    groups: z.array(z.array(z.string())),
    candidates: z.record(z.string(), z.number()),
    matrices: z.record(z.string(), z.object({ ops: z.array(z.string()), distance: matrix })),
  })
  .passthrough();
const halvingSchema = z.object({
  rounds: z.array(z.object({ round: z.number().int().nonnegative(), epochs: z.number(), trainImages: z.number(), scores: z.array(scoreSchema), kept: z.array(z.string()) })),
  scores: z.array(scoreSchema),
});
const nodeStateSchema = z.object({ id: z.number().int().nonnegative(), phase: z.enum(['init', 'epoch', 'split', 'last']) }).passthrough();
const gmStateSchema = z.object({
  version: z.literal(GM_STATE_VERSION),
  progress: z.object({ tree: subSupernetTreeSchema, records: z.array(recordSchema), splits: z.array(splitSchema), leafCandidates: z.array(candidateSchema), halving: halvingSchema.nullable(), darts: gmDartsProgressSchema.optional() }),
  node: nodeStateSchema.nullable(),
});

/**
 * The `extra` of a GM checkpoint: `node` and `state` (what the runner always recorded, for
 * readers of a node checkpoint) and `gm`, the resume state. A copy: later changes to the run's
 * records do not reach a saved value.
 */
export function gmCheckpointExtra(progress: GmProgress, node: GmNodeState | null): Record<string, unknown> {
  const gm = JSON.parse(JSON.stringify({ version: GM_STATE_VERSION, progress, node })) as Record<string, unknown>;
  const treeNode = node ? progress.tree.nodes.find((n) => n.id === node.id) : undefined;
  return { ...(treeNode ? { node: treeNode.id, state: treeNode.state } : {}), gm };
}

/**
 * The GM state saved in `checkpoint`.
 * @throws NasError STORE_IO naming the checkpoint when it holds none (another method, an older
 *   version) or a damaged one.
 */
export function readGmCheckpointState(checkpoint: LoadedCheckpoint): { progress: GmProgress; node: GmNodeState | null } {
  const parsed = gmStateSchema.safeParse(checkpoint.meta.extra['gm']);
  if (!parsed.success) {
    throw new NasError('STORE_IO', `Checkpoint '${checkpoint.label}' has no GM run state (sub-supernet tree, split decisions, searched leaves) to resume from: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trimEnd(), {
      fix: 'It was written by an older version or another method; start the experiment again with `nas-shrink run`.',
    });
  }
  const { progress, node } = parsed.data;
  return { progress: progress as unknown as GmProgress, node: node as GmNodeState | null };
}
