/**
 * One searchable DARTS cell (ALGORITHMS.md part C): inputs c_{k-2} and c_{k-1}, preprocessed by
 * ReLU-conv1x1-BN (or FactorizedReduce when the previous cell reduced), 4 intermediate nodes
 * fed by 2+3+4+5 = 14 edges, output the channel concat of the 4 intermediate nodes. In a
 * reduction cell the edges leaving the two inputs have stride 2. Every (edge, op) owns its own
 * weights (ALGORITHMS.md E4); preprocessing and op BNs are affine-free as in DARTS' search model.
 */
import * as tf from '@tensorflow/tfjs';
import { DARTS_CELL_EDGES, DARTS_INTERMEDIATE_NODES } from '../space/dartsSpace';
import { createReluConvBn, reluConvBn, reluConvBnTrainables, type ReluConvBn } from './blocks';
import { createDartsOp, createFactorizedReduce, dartsOpForward, dartsOpTrainables, factorizedReduce, factorizedReduceTrainables, type DartsOpOptions, type DartsOpUnit, type FactorizedReduce } from './dartsBlocks';
import type { ParamStore } from './params';

/** A cell's shape: what it reads and how wide its nodes are. */
export interface DartsCellShape {
  /** Channels of c_{k-2} and c_{k-1}. */
  readonly prevPrevChannels: number;
  readonly prevChannels: number;
  /** C of this cell: channels of every node (the output has 4C). */
  readonly channels: number;
  readonly reduction: boolean;
  /** The previous cell reduced, so c_{k-2} is twice the size of c_{k-1}. */
  readonly reductionPrev: boolean;
}

export interface DartsCell {
  readonly name: string;
  readonly shape: DartsCellShape;
  readonly pre0: { kind: 'rcb'; unit: ReluConvBn } | { kind: 'fr'; unit: FactorizedReduce };
  readonly pre1: ReluConvBn;
  /** edgeOps[e].get(op): the weights of op on edge e (null for ops without tensors). */
  readonly edgeOps: ReadonlyArray<ReadonlyMap<string, DartsOpUnit | null>>;
}

/** Stride of edge `from -> to` in a cell: 2 on the input edges of a reduction cell. */
export function edgeStride(reduction: boolean, from: number): number {
  return reduction && from < 2 ? 2 : 1;
}

/** Creates `<name>/pre0`, `<name>/pre1` and `<name>/e{0..13}/<op>/...` for every op in `ops`. */
export function createDartsCell(params: ParamStore, name: string, shape: DartsCellShape, ops: readonly string[], options: DartsOpOptions): DartsCell {
  const c = shape.channels;
  const pre0 = shape.reductionPrev
    ? ({ kind: 'fr', unit: createFactorizedReduce(params, `${name}/pre0`, shape.prevPrevChannels, c, false) } as const)
    : ({ kind: 'rcb', unit: createReluConvBn(params, `${name}/pre0`, 1, shape.prevPrevChannels, c, 1, false) } as const);
  const pre1 = createReluConvBn(params, `${name}/pre1`, 1, shape.prevChannels, c, 1, false);
  const edgeOps = DARTS_CELL_EDGES.map(([, from], e) => {
    const units = new Map<string, DartsOpUnit | null>();
    for (const op of ops) units.set(op, createDartsOp(params, `${name}/e${e}/${op}`, op, c, edgeStride(shape.reduction, from), options));
    return units;
  });
  return { name, shape, pre0, pre1, edgeOps };
}

/**
 * Runs a cell given what each edge computes: `edgeFn(e, x, stride)` returns the edge's output
 * [N,H/stride,W/stride,C] or null when it contributes nothing. s0, s1 [N,H,W,*] -> [N,H',W',4C].
 */
