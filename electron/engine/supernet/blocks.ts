/**
 * Building blocks of the NB201 network, as functional tfjs code over NHWC tensors:
 * ReLU-Conv-BN, NB201's ResNet reduction block, and the cell (a DAG of edge ops).
 */
import * as tf from '@tensorflow/tfjs';
import { nb201Op } from '../space/nb201Ops';
import { NB201_EDGES, NB201_NODES, type Nb201Genotype } from '../space/nb201Space';
import { reluFusedConv2d } from '../tf/cpu/convForwardKernel';
import { batchNorm, bnTrainables, createBn, evalBnAffine, type BnParams } from './batchNorm';
import type { ParamStore } from './params';

/**
 * Convolution x [N,H,W,Ci] * w [k,k,Ci,Co] -> [N,H/s,W/s,Co] with PyTorch's symmetric padding
 * (k-1)/2; for stride 1 that is 'same', for stride 2 it is explicit (TF's 'same' pads bottom/right).
 */
export function convSym(x: tf.Tensor4D, w: tf.Tensor4D, stride: number): tf.Tensor4D {
  const k = w.shape[0];
  if (k === 1) return tf.conv2d(x, w, stride, 'valid');
  if (stride === 1) return tf.conv2d(x, w, 1, 'same');
  const p = (k - 1) / 2;
  return tf.conv2d(x, w, stride, [[0, 0], [p, p], [p, p], [0, 0]]);
}

/** A ReLU -> conv(k, stride) -> BN unit. */
export interface ReluConvBn {
  readonly kernel: tf.Variable; // [k, k, inC, outC]
  readonly bn: BnParams;
  readonly stride: number;
}

export function createReluConvBn(params: ParamStore, name: string, k: number, inC: number, outC: number, stride: number, affine: boolean): ReluConvBn {
  return { kernel: params.convKernel(`${name}/conv`, k, inC, outC), bn: createBn(params, `${name}/bn`, outC, affine), stride };
}

/** PyTorch's symmetric padding for {@link convSym}, as a tfjs pad argument. */
function symPad(k: number, stride: number): 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]] {
  if (k === 1) return 'valid';
  if (stride === 1) return 'same';
  const p = (k - 1) / 2;
  return [[0, 0], [p, p], [p, p], [0, 0]];
}

/** Whether a gradient tape is recording (then eval mode keeps the unfused, differentiable form). */
function recordingGradients(): boolean {
  return ((tf.engine() as unknown as { state?: { gradientDepth?: number } }).state?.gradientDepth ?? 0) > 0;
}

/**
 * Eval-mode ReLU -> conv -> BN with the BN folded into the convolution: weights w * scale (per
 * output channel) and a bias, one fused conv kernel instead of a conv and two or four
 * element-wise passes. Same values as the unfused form up to float rounding.
 */
function reluConvBnFolded(unit: ReluConvBn, x: tf.Tensor4D): tf.Tensor4D {
  const { scale, shift } = evalBnAffine(unit.bn);
  const filter = tf.mul(unit.kernel, scale) as tf.Tensor4D;
  return reluFusedConv2d(x, filter, unit.stride, symPad(filter.shape[0], unit.stride), shift);
}

/** x [N,H,W,inC] -> [N,H/stride,W/stride,outC]. */
export function reluConvBn(unit: ReluConvBn, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    if (!training && !recordingGradients()) return reluConvBnFolded(unit, x);
    return batchNorm(convSym(tf.relu(x), unit.kernel as tf.Tensor4D, unit.stride), unit.bn, training);
  });
}

export function reluConvBnTrainables(unit: ReluConvBn): tf.Variable[] {
  return [unit.kernel, ...bnTrainables(unit.bn)];
}

/** NB201's ResNet basic block with stride 2 (affine BN), joining two stages. */
export interface ResReduction {
  readonly a: ReluConvBn; // 3x3 stride 2, inC -> outC
  readonly b: ReluConvBn; // 3x3 stride 1, outC -> outC
  readonly shortcut: tf.Variable; // [1, 1, inC, outC] after a 2x2 average pool
}

