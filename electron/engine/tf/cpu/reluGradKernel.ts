/**
 * The ReLU gradient on the wasm backend as one pass of our SIMD module
 * (kernels/elementwise.c: dx = dy * (x > 0)), instead of tfjs's Step then Multiply (two passes
 * and a temporary per ReLU; every ReLU-conv-BN unit of a training step has one).
 * {@link simdReluGrad} returns null where the module is unavailable; the caller then uses
 * tfjs's own formulation.
 */
import * as tf from '@tensorflow/tfjs';
import { offset, simdKernels, type WasmBackendLike } from './simdModule';

const KERNEL = 'NasReluGrad';
let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const be = backend as unknown as WasmBackendLike;
      const x = inputs['x'] as tf.TensorInfo;
      const dy = inputs['dy'] as tf.TensorInfo;
      const k = simdKernels(be);
      if (!k) throw new Error(`${KERNEL}: the SIMD module is not available`);
      const out = be.makeOutput(x.shape, 'float32');
      k.reluGrad(offset(be, x), offset(be, dy), offset(be, out), tf.util.sizeFromShape(x.shape));
      return out;
    },
  });
}

/** dx = dy * (x > 0), same shape as x; null when the SIMD kernel does not apply. */
export function simdReluGrad(dy: tf.Tensor, x: tf.Tensor): tf.Tensor | null {
  if (tf.getBackend() !== 'wasm' || x.dtype !== 'float32' || dy.dtype !== 'float32' || !tf.util.arraysEqual(x.shape, dy.shape)) return null;
  if (!simdKernels(tf.backend() as unknown as WasmBackendLike)) return null;
  register();
  return tf.engine().runKernel(KERNEL, { x, dy }, {}) as tf.Tensor;
}