function runCell(cell: DartsCell, s0: tf.Tensor4D, s1: tf.Tensor4D, training: boolean, edgeFn: (e: number, x: tf.Tensor4D, stride: number) => tf.Tensor4D | null): tf.Tensor4D {
  return tf.tidy(() => {
    const p0 = cell.pre0.kind === 'fr' ? factorizedReduce(cell.pre0.unit, s0, training) : reluConvBn(cell.pre0.unit, s0, training);
    const p1 = reluConvBn(cell.pre1, s1, training);
    const [n, h, w, c] = p1.shape;
    const s = cell.shape.reduction ? 2 : 1;
    const nodeShape: [number, number, number, number] = [n, Math.ceil(h / s), Math.ceil(w / s), c];
    const nodes: tf.Tensor4D[] = [p0, p1];
    for (const to of DARTS_INTERMEDIATE_NODES) {
      const terms: tf.Tensor4D[] = [];
      DARTS_CELL_EDGES.forEach(([target, from], e) => {
        if (target !== to) return;
        const out = edgeFn(e, nodes[from] as tf.Tensor4D, edgeStride(cell.shape.reduction, from));
        if (out) terms.push(out);
      });
      nodes.push(terms.length === 0 ? tf.zeros(nodeShape) : terms.length === 1 ? (terms[0] as tf.Tensor4D) : tf.addN(terms));
    }
    return tf.concat(nodes.slice(2), 3);
  });
}

function unitOf(cell: DartsCell, e: number, op: string): DartsOpUnit | null {
  const units = cell.edgeOps[e];
  if (!units?.has(op)) throw new Error(`${cell.name} has no op '${op}' on edge ${e}`);
  return units.get(op) ?? null;
}

/**
 * Single-path cell forward: `cellOps` are the 14 ops of this cell type in edge order.
 * s0 [N,H0,W0,C0], s1 [N,H,W,C1] -> [N,H/r,W/r,4C] (r = 2 in a reduction cell).
 */
export function dartsCellForward(cell: DartsCell, s0: tf.Tensor4D, s1: tf.Tensor4D, cellOps: readonly string[], training: boolean): tf.Tensor4D {
  return runCell(cell, s0, s1, training, (e, x, stride) => {
    const op = cellOps[e] as string;
    return dartsOpForward(op, unitOf(cell, e, op), x, stride, training);
  });
}

/**
 * Mixed cell forward: edge e outputs sum_k w[e][k] * op_k(x) over `ops[e]`, skipping ops whose
 * weight is exactly 0 and `none`. `weightRows` are the 14 rows [1, K] of this cell type's
 * weights (tensors, so the sum stays differentiable); `values` their numbers.
 */
export function dartsCellForwardMixed(cell: DartsCell, s0: tf.Tensor4D, s1: tf.Tensor4D, ops: readonly (readonly string[])[], weightRows: readonly tf.Tensor[], values: readonly (readonly number[])[], training: boolean): tf.Tensor4D {
  return runCell(cell, s0, s1, training, (e, x, stride) => {
    const terms: tf.Tensor4D[] = [];
    (ops[e] as readonly string[]).forEach((op, k) => {
      if ((values[e]?.[k] ?? 0) === 0) return;
      const out = dartsOpForward(op, unitOf(cell, e, op), x, stride, training);
      if (out) terms.push(tf.mul(out, tf.reshape(tf.slice(weightRows[e] as tf.Tensor, [0, k], [1, 1]), [1, 1, 1, 1])));
    });
    return terms.length === 0 ? null : terms.length === 1 ? (terms[0] as tf.Tensor4D) : tf.addN(terms);
  });
}

/** The fixed tensors of a cell (preprocessing) plus the trainables of `cellOps` on each edge. */
export function dartsCellTrainables(cell: DartsCell, cellOps: readonly string[]): tf.Variable[] {
  const pre0 = cell.pre0.kind === 'fr' ? factorizedReduceTrainables(cell.pre0.unit) : reluConvBnTrainables(cell.pre0.unit);
  const out = [...pre0, ...reluConvBnTrainables(cell.pre1)];
  cellOps.forEach((op, e) => out.push(...dartsOpTrainables(unitOf(cell, e, op))));
  return out;
}
