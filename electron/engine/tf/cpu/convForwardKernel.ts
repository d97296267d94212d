/**
 * Conv2D and FusedConv2D (bias, optional ReLU) on the wasm backend through our SIMD direct
 * convolution (kernels/conv_forward.c) where it applies: NHWC, float32, dilation 1, equal
 * strides, output channels a multiple of 8, linear or ReLU activation. Everything else, and any
 * process where our module is unavailable, keeps tfjs-wasm's XNNPACK kernels.
 *
 * The input-gradient formulations of ./convGradients are forward convolutions, so they run on
 * this kernel too.
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, type ConvGeometry, type ConvPad } from './convGradients';
import { heapBuffer, offset, scratchFor, simdKernels, type WasmBackendLike } from './simdModule';
import { kernelPool, worthSplitting } from '../threads/kernelPool';
import { CONV_CHUNKS, JobKind, fixedChunkImages, runJobOnMainThread, type ImageOutputJob } from '../threads/splitJob';

interface ConvAttrs {
  strides: number | [number, number];
  pad: ConvPad;
  dataFormat: string;
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

let registered = false;
let enabled = true;
let winogradEnabled = true;
let calls = 0;
let winogradCalls = 0;

/** Turns the Winograd path for 3x3 stride-1 convolutions off (true) or on, for tests and measurements. */
export function setWinogradDisabled(disabled: boolean): void {
  winogradEnabled = !disabled;
}

/** How many convolutions ran on the Winograd kernel in this process. */
export function winogradConvCalls(): number {
  return winogradCalls;
}

/** How many convolutions ran on the SIMD kernel in this process (tests, diagnostics). */
export function simdConvCalls(): number {
  return calls;
}

/** Turns the SIMD convolution off (true) or on, for tests and measurements. */
export function setSimdConvDisabled(disabled: boolean): void {
  enabled = !disabled;
}

function applies(x: tf.TensorInfo, filter: tf.TensorInfo, a: ConvAttrs): ConvGeometry | null {
  if (!enabled || x.dtype !== 'float32' || filter.dtype !== 'float32' || (a.dataFormat !== 'NHWC' && a.dataFormat !== 'channelsLast')) return null;
  const g = convGeometry(x.shape, filter.shape, a.strides, a.dilations, a.pad, a.dimRoundingMode);
  if (g.dilationH !== 1 || g.dilationW !== 1 || g.strideH !== g.strideW || g.outC % 8 !== 0) return null;
  return g;
}

/**
 * 3x3 stride-1 convolution by Winograd F(2x2, 3x3) (kernels/conv_winograd.c): 16 products per
 * channel pair and 2x2 outputs instead of 36. Scratch: padded input, U, and one row of tiles of
 * V and M.
 */
function runWinograd(be: WasmBackendLike, k: NonNullable<ReturnType<typeof simdKernels>>, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | null, relu: boolean, g: ConvGeometry, reluIn: boolean): tf.TensorInfo {
  const tilesH = Math.ceil(g.outH / 2);
  const tilesW = Math.ceil(g.outW / 2);
  const t = Math.ceil(tilesW / 4) * 4;
  const hp = 2 * tilesH + 2;
  const wp = 2 * tilesW + 2;
  const pb = hp - g.inH - g.padTop;
  const pr = wp - g.inW - g.padLeft;
  const align = (b: number): number => Math.ceil(b / 16) * 16;
  const padImage = hp * wp * g.inC;
  const xpBytes = align(4 * g.n * padImage);
  const uBytes = align(4 * 16 * g.inC * g.outC);
  const vBytes = align(4 * 16 * t * g.inC);
  const mBytes = align(4 * 16 * t * g.outC);
  const out = be.makeOutput([g.n, g.outH, g.outW, g.outC], 'float32');
  const base = scratchFor(be, k, xpBytes + uBytes + vBytes + mBytes + 16);
  const xp = align(base);
  const u = xp + xpBytes;
  const v = u + uBytes;
  const m = v + vBytes;
  const xOff = offset(be, x);
  const yOff = offset(be, out);
  const biasOff = bias ? offset(be, bias) : 0;
  const inImage = g.inH * g.inW * g.inC;
  const outImage = g.outH * g.outW * g.outC;
  k.winogradFilter(offset(be, filter), u, g.inC, g.outC);
  winogradCalls++;
  calls++;
  const runLocal = (i0: number, i1: number): void => {
    k.pad(xOff + 4 * i0 * inImage, xp + 4 * i0 * padImage, i1 - i0, g.inH, g.inW, g.inC, g.padTop, pb, g.padLeft, pr, reluIn ? 1 : 0);
    k.winograd(xp + 4 * i0 * padImage, u, biasOff, yOff + 4 * i0 * outImage, v, m, i1 - i0, hp, wp, g.inC, g.outH, g.outW, g.outC, relu ? 1 : 0);
  };
  const pool = worthSplitting(4 * g.n * g.outH * g.outW * g.outC * g.inC) /* 16 products per 2x2 tile */ ? kernelPool() : null;
  // Every output image depends on its input image only, so any split gives the same bits.
  const job: ImageOutputJob = {
    kind: JobKind.Winograd,
    images: g.n,
    chunkImages: fixedChunkImages(g.n, CONV_CHUNKS),
    perImage: [{ offset: xOff, floats: inImage }],
    filter: { offset: offset(be, filter), floats: 9 * g.inC * g.outC },
    bias: bias ? { offset: biasOff, floats: g.outC } : null,
    output: { offset: yOff, floatsPerImage: outImage },
    // Helper scratch: padded chunk, then U, V, M (offsets relative to the helper's scratch).
    scratchBytes: (chunk) => align(4 * chunk * padImage) + uBytes + vBytes + mBytes,
    ints: winogradInts(g, pb, pr, reluIn, relu, hp, wp, align, padImage, uBytes, vBytes),
    runLocal,
  };
  if (!pool?.run(job, () => heapBuffer(be))) runJobOnMainThread(job);
  return out;
}

