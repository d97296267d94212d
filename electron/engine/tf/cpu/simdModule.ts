/**
 * Our WebAssembly SIMD kernels (kernels/*.c, embedded base64 in ./nasKernelsWasm), instantiated
 * once per tfjs-wasm memory: the module imports that memory and works on tensors in place, by
 * their heap offsets. Only for the single-threaded build (whose memory is not shared); callers
 * fall back to other formulations when {@link simdKernels} returns null.
 */
import * as tf from '@tensorflow/tfjs';
import { NAS_KERNELS_WASM_BASE64 } from './nasKernelsWasm';

export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
  wasm: { asm?: { memory?: unknown }; _malloc(bytes: number): number; _free(ptr: number): void };
}

export interface SimdKernels {
  reduce(x: number, y: number, rows: number, c: number, out: number, acc: number): void;
  affine2(a: number, b: number, p: number, q: number, s: number, rows: number, c: number, out: number): void;
  filterGrad(x: number, dy: number, dw: number, n: number, h: number, w: number, ci: number, ho: number, wo: number, co: number, kh: number, kw: number, s: number, pt: number, pl: number, accumulate: number): void;
  pad(x: number, xp: number, n: number, h: number, w: number, c: number, pt: number, pb: number, pl: number, pr: number, relu: number): void;
  conv(xp: number, w: number, bias: number, y: number, n: number, hp: number, wp: number, ci: number, ho: number, wo: number, co: number, kh: number, kw: number, s: number, relu: number): void;
  winogradFilter(w: number, u: number, ci: number, co: number): void;
  winograd(xp: number, u: number, bias: number, y: number, v: number, m: number, n: number, hp: number, wp: number, ci: number, ho: number, wo: number, co: number, relu: number): void;
  reluGrad(x: number, dy: number, dx: number, n: number): void;
  /** dst[i] += src[i] for n floats. */
  add(dst: number, src: number, n: number): void;
  scratch: number;
  scratchBytes: number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

let simdModule: object | null | undefined;
const simdByMemory = new WeakMap<object, SimdKernels | null>();

/** Our SIMD kernels instantiated on this backend's memory, or null (then the JS loops run). */
export function simdKernels(be: WasmBackendLike): SimdKernels | null {
  const memory = be.wasm.asm?.memory as { buffer: ArrayBufferLike } | undefined;
  if (!memory || !(memory.buffer instanceof ArrayBuffer)) return null; // shared (threaded build): not built for it
  const cached = simdByMemory.get(memory);
  if (cached !== undefined) return cached;
  let kernels: SimdKernels | null = null;
  try {
    const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    simdModule ??= new api.Module(Buffer.from(NAS_KERNELS_WASM_BASE64, 'base64'));
    const { exports } = new api.Instance(simdModule, { env: { memory } });
    kernels = { reduce: exports['nas_channel_reduce'] as SimdKernels['reduce'], affine2: exports['nas_channel_affine2'] as SimdKernels['affine2'], filterGrad: exports['nas_conv2d_filter_grad'] as SimdKernels['filterGrad'], pad: exports['nas_pad_nhwc'] as SimdKernels['pad'], conv: exports['nas_conv2d'] as SimdKernels['conv'], winogradFilter: exports['nas_winograd_filter'] as SimdKernels['winogradFilter'], winograd: exports['nas_conv3x3_winograd'] as SimdKernels['winograd'], reluGrad: exports['nas_relu_grad'] as SimdKernels['reluGrad'], add: exports['nas_add_f32'] as SimdKernels['add'], scratch: 0, scratchBytes: 0 };
  } catch {
    simdModule = null; // no SIMD in this engine: the JS loops run
  }
  simdByMemory.set(memory, kernels);
  return kernels;
}

export function scratchFor(be: WasmBackendLike, k: SimdKernels, bytes: number): number {
  if (k.scratchBytes < bytes) {
    if (k.scratch) be.wasm._free(k.scratch);
    k.scratchBytes = Math.max(bytes, 1024);
    k.scratch = be.wasm._malloc(k.scratchBytes);
  }
  return k.scratch;
}

/** The backend's heap (re-read after anything that may grow it). */
export function heapBuffer(be: WasmBackendLike): ArrayBufferLike {
  return (be.wasm.asm?.memory as { buffer: ArrayBufferLike }).buffer;
}

export function offset(be: WasmBackendLike, t: tf.TensorInfo): number {
  return be.dataIdMap.get(t.dataId).memoryOffset;
}
