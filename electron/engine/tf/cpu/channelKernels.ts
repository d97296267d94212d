/**
 * Per-channel reductions and affine maps for batch norm, as kernels that read and write the
 * wasm backend's heap directly (one pass over the data, no transposes).
 *
 * On the wasm backend tf.sum over the leading axes of an NHWC tensor transposes first, and a
 * ones-vector matMul repacks its weight operand every call; these kernels make one pass
 * instead: in our own WebAssembly SIMD module (kernels/channel_kernels.c, embedded in
 * ./nasKernelsWasm) instantiated on tfjs-wasm's own memory when the channel count is a multiple
 * of 4 and the memory is not shared (the single-threaded build), else in a JS loop. Other
 * backends get the same results from ordinary tfjs ops.
 *
 * None of these ops has a gradient: they are for use inside hand-written gradients
 * (tf.customGrad), where nothing is recorded on the tape.
 */
import * as tf from '@tensorflow/tfjs';
import { offset, scratchFor, simdKernels, type WasmBackendLike } from './simdModule';

/** Runs the SIMD reduction if it applies; returns false to fall back to the JS loop. */
function simdReduce(be: WasmBackendLike, x: tf.TensorInfo, y: tf.TensorInfo | null, c: number, out: tf.TensorInfo): boolean {
  if (c % 4 !== 0) return false;
  const k = simdKernels(be);
  if (!k) return false;
  const rows = tf.util.sizeFromShape(x.shape) / c;
  const acc = scratchFor(be, k, 8 * c);
  k.reduce(offset(be, x), y ? offset(be, y) : 0, rows, c, offset(be, out), acc);
  return true;
}

const SUMS = 'NasChannelSums';
const DOT = 'NasChannelDot';
const AFFINE2 = 'NasChannelAffine2';

let registered = false;

/** Whether `axis` (tfjs Sum attribute) is exactly every axis but the last of a rank-r tensor. */
function isLeadingAxes(axis: number | number[] | null | undefined, rank: number): boolean {
  if (axis == null || rank < 2) return false;
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  return list.length === rank - 1 && list.every((a, i) => a === i);
}

/**
 * tf.sum over the leading axes of [..., C] (the gradients of per-channel broadcasts, e.g. BN's
 * gamma and beta) through the SIMD reduction; tfjs-wasm transposes first. Other sums unchanged.
 */
function registerChannelSum(): void {
  const original = tf.getKernel('Sum', 'wasm');
  if (!original) return;
  tf.unregisterKernel('Sum', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[] | null; keepDims: boolean };
      const c = x.shape[x.shape.length - 1] as number;
      if (x.dtype !== 'float32' || c % 4 !== 0 || !isLeadingAxes(axis, x.shape.length)) return original.kernelFunc(args);
      const be = args.backend as unknown as WasmBackendLike;
      const out = be.makeOutput(keepDims ? x.shape.map((d, i) => (i < x.shape.length - 1 ? 1 : d)) : [c], 'float32');
      if (simdReduce(be, x, null, c, out)) return out;
      (args.backend as unknown as { disposeData(id: tf.DataId): void }).disposeData(out.dataId);
      return original.kernelFunc(args);
    },
  });
}