/** The helper's geometry for a Winograd job (order: kernelWorkerSource). */
function winogradInts(g: ConvGeometry, pb: number, pr: number, reluIn: boolean, relu: boolean, hp: number, wp: number, align: (b: number) => number, padImage: number, uBytes: number, vBytes: number): (chunk: number) => number[] {
  return (chunk) => {
    const u = align(4 * chunk * padImage);
    return [g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, 3, 3, 1, g.padTop, pb, g.padLeft, pr, reluIn ? 1 : 0, relu ? 1 : 0, hp, wp, u, u + uBytes, u + uBytes + vBytes];
  };
}

/** Runs the convolution; returns null (nothing allocated) when our module is unavailable. */
function run(be: WasmBackendLike, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | null, relu: boolean, g: ConvGeometry, reluIn = false): tf.TensorInfo | null {
  const k = simdKernels(be);
  if (!k) return null;
  const winogradFits = g.kh === 3 && g.kw === 3 && g.strideH === 1 && g.inC % 4 === 0 && g.padTop <= 2 && g.padLeft <= 2 && g.outH === g.inH + 2 * g.padTop - 2 && g.outW === g.inW + 2 * g.padLeft - 2;
  if (winogradEnabled && winogradFits) return runWinograd(be, k, x, filter, bias, relu, g, reluIn);
  const s = g.strideH;
  const pb = Math.max(0, (g.outH - 1) * s + g.kh - g.inH - g.padTop);
  const pr = Math.max(0, (g.outW - 1) * s + g.kw - g.inW - g.padLeft);
  const hp = g.inH + g.padTop + pb;
  const wp = g.inW + g.padLeft + pr;
  const out = be.makeOutput([g.n, g.outH, g.outW, g.outC], 'float32');
  const padImage = hp * wp * g.inC;
  const needsPad = reluIn || g.padTop > 0 || g.padLeft > 0 || pb > 0 || pr > 0;
  // Scratch is taken before reading offsets: _malloc may grow the memory.
  const scratch = needsPad ? scratchFor(be, k, 4 * g.n * padImage) : 0;
  const xOff = offset(be, x);
  const wOff = offset(be, filter);
  const biasOff = bias ? offset(be, bias) : 0;
  const yOff = offset(be, out);
  const inImage = g.inH * g.inW * g.inC;
  const outImage = g.outH * g.outW * g.outC;
  calls++;
  const runLocal = (i0: number, i1: number): void => {
    let xp = xOff + 4 * i0 * inImage;
    if (needsPad) {
      k.pad(xp, scratch + 4 * i0 * padImage, i1 - i0, g.inH, g.inW, g.inC, g.padTop, pb, g.padLeft, pr, reluIn ? 1 : 0);
      xp = scratch + 4 * i0 * padImage;
    }
    k.conv(xp, wOff, biasOff, yOff + 4 * i0 * outImage, i1 - i0, hp, wp, g.inC, g.outH, g.outW, g.outC, g.kh, g.kw, s, relu ? 1 : 0);
  };
  const pool = worthSplitting(g.n * g.outH * g.outW * g.outC * g.kh * g.kw * g.inC) ? kernelPool() : null;
  const job: ImageOutputJob = {
    kind: JobKind.Conv,
    images: g.n,
    chunkImages: fixedChunkImages(g.n, CONV_CHUNKS),
    perImage: [{ offset: xOff, floats: inImage }],
    filter: { offset: wOff, floats: g.kh * g.kw * g.inC * g.outC },
    bias: bias ? { offset: biasOff, floats: g.outC } : null,
    output: { offset: yOff, floatsPerImage: outImage },
    scratchBytes: (chunk) => (needsPad ? 4 * chunk * padImage : 0),
    ints: () => [g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kh, g.kw, s, g.padTop, pb, g.padLeft, pr, reluIn ? 1 : 0, relu ? 1 : 0, hp, wp],
    runLocal,
  };
  if (!pool?.run(job, () => heapBuffer(be))) runJobOnMainThread(job);
  return out;
}

