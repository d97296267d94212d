/**
 * tfjs-wasm's threaded SIMD build (XNNPACK on a pthread pool) under Node and Electron's Node
 * side (docs/adr/0003-cpu-training-path.md, "Two cores").
 *
 * tfjs 4.22 hard-wires `WASM_HAS_MULTITHREAD_SUPPORT` to false under Node (tfjs issue 3830): its
 * Emscripten glue does support Node (`worker_threads`, SharedArrayBuffer memory), but tfjs hands
 * the glue a `blob:` URL for the pthread worker script, which `worker_threads.Worker` cannot load.
 * This module fixes that without touching the package or writing files:
 *
 * - while the wasm backend initialises, `URL.createObjectURL` answers tfjs's request for the
 *   worker script with a `data:` URL of a tiny ES-module bootstrap. The bootstrap loads the
 *   package's own worker source (`wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`, which has a
 *   Node branch), and answers the worker's own request for the main script with the path of the
 *   package's `wasm-out/tfjs-backend-wasm-threaded-simd.js` (which defines the factory);
 * - tfjs's C++ `init_with_threads_count(n)` takes min(n, logical cores / 2) threads; on a 2-core
 *   machine that is one. While the backend's constructor runs, `os.cpus()` reports at least 2n
 *   cores so that exactly n threads are created.
 *
 * Both patches are scoped to the backend factory (restored when it settles). Everything stays
 * inside the npm package: no download, no generated file.
 */
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Emscripten's pthread pool in tfjs-wasm has 8 workers; more threads would spawn lazily. */
export const MAX_WASM_THREADS = 8;

/**
 * Threads to use: NAS_WASM_THREADS if set ('auto' = the logical cores), else 1.
 *
 * One is the default by measurement (ADR 0003): on a 2-core machine shared with other work,
 * XNNPACK's pool made convolutions no faster and element-wise ops up to 4x slower, because
 * its threads wait for each other at every op while a core is taken by another process.
 */
export function defaultWasmThreads(): number {
  const raw = process.env['NAS_WASM_THREADS'];
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const n = raw === 'auto' ? cores : Number(raw);
  return Number.isFinite(n) && n >= 1 ? Math.min(MAX_WASM_THREADS, Math.floor(n)) : 1;
}

/** Why threads cannot be used in this process, or null when they can. */
export function threadedWasmUnavailable(): string | null {
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available';
  if (typeof Atomics !== 'object') return 'Atomics is not available';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a Node built-in, only needed here
    require('node:worker_threads');
  } catch {
    return 'worker_threads is not available';
  }
  try {
    // The smallest module with a shared memory and an atomic load (wasm threads proposal).
    const probe = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11]);
    const wasmGlobal = (globalThis as unknown as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    if (!wasmGlobal || !wasmGlobal.validate(probe)) return 'this WebAssembly engine has no threads support';
  } catch {
    return 'this WebAssembly engine has no threads support';
  }
  return null;
}

/** Paths of the two package files the pthread workers load. */
function packageFiles(wasmDistDir: string): { workerSource: string; mainScript: string } {
  const out = path.resolve(wasmDistDir, '..', 'wasm-out');
  return { workerSource: path.join(out, 'tfjs-backend-wasm-threaded-simd.worker.js'), mainScript: path.join(out, 'tfjs-backend-wasm-threaded-simd.js') };
}

/**
 * The pthread worker's entry: an ES module (data: URLs are loaded as ESM) that provides
 * `require` and `__filename`, points the worker's blob-URL request at the factory script, and
 * runs the package's worker source. Its string literal embeds raw newlines, escaped as tfjs does.
 */
function bootstrapSource(files: { workerSource: string; mainScript: string }): string {
  const src = JSON.stringify(files.workerSource);
  const main = JSON.stringify(files.mainScript);
  return [
    "import { createRequire } from 'node:module';",
    `const require = createRequire(${src});`,
    `const { wasmWorkerContents } = require(${src});`,
    `URL.createObjectURL = () => ${main};`,
    'URL.revokeObjectURL = () => {};',
    "const body = wasmWorkerContents.split(String.fromCharCode(10)).join(String.fromCharCode(92) + 'n');",
    `new Function('require', '__filename', body)(require, ${main});`,
  ].join('\n');
}

interface WasmModuleApi {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

let installedThreads = 0;

interface PThreadLike {
  unusedWorkers?: Array<{ unref?: () => void }>;
  runningWorkers?: Array<{ unref?: () => void }>;
}

/**
 * Emscripten's pthread workers are ordinary `worker_threads` workers, which keep a Node process
 * alive after its work is done; unreferencing them lets processes exit as before.
 */
function unrefWorkers(backend: tf.KernelBackend): void {
  const pthread = (backend as unknown as { wasm?: { PThread?: PThreadLike } }).wasm?.PThread;
  for (const w of [...(pthread?.unusedWorkers ?? []), ...(pthread?.runningWorkers ?? [])]) w.unref?.();
}

/** Whether the wasm backend instance exists (tf.findBackend would initialise it). */
function wasmInitialised(): boolean {
  return 'wasm' in (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
}

/**
 * Re-registers the 'wasm' backend factory so that it builds the threaded SIMD module with
 * `threads` XNNPACK threads. Call after loading @tensorflow/tfjs-backend-wasm and setting its
 * wasm paths, before the backend initialises. Returns false (and changes nothing) when threads
 * are unavailable or the backend was already initialised.
 */
export function installThreadedWasm(wasm: WasmModuleApi, wasmDistDir: string, threads: number): boolean {
  if (threads <= 1 || threadedWasmUnavailable() !== null) return false;
  if (installedThreads > 0) return true;
  const factory = tf.findBackendFactory('wasm');
  if (!factory || wasmInitialised()) return false;
  const files = packageFiles(wasmDistDir);
  const workerUrl = new URL(`data:text/javascript,${encodeURIComponent(bootstrapSource(files))}`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const patchedFactory = async (): Promise<tf.KernelBackend> => {
    const createObjectURL = URL.createObjectURL;
    // The module object itself (an `import * as` namespace may be a copy): the glue reads it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const osModule = require('node:os') as { cpus: typeof os.cpus };
    const cpus = osModule.cpus;
    URL.createObjectURL = ((obj: Blob) => (obj instanceof Blob && obj.type === 'application/javascript' ? workerUrl : createObjectURL(obj))) as typeof URL.createObjectURL;
    osModule.cpus = () => {
      const real = cpus.call(osModule);
      return real.length >= 2 * threads ? real : Array.from({ length: 2 * threads }, (_, i) => real[i % real.length] as os.CpuInfo);
    };
    try {
      const backend = await factory();
      unrefWorkers(backend);
      return backend;
    } finally {
      URL.createObjectURL = createObjectURL;
      osModule.cpus = cpus;
    }
  };
  tf.removeBackend('wasm');
  // tfjs-wasm registers itself with priority 2.
  tf.registerBackend('wasm', patchedFactory, 2);
  installedThreads = threads;
  return true;
}

/** XNNPACK threads of the initialised wasm backend (1 when single-threaded or not initialised). */
export function wasmThreadsInUse(wasm: WasmModuleApi): number {
  try {
    return wasmInitialised() ? Math.max(1, wasm.getThreadsCount()) : 1;
  } catch {
    return 1;
  }
}
