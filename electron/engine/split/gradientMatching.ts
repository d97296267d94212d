/**
 * The GM score of GM-NAS (Hu et al., ICLR'22; ALGORITHMS.md B2, E8): for a candidate edge e of
 * a supernet and each of its remaining ops o, run the supernet with e set to o only, forward one
 * training batch, backprop the CE loss and take the gradient g_o of the SHARED weights
 * (sharedWeights.ts). Two ops whose gradients point apart (D_ij = 1 - cos(g_i, g_j) large) want
 * different shared weights, so they should live in different sub-supernets.
 *
 * Modes (how the rest of the network is run):
 * - `mixed` (DARTS-style; NB201 and DARTS default): every other edge is the masked-softmax mix
 *   of its remaining ops; alpha is frozen and uniform before the final split, so the default
 *   alpha is zeros. Row e becomes one-hot(o) (`one-hot`, NB201 `hard=1`; MobileNet) or keeps only
 *   o's current weight (`keep-weight`, DARTS space).
 * - `rsps` (random single path; MobileNet default, Proxyless' binary gates): one uniform random
 *   path inside the space state per repeat, drawn once and shared by every op and every edge
 *   scored in that repeat, with e forced to o. Dead paths (e.g. `none`) give zero gradients.
 *
 * Per repeat r (fresh batch): D^r_ij = 1 - <g_i, g_j> / (|g_i| |g_j| + 1e-6) on the flattened
 * concatenation ([GM] utils.py `match_loss`, dis_metric 'cos'); the diagonal is set to exactly 0.
 * Parameters whose gradient is null (not on the path) count as zeros, so the vectors of all ops
 * keep one ordering; those that are zero for every op are left out (changes no cosine). An op
 * whose whole vector is zero (e.g. an RSPS path that is dead behind `none`) is at D = 1 from every
 * other op, as the official epsilon makes it. The result averages D over R repeats (paper R = 100).
 *
 * Cost (measured, wasm backend, 2 shared cores, nb201-fashion C=8 N=1, batch 64 of 28x28):
 * mixed mode about 1.1 s per repeat per edge (5 forward/backward passes), RSPS about 0.35 s; so
 * R = 100 over the 6 NB201 edges is about 11 minutes in mixed mode.
 *
 * BN runs in training mode (as the official `model.train()`); the running statistics it moves
 * are restored afterwards, and no weight is ever updated.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { SeededRng } from '../random/seededRng';
import type { SpaceState } from '../space/spaceState';
import { maskedSoftmax } from '../supernet/maskedSoftmax';
import type { Supernet } from '../supernet/supernet';
import { softmaxCrossEntropy } from '../train/losses';
import { sharedParamNames } from './sharedWeights';

export type GmMode = 'mixed' | 'rsps';

/** One training batch: x float32 [B,H,W,C] (normalised), labels int32 [B]. */
export interface GmBatch {
  readonly x: tf.Tensor4D;
  readonly labels: tf.Tensor1D;
}

export interface GmOptions {
  /** The sub-supernet's space state: remaining ops per edge (masks the mix and the paths). */
  readonly state: SpaceState;
  /** A fresh random training batch for repeat r. gmScore disposes it after use. */
  readonly nextBatch: (repeat: number) => GmBatch | Promise<GmBatch>;
  /** R, repeats averaged (default 100, the paper's). */
  readonly repeats?: number;
  /** Default `rsps` for MobileNet-like spaces, `mixed` otherwise. */
  readonly mode?: GmMode;
  /** Mixed mode: architecture logits float32 [choices, K]; default zeros (uniform). Not disposed. */
  readonly alpha?: tf.Tensor2D;
  /** Mixed mode: row e of the weights; default `keep-weight` for DARTS, `one-hot` otherwise. */
  readonly edgeRow?: 'one-hot' | 'keep-weight';
  /** Seed of the RSPS path draws. */
  readonly seed?: number;
  /** Checked between repeats; true stops with NasError JOB_CANCELLED. */
  readonly cancelled?: () => boolean;
}