const RELU_CONV = 'NasReluFusedConv2D';

/**
 * conv(relu(x), filter) + bias: the pre-activation ReLU is applied while the kernel copies the
 * input into its padded scratch, so it costs no pass of its own. No gradient (for eval-mode
 * forwards outside any tape). On other backends, or where the SIMD kernel does not apply, it is
 * tf.relu then tf.fused.conv2d. The caller disposes the result.
 */
export function reluFusedConv2d(x: tf.Tensor4D, filter: tf.Tensor4D, strides: number, pad: ConvPad, bias: tf.Tensor1D): tf.Tensor4D {
  if (registered && enabled && tf.getBackend() === 'wasm') {
    const attrs = { strides, pad, dataFormat: 'NHWC', dilations: 1 } as ConvAttrs;
    if (applies(x, filter, attrs)) {
      const out = tf.engine().runKernel(RELU_CONV, { x, filter, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D | null;
      if (out) return out;
    }
  }
  return tf.tidy(() => tf.fused.conv2d({ x: tf.relu(x), filter, strides, pad, bias }));
}

/** Installs the overrides (idempotent); call before the wasm backend initialises. */
export function registerSimdConv(): void {
  if (registered) return;
  const conv = tf.getKernel('Conv2D', 'wasm');
  const fused = tf.getKernel('FusedConv2D', 'wasm');
  if (!conv || !fused) return;
  registered = true;
  tf.registerKernel({
    kernelName: RELU_CONV,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      const filter = args.inputs['filter'] as tf.TensorInfo;
      const g = applies(x, filter, args.attrs as unknown as ConvAttrs);
      const out = g ? run(args.backend as unknown as WasmBackendLike, x, filter, args.inputs['bias'] as tf.TensorInfo, false, g, true) : null;
      if (!out) throw new Error(`${RELU_CONV}: the SIMD kernel is not available`);
      return out;
    },
  });
  tf.unregisterKernel('Conv2D', 'wasm');
  tf.registerKernel({
    ...conv,
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      const filter = args.inputs['filter'] as tf.TensorInfo;
      const g = applies(x, filter, args.attrs as unknown as ConvAttrs);
      const out = g ? run(args.backend as unknown as WasmBackendLike, x, filter, null, false, g) : null;
      return out ?? conv.kernelFunc(args);
    },
  });
  tf.unregisterKernel('FusedConv2D', 'wasm');
  tf.registerKernel({
    ...fused,
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      const filter = args.inputs['filter'] as tf.TensorInfo;
      const bias = (args.inputs['bias'] as tf.TensorInfo | undefined) ?? null;
      const a = args.attrs as unknown as ConvAttrs;
      const activation = a.activation ?? 'linear';
      const biasOk = !bias || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === (filter.shape[3] as number));
      const g = (activation === 'linear' || activation === 'relu') && biasOk && !args.inputs['preluActivationWeights'] ? applies(x, filter, a) : null;
      const out = g ? run(args.backend as unknown as WasmBackendLike, x, filter, bias, activation === 'relu', g) : null;
      return out ?? fused.kernelFunc(args);
    },
  });
}
