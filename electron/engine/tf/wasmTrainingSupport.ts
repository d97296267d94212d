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
import { registerChannelKernels } from './cpu/channelKernels';
import { registerFastGradients } from './cpu/registerGradients';

export type WasmTrainingSupport =
  | { ok: true; reason: ''; register: () => Promise<void> }
  | { ok: false; reason: string };

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

async function register(dir: string): Promise<void> {
  // A runtime require: loading the package registers the backend, which only this path needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(dir);
  tf.env().set('WASM_HAS_SIMD_SUPPORT', await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  registerFastGradients();
  registerChannelKernels();
}

export function wasmTrainingSupport(): WasmTrainingSupport {
  if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'object') return { ok: false, reason: 'this JavaScript runtime has no WebAssembly' };
  const dir = wasmDir();
  if (dir instanceof Error) return { ok: false, reason: `@tensorflow/tfjs-backend-wasm could not be found: ${dir.message.split('\n')[0]}` };
  return {
    ok: true,
    reason: '',
    register: () => {
      registration ??= register(dir);
      return registration;
    },
  };
}
