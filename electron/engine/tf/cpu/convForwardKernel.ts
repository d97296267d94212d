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
import { offset, scratchFor, simdKernels, type WasmBackendLike } from './simdModule';

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
let calls = 0;

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

/** Runs the convolution; returns null (nothing allocated) when our module is unavailable. */
function run(be: WasmBackendLike, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | null, relu: boolean, g: ConvGeometry): tf.TensorInfo | null {
  const k = simdKernels(be);
  if (!k) return null;
  const s = g.strideH;
  const pb = Math.max(0, (g.outH - 1) * s + g.kh - g.inH - g.padTop);
  const pr = Math.max(0, (g.outW - 1) * s + g.kw - g.inW - g.padLeft);
  const hp = g.inH + g.padTop + pb;
  const wp = g.inW + g.padLeft + pr;
  const out = be.makeOutput([g.n, g.outH, g.outW, g.outC], 'float32');
  let xp = offset(be, x);
  if (g.padTop || g.padLeft || pb || pr) {
    // Scratch is taken before reading offsets again: _malloc may grow the memory.
    const scratch = scratchFor(be, k, 4 * g.n * hp * wp * g.inC);
    xp = offset(be, x);
    k.pad(xp, scratch, g.n, g.inH, g.inW, g.inC, g.padTop, pb, g.padLeft, pr);
    xp = scratch;
  }
  calls++;
  k.conv(xp, offset(be, filter), bias ? offset(be, bias) : 0, offset(be, out), g.n, hp, wp, g.inC, g.outH, g.outW, g.outC, g.kh, g.kw, s, relu ? 1 : 0);
  return out;
}

/** Installs the overrides (idempotent); call before the wasm backend initialises. */
export function registerSimdConv(): void {
  if (registered) return;
  const conv = tf.getKernel('Conv2D', 'wasm');
  const fused = tf.getKernel('FusedConv2D', 'wasm');
  if (!conv || !fused) return;
  registered = true;
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
