/**
 * MobileNet-style blocks (ALGORITHMS.md part C, ABS's SPOS/ProxylessNAS and FairNAS spaces) over
 * NHWC tensors: conv-BN-ReLU6 and the inverted-residual MBConv (expand 1x1-BN-ReLU6, depthwise
 * kxk (stride)-BN-ReLU6, project 1x1-BN, plus the input when stride 1 and in = out). BN is affine.
 * Conv kernels are N(0, sqrt(2 / (k^2 * C_out))) with C_out the PyTorch module's out_channels
 * (C for a depthwise conv); BN gamma 1, beta 0.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm, bnTrainables, createBn, type BnParams } from './batchNorm';
import { depthwiseSym } from './dartsBlocks';
import type { ParamStore } from './params';

/** A depthwise kernel [k,k,C,1] with std sqrt(2 / (k^2 * C)); decayed like every conv kernel. */
export function depthwiseKernel(params: ParamStore, name: string, k: number, c: number): tf.Variable {
  const v = params.convKernel(name, k, c, 1); // std sqrt(2 / k^2)
  tf.tidy(() => v.assign(tf.mul(v, 1 / Math.sqrt(c))));
  return v;
}

/** An MBConv block's tensors; `expand` is absent when the expansion is 1. */
export interface MbConv {
  readonly expand?: { readonly conv: tf.Variable; readonly bn: BnParams }; // [1,1,inC,inC*e]
  readonly dw: tf.Variable; // [k,k,inC*e,1]
  readonly dwBn: BnParams;
  readonly project: tf.Variable; // [1,1,inC*e,outC]
  readonly projectBn: BnParams;
  readonly stride: number;
  readonly residual: boolean;
}

/**
 * Creates `<name>/expand`, `<name>/expand_bn` (when e > 1), `<name>/dw`, `<name>/dw_bn`,
 * `<name>/project`, `<name>/project_bn`.
 */
export function createMbConv(params: ParamStore, name: string, inC: number, outC: number, k: number, e: number, stride: number): MbConv {
  const mid = inC * e;
  const expand = e === 1 ? undefined : { conv: params.convKernel(`${name}/expand`, 1, inC, mid), bn: createBn(params, `${name}/expand_bn`, mid, true) };
  return {
    ...(expand ? { expand } : {}),
    dw: depthwiseKernel(params, `${name}/dw`, k, mid),
    dwBn: createBn(params, `${name}/dw_bn`, mid, true),
    project: params.convKernel(`${name}/project`, 1, mid, outC),
    projectBn: createBn(params, `${name}/project_bn`, outC, true),
    stride,
    residual: stride === 1 && inC === outC,
  };
}

/** x [N,H,W,inC] -> [N,ceil(H/stride),ceil(W/stride),outC]. The caller disposes the result. */
export function mbConv(b: MbConv, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    let h = x;
    if (b.expand) h = tf.relu6(batchNorm(tf.conv2d(h, b.expand.conv as tf.Tensor4D, 1, 'valid'), b.expand.bn, training));
    h = tf.relu6(batchNorm(depthwiseSym(h, b.dw as tf.Tensor4D, b.stride, 1), b.dwBn, training));
    h = batchNorm(tf.conv2d(h, b.project as tf.Tensor4D, 1, 'valid'), b.projectBn, training);
    return b.residual ? tf.add(h, x) : h;
  });
}

export function mbConvTrainables(b: MbConv): tf.Variable[] {
  const expand = b.expand ? [b.expand.conv, ...bnTrainables(b.expand.bn)] : [];
  return [...expand, b.dw, ...bnTrainables(b.dwBn), b.project, ...bnTrainables(b.projectBn)];
}
