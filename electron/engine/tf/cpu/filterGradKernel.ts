/**
 * The Conv2D filter gradient as one kernel of our SIMD module on the wasm backend
 * (kernels/conv_filter_grad.c): straight from NHWC x and dy, no transposes, any stride, for
 * dilation 1 and output channels a multiple of 8. {@link simdFilterGrad} returns null when it
 * does not apply; convGradients then uses its XNNPACK formulations. The sum over images is
 * taken in fixed chunks added in order (../threads/splitJob), with or without the kernel pool.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './convGradients';
import { heapBuffer, offset, scratchFor, simdKernels, type WasmBackendLike } from './simdModule';
import { kernelPool, worthSplitting } from '../threads/kernelPool';
import { FILTER_GRAD_CHUNKS, JobKind, chunkRange, fixedChunkImages, runJobOnMainThread, type SummedJob } from '../threads/splitJob';

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
      const size = g.kh * g.kw * g.inC * g.outC;
      const chunkImages = fixedChunkImages(g.n, FILTER_GRAD_CHUNKS);
      const chunks = Math.ceil(g.n / chunkImages);
      // One slot per chunk after the first (which is summed straight into dW). Taken before the
      // offsets are read: _malloc may grow the memory.
      const slots = chunks > 1 ? scratchFor(be, k, 4 * size * (chunks - 1)) : 0;
      const xOff = offset(be, x);
      const dyOff = offset(be, dy);
      const dwOff = offset(be, out);
      const inImage = g.inH * g.inW * g.inC;
      const outImage = g.outH * g.outW * g.outC;
      // dW = p0 + p1 + ... in chunk order, p_c summed from zero over chunk c's images: the same
      // bits on one thread and split, whoever computes which chunk (ADR 0003, round 4).
      const job: SummedJob = {
        kind: JobKind.FilterGrad,
        images: g.n,
        chunkImages,
        perImage: [{ offset: xOff, floats: inImage }, { offset: dyOff, floats: outImage }],
        filter: null,
        bias: null,
        output: { offset: dwOff, sumFloats: size },
        scratchBytes: () => 0,
        ints: () => [g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kh, g.kw, g.strideH, g.padTop, g.padLeft],
        partialOffset: (c) => (c === 0 ? dwOff : slots + 4 * size * (c - 1)),
        runChunk: (c) => {
          const [i0, i1] = chunkRange(job, c);
          k.filterGrad(xOff + 4 * i0 * inImage, dyOff + 4 * i0 * outImage, job.partialOffset(c), i1 - i0, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kh, g.kw, g.strideH, g.padTop, g.padLeft, 0);
        },
        addChunk: (c) => k.add(dwOff, job.partialOffset(c), size),
      };
      const pool = worthSplitting(g.n * g.outH * g.outW * g.outC * g.kh * g.kw * g.inC) ? kernelPool() : null;
      if (!pool?.run(job, () => heapBuffer(be))) runJobOnMainThread(job);
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