export interface GmResult {
  readonly choiceIndex: number;
  readonly choiceId: string;
  /** The edge's remaining ops: rows/columns of the matrices. */
  readonly ops: readonly string[];
  /** Mean over repeats of D, ops x ops, symmetric, zero diagonal, values in [0, 2]. */
  readonly distance: number[][];
  /** D of each repeat (for the bootstrap in edgeChoice.ts). */
  readonly perRepeat: number[][][];
  /** The shared parameters considered (logical names, store order). */
  readonly paramNames: readonly string[];
  /** Those with a non-zero gradient for some op in some repeat (the ones the vectors used). */
  readonly usedParamNames: readonly string[];
  readonly timings: { readonly totalMs: number; readonly perRepeatMs: number[] };
}

/** GM score of one edge; see {@link gmScoreEdges}. */
export async function gmScore(net: Supernet, choiceIndex: number, options: GmOptions): Promise<GmResult> {
  return (await gmScoreEdges(net, [choiceIndex], options))[0] as GmResult;
}

interface EdgePlan {
  readonly choiceIndex: number;
  readonly ops: readonly string[];
  readonly vars: tf.Variable[];
  readonly names: string[];
  readonly used: boolean[];
  readonly perRepeat: number[][][];
  readonly perRepeatMs: number[];
}

/**
 * GM scores of several edges; every repeat draws ONE batch (and, in RSPS mode, one path) and
 * scores every edge on it, so the edges' repeats are paired (the bootstrap resamples them
 * together). The supernet's weights and running statistics are unchanged afterwards.
 * @throws NasError INVALID_CONFIG for an edge with fewer than 2 remaining ops.
 */
export async function gmScoreEdges(net: Supernet, choiceIndices: readonly number[], options: GmOptions): Promise<GmResult[]> {
  const t0 = performance.now();
  const space = net.space;
  const repeats = options.repeats ?? 100;
  if (!Number.isInteger(repeats) || repeats < 1) throw new NasError('INVALID_CONFIG', `GM repeats must be a positive integer, got ${repeats}.`, { fix: 'Use e.g. 100 (the paper) or 2-10 for a quick look.' });
  const mode = options.mode ?? (space.kind === 'mobilenet' ? 'rsps' : 'mixed');
  const edgeRow = options.edgeRow ?? (space.kind === 'darts' ? 'keep-weight' : 'one-hot');
  const plans: EdgePlan[] = choiceIndices.map((c) => {
    const ops = options.state.remaining[c] ?? [];
    if (ops.length < 2) throw new NasError('INVALID_CONFIG', `Edge ${space.choices[c]?.id ?? c} has ${ops.length} op(s) left; a split needs at least 2.`, { fix: 'Only score edges that still have several ops.' });
    const names = sharedParamNames(net, c);
    return { choiceIndex: c, ops, names, vars: names.map((n) => net.params.get(n)), used: new Array<boolean>(names.length).fill(false), perRepeat: [], perRepeatMs: [] };
  });
  const base = mode === 'mixed' ? mixedBase(net, options) : null;
  const rng = new SeededRng(options.seed ?? 0);
  const stats = net.params.entries().filter(([, v]) => !v.trainable).map(([, v]) => ({ v, saved: tf.clone(v) }));
  try {
    for (let r = 0; r < repeats; r++) {
      if (options.cancelled?.()) throw new NasError('JOB_CANCELLED', 'The GM score was cancelled.');
      const path = options.state.remaining.map((ops) => rng.pick(ops));
      const batch = await options.nextBatch(r);
      try {
        for (const plan of plans) {
          const t = performance.now();
          const grads = plan.ops.map((op) => {
            const col = space.choices[plan.choiceIndex]?.ops.indexOf(op) ?? -1;
            // Runs inside the tape's tidy, which also frees the weights tensor.
            const logits = (): tf.Tensor2D => base
              ? net.forwardMixed(batch.x, withEdgeRow(base, plan.choiceIndex, col, edgeRow), true)
              : net.forward(batch.x, path.map((p, c) => (c === plan.choiceIndex ? op : p)), true);
            return sharedGradients(plan, batch, logits);
          });
          plan.perRepeat.push(cosineDistances(grads, plan.used));
          plan.perRepeatMs.push(performance.now() - t);
        }
      } finally {
        tf.dispose([batch.x, batch.labels]);
      }
    }
  } finally {
    for (const { v, saved } of stats) {
      v.assign(saved);
      saved.dispose();
    }
  }
  const totalMs = performance.now() - t0;
  return plans.map((p) => ({
    choiceIndex: p.choiceIndex,
    choiceId: space.choices[p.choiceIndex]?.id ?? String(p.choiceIndex),
    ops: p.ops,
    distance: meanMatrix(p.perRepeat),
    perRepeat: p.perRepeat,
    paramNames: p.names,
    usedParamNames: p.names.filter((_, i) => p.used[i]),
    timings: { totalMs, perRepeatMs: p.perRepeatMs },
  }));
}

