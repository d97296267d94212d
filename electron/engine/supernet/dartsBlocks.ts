/**
 * The DARTS operations (ALGORITHMS.md part C) as functional tfjs code over NHWC tensors, with
 * PyTorch's symmetric padding: separable and dilated depthwise convolutions, FactorizedReduce,
 * 3x3 pooling (average excludes the padding) followed by BN, skip and none.
 *
 * Depthwise kernels are [k, k, C, 1] (tfjs's depthwise layout), initialised He-normal over the
 * fan-out of one channel (std sqrt(2 / k^2)); pointwise kernels are [1, 1, C, C].
 */
import * as tf from '@tensorflow/tfjs';
import { dartsOp } from '../space/dartsOps';
import { batchNorm, bnTrainables, createBn, type BnParams } from './batchNorm';
import type { ParamStore } from './params';

type Pads = [[number, number], [number, number], [number, number], [number, number]];
const symPad = (p: number): Pads => [[0, 0], [p, p], [p, p], [0, 0]];

/** Keeps the even rows and columns: [N,H,W,C] -> [N,ceil(H/2),ceil(W/2),C] (differentiable; no strided slice). */
export function subsample2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const padded = h % 2 || w % 2 ? tf.pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]) : x;
    const h2 = Math.ceil(h / 2);
    const w2 = Math.ceil(w / 2);
    const rows = tf.reshape(tf.slice(tf.reshape(padded, [n, h2, 2, w2 * 2 * c]), [0, 0, 0, 0], [n, h2, 1, w2 * 2 * c]), [n * h2, w2, 2, c]);
    return tf.reshape(tf.slice(rows, [0, 0, 0, 0], [n * h2, w2, 1, c]), [n, h2, w2, c]);
  });
}

/**
 * Depthwise convolution x [N,H,W,C] * w [k,k,C,1] with PyTorch padding dilation*(k-1)/2 on each
 * side -> [N,ceil(H/stride),ceil(W/stride),C]. Stride 2 with dilation 2 (a dil_conv on a
 * reduction edge, which tfjs refuses) runs at stride 1 and keeps every other pixel.
 */
export function depthwiseSym(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, dilation: number): tf.Tensor4D {
  if (stride === 1) return tf.depthwiseConv2d(x, w, 1, 'same', 'NHWC', dilation);
  if (dilation === 1) return tf.depthwiseConv2d(x, w, stride, symPad((w.shape[0] - 1) / 2));
  return tf.tidy(() => subsample2(tf.depthwiseConv2d(x, w, 1, 'same', 'NHWC', dilation)));
}

/** ReLU, then two 1x1 stride-2 convolutions on x and on x shifted by one pixel, concatenated, then BN. */
export interface FactorizedReduce {
  readonly conv1: tf.Variable; // [1,1,inC,outC/2]
  readonly conv2: tf.Variable; // [1,1,inC,outC-outC/2]
  readonly bn: BnParams;
}

export function createFactorizedReduce(params: ParamStore, name: string, inC: number, outC: number, affine: boolean): FactorizedReduce {
  const half = Math.floor(outC / 2);
  return { conv1: params.convKernel(`${name}/conv1`, 1, inC, half), conv2: params.convKernel(`${name}/conv2`, 1, inC, outC - half), bn: createBn(params, `${name}/bn`, outC, affine) };
}

/** x [N,H,W,inC] -> [N,ceil(H/2),ceil(W/2),outC]. */
export function factorizedReduce(fr: FactorizedReduce, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const r = tf.relu(x);
    const [n, h, w, c] = r.shape;
    // x[:, 1:, 1:], padded back to H x W at the bottom/right so both halves have ceil(H/2) rows.
    const shifted = tf.pad(tf.slice(r, [0, 1, 1, 0], [n, h - 1, w - 1, c]), [[0, 0], [0, 1], [0, 1], [0, 0]]);
    const a = tf.conv2d(r, fr.conv1 as tf.Tensor4D, 2, 'valid');
    const b = tf.conv2d(shifted, fr.conv2 as tf.Tensor4D, 2, 'valid');
    return batchNorm(tf.concat([a, b], 3), fr.bn, training);
  });
}

export function factorizedReduceTrainables(fr: FactorizedReduce): tf.Variable[] {
  return [fr.conv1, fr.conv2, ...bnTrainables(fr.bn)];
}

/** Weights of one depthwise-separable stage: ReLU, depthwise kxk, pointwise 1x1, BN. */
interface DwPwBn {
  readonly dw: tf.Variable; // [k,k,C,1]
  readonly pw: tf.Variable; // [1,1,C,C]
  readonly bn: BnParams;
}

/** The weights of one op instance on one edge; `none`, pooling without BN and stride-1 skip have none. */
export type DartsOpUnit =
  | { readonly kind: 'sep_conv'; readonly stages: readonly [DwPwBn, DwPwBn] }
  | { readonly kind: 'dil_conv'; readonly stage: DwPwBn }
  | { readonly kind: 'pool'; readonly bn: BnParams }
  | { readonly kind: 'reduce'; readonly fr: FactorizedReduce };

/** Options of the searchable ops. */
export interface DartsOpOptions {
  /** Affine BN after pooling (ABS's DARTS proxy, ALGORITHMS.md A4); default false (DARTS, E2). */
  readonly poolBnAffine: boolean;
}

function createDwPwBn(params: ParamStore, name: string, suffix: string, k: number, c: number): DwPwBn {
  return { dw: params.convKernel(`${name}/dw${suffix}`, k, c, 1), pw: params.convKernel(`${name}/pw${suffix}`, 1, c, c), bn: createBn(params, `${name}/bn${suffix}`, c, false) };
}