/** Registers the heap kernels for the wasm backend (idempotent). */
export function registerChannelKernels(): void {
  if (registered) return;
  registered = true;
  registerChannelSum();
  tf.registerKernel({
    kernelName: SUMS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs['x'] as tf.TensorInfo;
      const be = backend as unknown as WasmBackendLike;
      const c = x.shape[x.shape.length - 1] as number;
      const out = be.makeOutput([c], 'float32');
      if (simdReduce(be, x, null, c, out)) return out;
      const xs = be.typedArrayFromHeap(x);
      const acc = new Float64Array(c);
      for (let base = 0; base < xs.length; base += c) for (let k = 0; k < c; k++) acc[k] = (acc[k] as number) + (xs[base + k] as number);
      be.typedArrayFromHeap(out).set(acc);
      return out;
    },
  });
  tf.registerKernel({
    kernelName: DOT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const a = inputs['a'] as tf.TensorInfo;
      const b = inputs['b'] as tf.TensorInfo;
      const be = backend as unknown as WasmBackendLike;
      const c = a.shape[a.shape.length - 1] as number;
      const out = be.makeOutput([c], 'float32');
      if (simdReduce(be, a, b, c, out)) return out;
      const as = be.typedArrayFromHeap(a);
      const bs = be.typedArrayFromHeap(b);
      const acc = new Float64Array(c);
      for (let base = 0; base < as.length; base += c) for (let k = 0; k < c; k++) acc[k] = (acc[k] as number) + (as[base + k] as number) * (bs[base + k] as number);
      be.typedArrayFromHeap(out).set(acc);
      return out;
    },
  });
  tf.registerKernel({
    kernelName: AFFINE2,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const a = inputs['a'] as tf.TensorInfo;
      const be = backend as unknown as WasmBackendLike;
      const out = be.makeOutput(a.shape, 'float32');
      const c0 = a.shape[a.shape.length - 1] as number;
      const simd = c0 % 4 === 0 ? simdKernels(be) : null;
      if (simd) {
        const [pb, qb, rb] = (['p', 'q', 'r'] as const).map((n) => offset(be, inputs[n] as tf.TensorInfo)) as [number, number, number];
        simd.affine2(offset(be, a), offset(be, inputs['b'] as tf.TensorInfo), pb, qb, rb, tf.util.sizeFromShape(a.shape) / c0, c0, offset(be, out));
        return out;
      }
      const [as, bs, ps, qs, rs, os] = [a, inputs['b'], inputs['p'], inputs['q'], inputs['r'], out].map((t) => be.typedArrayFromHeap(t as tf.TensorInfo)) as Float32Array[];
      const c = (ps as Float32Array).length;
      for (let base = 0; base < (as as Float32Array).length; base += c) {
        for (let k = 0; k < c; k++) {
          const i = base + k;
          (os as Float32Array)[i] = (as as Float32Array)[i]! * ps![k]! + (bs as Float32Array)[i]! * qs![k]! + rs![k]!;
        }
      }
      return out;
    },
  });
}

/**
 * 'simd' when the active wasm backend runs these kernels in our SIMD module, 'js' when in the JS
 * loops, null when the wasm backend is not active (for tests and the doctor's detail line).
 */
export function channelKernelPath(): 'simd' | 'js' | null {
  if (!onWasm()) return null;
  return simdKernels(tf.backend() as unknown as WasmBackendLike) ? 'simd' : 'js';
}

function onWasm(): boolean {
  return registered && tf.getBackend() === 'wasm';
}

function leadingAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i);
}

/** Sums of x [..., C] over every axis but the last -> [C]. The caller disposes the result. */
export function channelSums(x: tf.Tensor): tf.Tensor1D {
  if (onWasm()) return tf.engine().runKernel(SUMS, { x }, {}) as tf.Tensor1D;
  return tf.sum(x, leadingAxes(x)) as tf.Tensor1D;
}

/** Sums of a*b [..., C] over every axis but the last -> [C]. The caller disposes the result. */
export function channelDot(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  if (onWasm()) return tf.engine().runKernel(DOT, { a, b }, {}) as tf.Tensor1D;
  return tf.tidy(() => tf.sum(tf.mul(a, b), leadingAxes(a)) as tf.Tensor1D);
}

/** a*p + b*q + r for a, b [..., C] and per-channel p, q, r [C]. The caller disposes the result. */
export function channelAffine2<T extends tf.Tensor>(a: T, b: T, p: tf.Tensor1D, q: tf.Tensor1D, r: tf.Tensor1D): T {
  if (onWasm()) return tf.engine().runKernel(AFFINE2, { a, b, p, q, r }, {}) as T;
  return tf.tidy(() => tf.add(tf.add(tf.mul(a, p), tf.mul(b, q)), r) as T);
}
