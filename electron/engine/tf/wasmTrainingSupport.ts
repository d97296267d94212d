/**
 * Whether tfjs's wasm backend can train the project's networks in this process, and how to set
 * it up (issue #3, docs/adr/0003-cpu-training-path.md).
 *
 * Stock @tensorflow/tfjs-backend-wasm has no Conv2DBackpropFilter and slow convolution and
 * pooling gradients. `register()` installs gradient formulations that run on XNNPACK's forward
 * convolution (electron/engine/tf/cpu), points the backend at its bundled .wasm files (no
 * download) and keeps SIMD on.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { channelKernelPath, registerChannelKernels } from './cpu/channelKernels';
import { registerFastGradients } from './cpu/registerGradients';
import { registerSimdConv } from './cpu/convForwardKernel';
import { registerSharedDataKernels } from './cpu/sharedDataKernels';
import { registerDepthwiseGradients } from './depthwise/registerDepthwiseGradients';
import { kernelPool, kernelPoolUnavailableReason } from './threads/kernelPool';
import { defaultWasmThreads, installThreadedWasm, threadedWasmUnavailable, wasmThreadsInUse } from './threads/threadedWasm';

export type WasmTrainingSupport =
  | {
      ok: true;
      reason: '';
      register: () => Promise<void>;
      /**
       * What the CPU path is, for `nas-shrink doctor` and the Environment page, e.g.
       * "wasm SIMD + NAS SIMD kernels (Winograd/direct conv, filter grad, BN) on 2 threads
       * (main + 1 worker); XNNPACK 1 thread".
       * Exact once the wasm backend is initialised and active.
       */
      detail: () => string;
    }
  | { ok: false; reason: string };

export interface WasmTrainingOptions {
  /** XNNPACK threads; default NAS_WASM_THREADS or the logical cores (at most 8). 1 = single-threaded build. */
  readonly threads?: number;
}

/** The folder holding tfjs-backend-wasm's .wasm binaries, or an error message. */
function wasmDir(): string | Error {
  try {
    const main = require.resolve('@tensorflow/tfjs-backend-wasm');
    // In a packaged Electron app the binaries must sit outside the asar archive.
    return path.dirname(main).replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`) + path.sep;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

let registration: Promise<void> | null = null;
let wasmApi: typeof import('@tensorflow/tfjs-backend-wasm') | null = null;
let simd = false;
let threadNote = '';

async function register(dir: string, threads: number): Promise<void> {
  // A runtime require: loading the package registers the backend, which only this path needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasmApi = wasm;
  wasm.setWasmPaths(dir);
  simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  tf.env().set('WASM_HAS_SIMD_SUPPORT', simd);
  // Threads need the SIMD build (tfjs ships threaded-SIMD only).
  if (threads > 1) {
    const why = !simd ? 'no WASM SIMD' : threadedWasmUnavailable();
    if (why) threadNote = ` (threads unavailable: ${why})`;
    else if (!installThreadedWasm(wasm, dir, threads)) threadNote = ' (threads unavailable: the wasm backend was already initialised)';
  }
  registerFastGradients();
  registerChannelKernels();
  registerSharedDataKernels();
  registerSimdConv();
  // Depthwise convolutions (MBConv, DARTS sep/dil convs) and a correct max-pool gradient.
  registerDepthwiseGradients();
}

function describe(): string {
  const threads = wasmApi ? wasmThreadsInUse(wasmApi) : 1;
  // 'simd' once the wasm backend is active and our module loaded on its memory.
  const ownSimd = channelKernelPath() === 'simd';
  const own = ownSimd ? 'NAS SIMD kernels (Winograd/direct conv, filter grad, BN)' : 'NAS kernels (XNNPACK convs, JS BN loops)';
  // Our convolutions and filter gradients run on the kernel pool (main thread + helper workers).
  const pool = ownSimd ? kernelPool() : null;
  const ours = pool ? `on ${pool.threads} threads (main + ${pool.threads - 1} worker${pool.threads === 2 ? '' : 's'})` : ownSimd ? `on 1 thread (${kernelPoolUnavailableReason() || 'kernel pool off'})` : '';
  const xnn = `XNNPACK ${threads} thread${threads === 1 ? '' : 's'}${threadNote}`;
  return `wasm ${simd ? 'SIMD' : 'no SIMD'} + ${own}${ours ? ` ${ours}` : ''}; ${xnn}`;
}

export function wasmTrainingSupport(options: WasmTrainingOptions = {}): WasmTrainingSupport {
  if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'object') return { ok: false, reason: 'this JavaScript runtime has no WebAssembly' };
  const dir = wasmDir();
  if (dir instanceof Error) return { ok: false, reason: `@tensorflow/tfjs-backend-wasm could not be found: ${dir.message.split('\n')[0]}` };
  return {
    ok: true,
    reason: '',
    register: () => {
      registration ??= register(dir, options.threads ?? defaultWasmThreads());
      return registration;
    },
    detail: describe,
  };
}