/** The frozen mixed weights [choices, K] as JS rows (masked softmax of alpha, default uniform). */
function mixedBase(net: Supernet, options: GmOptions): number[][] {
  const space = net.space;
  const k = Math.max(...space.choices.map((c) => c.ops.length));
  return tf.tidy(() => {
    const alpha = options.alpha ?? tf.zeros([space.choices.length, k]);
    return maskedSoftmax(alpha as tf.Tensor2D, options.state, space).arraySync();
  });
}

/** A copy of the base weights with row e set to one-hot(col) or to base[e][col] at col only. The caller disposes it. */
function withEdgeRow(base: number[][], e: number, col: number, rule: 'one-hot' | 'keep-weight'): tf.Tensor2D {
  const rows = base.map((row, c) => (c !== e ? row : row.map((w, k) => (k !== col ? 0 : rule === 'one-hot' ? 1 : w))));
  return tf.tensor2d(rows, [rows.length, rows[0]?.length ?? 0], 'float32');
}

/**
 * Gradients of the CE loss w.r.t. the plan's shared variables, read back as one Float32Array
 * per variable (null when the variable is not connected to the loss).
 */
function sharedGradients(plan: EdgePlan, batch: GmBatch, logits: () => tf.Tensor2D): (Float32Array | null)[] {
  const trainable = plan.vars;
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    result = tf.variableGrads(() => tf.tidy(() => softmaxCrossEntropy(logits(), batch.labels)), trainable);
  } catch (err) {
    // tfjs refuses when no variable reaches the loss (a path whose shared part is all dead).
    if (err instanceof Error && /connection between any variable/.test(err.message)) return trainable.map(() => null);
    throw err;
  }
  try {
    return trainable.map((v) => {
      const g = result.grads[v.name];
      return g ? (g.dataSync() as Float32Array) : null;
    });
  } finally {
    tf.dispose([result.value, ...Object.values(result.grads)]);
  }
}

/**
 * D_ij = 1 - <g_i,g_j> / (|g_i||g_j| + 1e-6) over the concatenation of every parameter that
 * has a non-zero gradient for at least one op (null counts as zeros); diagonal exactly 0.
 * Marks those parameters in `used`. Accumulates in float64.
 */
export function cosineDistances(grads: readonly (readonly (Float32Array | null)[])[], used: boolean[] = []): number[][] {
  const n = grads.length;
  const params = grads[0]?.length ?? 0;
  const dot = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let p = 0; p < params; p++) {
    const vs = grads.map((g) => g[p] ?? null);
    if (!vs.some((v) => v !== null && v.some((x) => x !== 0))) continue; // zero for every op: filtered (E8)
    used[p] = true;
    for (let i = 0; i < n; i++) {
      const a = vs[i];
      if (!a) continue;
      for (let j = i; j < n; j++) {
        const b = vs[j];
        if (!b) continue;
        let s = 0;
        for (let q = 0; q < a.length; q++) s += (a[q] as number) * (b[q] as number);
        (dot[i] as number[])[j] = ((dot[i] as number[])[j] as number) + s;
      }
    }
  }
  const norm = dot.map((row, i) => Math.sqrt(row[i] as number));
  return dot.map((_, i) => dot.map((__, j) => {
    if (i === j) return 0;
    const d = (dot[Math.min(i, j)] as number[])[Math.max(i, j)] as number;
    return 1 - d / ((norm[i] as number) * (norm[j] as number) + 1e-6);
  }));
}

function meanMatrix(mats: readonly number[][][]): number[][] {
  const n = mats[0]?.length ?? 0;
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => mats.reduce((s, m) => s + ((m[i] as number[])[j] as number), 0) / mats.length));
}
