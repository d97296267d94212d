/**
 * The Conv2D filter gradient as one kernel of our SIMD module on the wasm backend
 * (kernels/conv_filter_grad.c): straight from NHWC x and dy, no transposes, any stride, for
 * dilation 1 and output channels a multiple of 8. {@link simdFilterGrad} returns null when it
 * does not apply; convGradients then uses its XNNPACK formulations.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './convGradients';
import { heapBuffer, offset, simdKernels, type WasmBackendLike } from './simdModule';
import { JobKind, kernelPool, worthSplitting } from '../threads/kernelPool';

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
      const xOff = offset(be, x);
      const dyOff = offset(be, dy);
      const dwOff = offset(be, out);
      const inImage = g.inH * g.inW * g.inC;
      const outImage = g.outH * g.outW * g.outC;
      const runLocal = (i0: number, i1: number, accumulate: boolean): void => {
        k.filterGrad(xOff + 4 * i0 * inImage, dyOff + 4 * i0 * outImage, dwOff, i1 - i0, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kh, g.kw, g.strideH, g.padTop, g.padLeft, accumulate ? 1 : 0);
      };
      const pool = worthSplitting(g.n * g.outH * g.outW * g.outC * g.kh * g.kw * g.inC) ? kernelPool() : null;
      const split = pool?.run({
        kind: JobKind.FilterGrad,
        images: g.n,
        perImage: [{ offset: xOff, floats: inImage }, { offset: dyOff, floats: outImage }],
        filter: null,
        bias: null,
        // Each helper sums its chunks into its own dW; the main thread adds them.
        output: { offset: dwOff, sumFloats: g.kh * g.kw * g.inC * g.outC },
        scratchBytes: () => 0,
        ints: () => [g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kh, g.kw, g.strideH, g.padTop, g.padLeft],
        runLocal,
      }, () => heapBuffer(be));
      if (!split) runLocal(0, g.n, false);
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
