/**
 * One split decision of the GM runner (ALGORITHMS.md B1-B4): which edge of a trained
 * sub-supernet to split and into which groups, by the configured rule, with the GM distances and
 * the certainty of the decision when the rule measured any.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { batches } from '../data';
import { SeededRng } from '../random/seededRng';
import type { SplitCertainty } from '../split/edgeChoice';
import { bootstrapCertainty, chooseEdge, splitCertainty } from '../split/edgeChoice';
import type { EdgeCandidate } from '../split/edgeChoice';
import type { GmConfig } from '../split/gmConfig';
import { gmScoreEdges } from '../split/gradientMatching';
import type { GmBatch } from '../split/gradientMatching';
import { splittableEdges } from '../split/subSupernetTree';
import type { SubSupernetNode } from '../split/subSupernetTree';
import type { Supernet } from '../supernet/supernet';
import type { ExperimentData } from './experimentData';

export interface SplitDecision {
  readonly choiceIndex: number;
  readonly groups: string[][];
  /** GM distances on the chosen edge (rows = the node's remaining ops there); null when not measured. */
  readonly distance: number[][] | null;
  readonly certainty: SplitCertainty | null;
  /** Every scored edge: choice id -> the edge rule's score (cross or within distance); {} when none was scored. */
  readonly candidates: Record<string, number>;
  /** Every scored edge's full GM matrix, for results.json. */
  readonly matrices: Record<string, { ops: readonly string[]; distance: number[][] }>;
}

export interface SplitContext {
  readonly net: Supernet;
  readonly node: SubSupernetNode;
  readonly data: ExperimentData;
  readonly gm: GmConfig;
  readonly batchSize: number;
  readonly seed: number;
  readonly cancelled: () => boolean;
  /** GM+DARTS: alpha [choices, K]; the mixed GM score uses its masked softmax (default zeros: uniform). */
  readonly alpha?: tf.Variable;
}

/** The predefined edge of depth d (the last entry repeats for deeper splits). */
function predefinedEdge(gm: GmConfig, depth: number): number {
  return gm.predefinedEdges[Math.min(depth, gm.predefinedEdges.length - 1)] as number;
}

/** An endless supply of seeded, shuffled training batches for the GM repeats; the GM score disposes them. */
function batchSupply(data: ExperimentData, batchSize: number, rng: SeededRng): () => GmBatch {
  let it: Generator<{ x: tf.Tensor4D; y: tf.Tensor1D }> | null = null;
  return () => {
    for (;;) {
      it ??= batches(data.train, data.trainIndices, { batchSize, shuffle: true, rng, normalize: data.normalize, dropLast: true });
      const next = it.next();
      if (!next.done) return { x: next.value.x, labels: next.value.y };
      it = null;
    }
  };
}

/** Decides how `ctx.node` splits; see the rules in split/gmConfig.ts. */
export async function decideSplit(ctx: SplitContext): Promise<SplitDecision> {
  const { node, gm } = ctx;
  const space = ctx.net.space;
  const open = splittableEdges(node);
  if (gm.rule === 'exhaustive') {
    const edge = predefinedEdge(gm, node.depth);
    const ops = node.state.remaining[edge] ?? [];
    if (ops.length < 2) throw new NasError('INVALID_CONFIG', `Sub-supernet ${node.id} has ${ops.length} op(s) on edge ${space.choices[edge]?.id ?? edge}; an exhaustive split needs 2 or more.`, { fix: 'Set gm.predefinedEdges to an edge that still has several ops.' });
    return { choiceIndex: edge, groups: ops.map((op) => [op]), distance: null, certainty: null, candidates: {}, matrices: {} };
  }
  if (open.length === 0) {
    throw new NasError('INVALID_CONFIG', `Sub-supernet ${node.id} has no edge with 2 or more ops left to split.`, { fix: 'Start from a larger space, or use a setting with fewer splits.' });
  }
  if (gm.rule === 'random') {
    // A baseline for the GM criterion: a seeded random edge and a random split of its ops into
    // two groups of sizes floor(n/2) and the rest (2 + 3 on a full NB201 edge, as min-cut).
    const rng = new SeededRng(ctx.seed);
    const edge = rng.pick(open);
    const ops = [...(node.state.remaining[edge] ?? [])];
    const order = rng.permutation(ops.length).map((i) => ops[i] as string);
    const cut = Math.floor(ops.length / 2);
    return { choiceIndex: edge, groups: [order.slice(0, cut), order.slice(cut)], distance: null, certainty: null, candidates: {}, matrices: {} };
  }
  const edges = gm.rule === 'predefined' ? [predefinedEdge(gm, node.depth)] : open;
  if (gm.rule === 'predefined' && !open.includes(edges[0] as number)) {
    throw new NasError('INVALID_CONFIG', `The predefined split edge ${String(edges[0])} of depth ${node.depth} is not splittable in sub-supernet ${node.id}.`, { fix: `Use one of: ${open.join(', ')}.` });
  }
  const results = await gmScoreEdges(ctx.net, edges, {
    state: node.state,
    nextBatch: batchSupply(ctx.data, ctx.batchSize, new SeededRng(ctx.seed)),
    repeats: gm.repeats,
    mode: gm.gmMode,
    ...(ctx.alpha ? { alpha: ctx.alpha as tf.Tensor2D } : {}),
    seed: ctx.seed + 1,
    cancelled: ctx.cancelled,
  });
  const candidates: EdgeCandidate[] = results.map((r) => ({ choiceIndex: r.choiceIndex, ops: r.ops, distance: r.distance, perRepeat: r.perRepeat }));
  const rule = gm.rule === 'predefined' ? 'predefined' : gm.edgeRule;
  const decision = chooseEdge(candidates, { rule, predefined: edges[0] as number });
  const bootstrap = gm.bootstrap > 0 && gm.repeats > 1 ? bootstrapCertainty(candidates, decision, { samples: gm.bootstrap, seed: ctx.seed + 2 }) : null;
  const chosen = results.find((r) => r.choiceIndex === decision.choiceIndex);
  return {
    choiceIndex: decision.choiceIndex,
    groups: decision.groups,
    distance: chosen ? chosen.distance : null,
    certainty: splitCertainty(decision, bootstrap),
    candidates: Object.fromEntries(decision.scores.map((s) => [space.choices[s.choiceIndex]?.id ?? String(s.choiceIndex), gm.edgeRule === 'min-within' ? s.within : s.cross])),
    matrices: Object.fromEntries(results.map((r) => [r.choiceId, { ops: r.ops, distance: r.distance }])),
  };
}
