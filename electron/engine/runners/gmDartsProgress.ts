/**
 * The run-wide part of a GM+DARTS run's resume state (ADR 0008): every node's alpha record so
 * far (what the tree DTO's `arch` and results.json's `darts.nodes` show, a searched leaf's
 * derived architecture included) and its per-epoch alpha history. It rides in the GM progress
 * (`meta.extra.gm.progress.darts`, gmCheckpointState.ts), so every GM checkpoint of the run, the
 * tensorless gm-progress included, holds it; the per-node part (alpha, its Adam moments and
 * step, the alpha-batch stream) is in the node's own checkpoint (gmArchState.ts,
 * alphaBatchStream.ts). No tfjs here: the checkpoint schema imports it.
 */
import { z } from 'zod';
import { nodeArchSchema } from '../../../shared/model/splitTree';
import type { NodeArchDto } from '../../../shared/model/splitTree';

/** alpha's softmax weights after an epoch (rows = choice points, columns = the node's ops). */
export interface AlphaSnapshot {
  readonly epoch: number;
  readonly weights: number[][];
}

export interface GmDartsNodeProgress {
  readonly id: number;
  readonly arch: NodeArchDto;
  readonly history: AlphaSnapshot[];
}

/** Every node started so far, in start order. */
export interface GmDartsProgress {
  readonly nodes: GmDartsNodeProgress[];
}

export const gmDartsProgressSchema = z.object({
  nodes: z.array(z.object({ id: z.number().int().nonnegative(), arch: nodeArchSchema, history: z.array(z.object({ epoch: z.number().int().nonnegative(), weights: z.array(z.array(z.number())) })) })),
});