export function createResReduction(params: ParamStore, name: string, inC: number, outC: number): ResReduction {
  return {
    a: createReluConvBn(params, `${name}/a`, 3, inC, outC, 2, true),
    b: createReluConvBn(params, `${name}/b`, 3, outC, outC, 1, true),
    shortcut: params.convKernel(`${name}/shortcut/conv`, 1, inC, outC),
  };
}

/** x [N,H,W,inC] -> [N,H/2,W/2,outC]: b(a(x)) + conv1x1(avgpool2x2(x)). */
export function resReduction(block: ResReduction, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const main = reluConvBn(block.b, reluConvBn(block.a, x, training), training);
    const short = tf.conv2d(tf.avgPool(x, 2, 2, 'valid'), block.shortcut as tf.Tensor4D, 1, 'valid');
    return tf.add(main, short);
  });
}

export function resReductionTrainables(block: ResReduction): tf.Variable[] {
  return [...reluConvBnTrainables(block.a), ...reluConvBnTrainables(block.b), block.shortcut];
}

/** One searchable cell: for each edge, one weight set per op that has weights. */
export interface Nb201Cell {
  readonly name: string;
  /**
   * edgeOps[e].get(op) is the unit of op `op` on edge e (only ops with weights). Mutable only
   * for Nb201Supernet.releaseOp, which deletes the units of dropped operators.
   */
  readonly edgeOps: ReadonlyArray<Map<string, ReluConvBn>>;
}

export function createCell(params: ParamStore, name: string, channels: number, ops: readonly string[]): Nb201Cell {
  const edgeOps = NB201_EDGES.map((_, e) => {
    const units = new Map<string, ReluConvBn>();
    for (const op of ops) {
      const spec = nb201Op(op);
      if (spec.kind === 'relu_conv_bn') units.set(op, createReluConvBn(params, `${name}/e${e}/${op}`, spec.kernel, channels, channels, 1, false));
    }
    return units;
  });
  return { name, edgeOps };
}

/** One op on edge `e`: x [N,H,W,C] -> [N,H,W,C], or null for `none` (contributes nothing). */
export function edgeForward(cell: Nb201Cell, e: number, op: string, x: tf.Tensor4D, training: boolean): tf.Tensor4D | null {
  const spec = nb201Op(op);
  switch (spec.kind) {
    case 'zero':
      return null;
    case 'identity':
      return x;
    case 'avg_pool':
      return tf.avgPool(x, spec.kernel, 1, 'same'); // TF's 'same' excludes padding from the count, as NB201
    case 'relu_conv_bn': {
      const unit = cell.edgeOps[e]?.get(op);
      if (!unit) throw new Error(`${cell.name} has no weights for op '${op}' on edge ${e}`);
      return reluConvBn(unit, x, training);
    }
  }
}

/** Single-path cell forward: x [N,H,W,C] -> node 3 [N,H,W,C], every edge running `genotype`'s op. */
export function cellForward(cell: Nb201Cell, x: tf.Tensor4D, genotype: Nb201Genotype, training: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const nodes: tf.Tensor4D[] = [x];
    for (let node = 1; node < NB201_NODES; node++) {
      const inputs: tf.Tensor4D[] = [];
      NB201_EDGES.forEach((edge, e) => {
        if (edge.to !== node) return;
        const out = edgeForward(cell, e, genotype[e] as string, nodes[edge.from] as tf.Tensor4D, training);
        if (out) inputs.push(out);
      });
      nodes.push(inputs.length === 0 ? tf.zerosLike(x) : inputs.length === 1 ? (inputs[0] as tf.Tensor4D) : tf.addN(inputs));
    }
    return nodes[NB201_NODES - 1] as tf.Tensor4D;
  });
}

/** The trainable tensors a genotype uses in this cell. */
export function cellTrainables(cell: Nb201Cell, genotype: Nb201Genotype): tf.Variable[] {
  const out: tf.Variable[] = [];
  genotype.forEach((op, e) => {
    const unit = cell.edgeOps[e]?.get(op);
    if (unit) out.push(...reluConvBnTrainables(unit));
  });
  return out;
}