/**
 * Creates the weights of op `op` on one edge under `name` (e.g. `cell3/e5/sep_conv_3x3`):
 * sep_conv `dw1, pw1, bn1, dw2, pw2, bn2`; dil_conv `dw, pw, bn`; pools `bn`; skip on a stride-2
 * edge `fr/conv1, fr/conv2, fr/bn`. Conv BNs are affine-free (E2). Null when the op has no tensors.
 */
export function createDartsOp(params: ParamStore, name: string, op: string, c: number, stride: number, options: DartsOpOptions): DartsOpUnit | null {
  const spec = dartsOp(op);
  switch (spec.kind) {
    case 'zero':
      return null;
    case 'identity':
      return stride === 1 ? null : { kind: 'reduce', fr: createFactorizedReduce(params, `${name}/fr`, c, c, false) };
    case 'max_pool':
    case 'avg_pool':
      return { kind: 'pool', bn: createBn(params, `${name}/bn`, c, options.poolBnAffine) };
    case 'sep_conv':
      return { kind: 'sep_conv', stages: [createDwPwBn(params, name, '1', spec.kernel, c), createDwPwBn(params, name, '2', spec.kernel, c)] };
    case 'dil_conv':
      return { kind: 'dil_conv', stage: createDwPwBn(params, name, '', spec.kernel, c) };
  }
}

function dwPwBn(s: DwPwBn, x: tf.Tensor4D, stride: number, dilation: number, training: boolean): tf.Tensor4D {
  return tf.tidy(() => batchNorm(tf.conv2d(depthwiseSym(tf.relu(x), s.dw as tf.Tensor4D, stride, dilation), s.pw as tf.Tensor4D, 1, 'valid'), s.bn, training));
}

const inverseCounts = new Map<string, Float32Array>();

/** 9 / (in-image pixels of each 3x3 stride-2 window with padding 1), [ceil(H/2)*ceil(W/2)]. */
function inverseCountMap(h: number, w: number): Float32Array {
  const key = `${h}x${w}`;
  let values = inverseCounts.get(key);
  if (!values) {
    const oh = Math.ceil(h / 2);
    const ow = Math.ceil(w / 2);
    const span = (o: number, size: number): number => Math.min(size - 1, 2 * o + 1) - Math.max(0, 2 * o - 1) + 1;
    values = new Float32Array(oh * ow);
    for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) values[i * ow + j] = 9 / (span(i, h) * span(j, w));
    inverseCounts.set(key, values);
  }
  return values;
}

/** 3x3 average pool, stride 2, padding 1 excluded from the count: [N,H,W,C] -> [N,ceil(H/2),ceil(W/2),C]. */
function avgPoolStride2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const pooled = tf.avgPool(tf.pad(x, symPad(1)), 3, 2, 'valid'); // sum / 9 over the window
    return tf.mul(pooled, tf.tensor4d(inverseCountMap(h, w), [1, Math.ceil(h / 2), Math.ceil(w / 2), 1]));
  });
}

/**
 * One op on one edge: x [N,H,W,C] -> [N,ceil(H/stride),ceil(W/stride),C], or null for `none`
 * (contributes nothing). The caller disposes the result (or owns x when skip returns it).
 */
export function dartsOpForward(op: string, unit: DartsOpUnit | null, x: tf.Tensor4D, stride: number, training: boolean): tf.Tensor4D | null {
  const spec = dartsOp(op);
  const need = (kind: DartsOpUnit['kind']): DartsOpUnit => {
    if (!unit || unit.kind !== kind) throw new Error(`DARTS op '${op}' has no weights on this edge`);
    return unit;
  };
  switch (spec.kind) {
    case 'zero':
      return null;
    case 'identity':
      return stride === 1 ? x : factorizedReduce((need('reduce') as { fr: FactorizedReduce }).fr, x, training);
    case 'max_pool':
    case 'avg_pool': {
      const { bn } = need('pool') as { bn: BnParams };
      return tf.tidy(() => {
        let y: tf.Tensor4D;
        if (spec.kind === 'max_pool') y = stride === 1 ? tf.maxPool(x, 3, 1, 'same') : tf.maxPool(x, 3, stride, 1);
        else y = stride === 1 ? tf.avgPool(x, 3, 1, 'same') : avgPoolStride2(x); // TF 'same' excludes padding at stride 1
        return batchNorm(y, bn, training);
      });
    }
    case 'sep_conv': {
      const { stages } = need('sep_conv') as { stages: readonly [DwPwBn, DwPwBn] };
      return tf.tidy(() => dwPwBn(stages[1], dwPwBn(stages[0], x, stride, 1, training), 1, 1, training));
    }
    case 'dil_conv':
      return dwPwBn((need('dil_conv') as { stage: DwPwBn }).stage, x, stride, spec.dilation, training);
  }
}

/** The trainable tensors of one op instance (BN gamma/beta only where affine). */
export function dartsOpTrainables(unit: DartsOpUnit | null): tf.Variable[] {
  if (!unit) return [];
  switch (unit.kind) {
    case 'sep_conv':
      return unit.stages.flatMap((s) => [s.dw, s.pw, ...bnTrainables(s.bn)]);
    case 'dil_conv':
      return [unit.stage.dw, unit.stage.pw, ...bnTrainables(unit.stage.bn)];
    case 'pool':
      return bnTrainables(unit.bn);
    case 'reduce':
      return factorizedReduceTrainables(unit.fr);
  }
}
