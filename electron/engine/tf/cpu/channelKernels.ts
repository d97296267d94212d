/**
 * Per-channel reductions and affine maps for batch norm, as kernels that read and write the
 * wasm backend's heap directly (one pass over the data, no transposes).
 *
 * On the wasm backend tf.sum over the leading axes of an NHWC tensor transposes first, and a
 * ones-vector matMul repacks its weight operand every call; these kernels make one JS pass
 * instead. Other backends get the same results from ordinary tfjs ops.
 *
 * None of these ops has a gradient: they are for use inside hand-written gradients
 * (tf.customGrad), where nothing is recorded on the tape.
 */
import * as tf from '@tensorflow/tfjs';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

const SUMS = 'NasChannelSums';
const DOT = 'NasChannelDot';
const AFFINE2 = 'NasChannelAffine2';

let registered = false;

/** Registers the heap kernels for the wasm backend (idempotent). */
export function registerChannelKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: SUMS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs['x'] as tf.TensorInfo;
      const be = backend as unknown as WasmBackendLike;
      const c = x.shape[x.shape.length - 1] as number;
      const out = be.makeOutput([c], 'float32');
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
