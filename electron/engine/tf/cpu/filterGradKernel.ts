/**
 * The Conv2D filter gradient as one kernel of our SIMD module on the wasm backend
 * (kernels/conv_filter_grad.c): straight from NHWC x and dy, no transposes, any stride, for
 * dilation 1 and output channels a multiple of 8. {@link simdFilterGrad} returns null when it
 * does not apply; convGradients then uses its XNNPACK formulations.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './convGradients';
import { offset, simdKernels, type WasmBackendLike } from './simdModule';

const KERNEL = 'NasConv2DFilterGrad';
let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const be = backend as unknown as WasmBackendLike;
      const x = inputs['x'] as tf.TensorInfo;
      const dy = inputs['dy'] as tf.TensorInfo;
      const g = attrs as unknown as ConvGeometry;
      const out = be.makeOutput([g.kh, g.kw, g.inC, g.outC], 'float32');
      const k = simdKernels(be);
      if (!k) throw new Error(`${KERNEL}: the SIMD module is not available`);
      k.filterGrad(offset(be, x), offset(be, dy), offset(be, out), g.n, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kh, g.kw, g.strideH, g.padTop, g.padLeft);
      return out;
    },
  });
}

/** Whether the SIMD filter gradient handles this geometry on the active backend. */
export function simdFilterGradApplies(g: ConvGeometry): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  if (g.dilationH !== 1 || g.dilationW !== 1 || g.strideH !== g.strideW || g.outC % 8 !== 0) return false;
  return simdKernels(tf.backend() as unknown as WasmBackendLike) !== null;
}

/** dW [kh,kw,Ci,Co] from x [N,H,W,Ci] and dy [N,Ho,Wo,Co], or null when the kernel does not apply. */
export function simdFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D | null {
  if (!simdFilterGradApplies(g)) return null;
  register();
  return tf.engine().runKernel(KERNEL, { x, dy }, { ...g } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
