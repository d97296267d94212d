/**
 * The second core for our SIMD kernels (docs/adr/0003-cpu-training-path.md, "Round 3").
 *
 * tfjs-wasm's single-threaded heap is an unshared ArrayBuffer, so no other thread can read it.
 * The pool owns a second, shared `WebAssembly.Memory` and one helper `worker_threads` worker per
 * extra core running the shared-memory build of the same kernels on it. A job (a convolution or
 * a filter gradient over N images) is split by image:
 *
 *   1. the main thread copies the helpers' share of the inputs (the last images; plus the filter
 *      and bias) from the tfjs heap into the shared memory and publishes the job;
 *   2. it computes its own share in place on the tfjs heap, as without the pool;
 *   3. then it claims the helpers' chunks that no helper has claimed yet, from the same atomic
 *      counter, and computes those on the tfjs heap as well (from the original inputs), so a
 *      helper descheduled by other load costs at most the chunk it holds;
 *   4. it waits for the chunks the helpers did, and copies their outputs back (or adds their
 *      partial filter-gradient sums).
 * Copies run at memcpy speed (~0.15 ms per 3 MB warm) against milliseconds of compute.
 *
 * Where SharedArrayBuffer, Atomics, worker_threads or wasm threads are missing, or one core is
 * all there is, or NAS_KERNEL_THREADS=1, {@link kernelPool} returns null and every kernel runs on
 * the main thread as before. A helper that fails or stalls (no progress for
 * {@link STALL_TIMEOUT_MS}) turns the pool off for the process; the job in flight is recomputed
 * on the main thread, so results never depend on the helper.
 */
import * as os from 'node:os';
import { NAS_KERNELS_SHARED_WASM_BASE64 } from '../cpu/nasKernelsWasm';
import { threadedWasmUnavailable } from './threadedWasm';
import { KERNEL_WORKER_SOURCE } from './kernelWorkerSource';

/** Control block (Int32 slots at the start of the shared memory); same layout in kernelWorkerSource. */
const CTRL = { COUNTER: 0, DONE: 1, KIND: 2, SHARE: 3, CHUNK: 4, CHUNKS: 5, CONTRIBUTED: 6, IN0: 8, IN1: 9, W: 10, BIAS: 11, OUT: 12, SCRATCH: 13, SCRATCH_STRIDE: 14, G: 16 } as const;
const CTRL_BYTES = 4096;
const PAGE = 65536;
/** The shared build's declared maximum (kernels/build.sh --max-memory). */
const MAX_BYTES = 1024 * 1024 * 1024;
/** Most helpers the pool starts (workers beyond the cores only wait for each other). */
export const MAX_KERNEL_THREADS = 8;
const STALL_TIMEOUT_MS = 5000;

/** Job kinds (numbers the worker switches on). */
export const JobKind = { Conv: 1, Winograd: 2, FilterGrad: 3 } as const;
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

/** A block of floats on the tfjs heap (byte offset). */
export interface HeapBlock {
  readonly offset: number;
  readonly floats: number;
}

/** One kernel call over `images` images, split between the main thread and the helpers. */
export interface ImageSplitJob {
  readonly kind: JobKind;
  readonly images: number;
  /** Inputs with one block per image (x; dy for the filter gradient): byte offset, floats per image. */
  readonly perImage: readonly HeapBlock[];
  /** Copied whole: the filter (null for the filter gradient), then the bias (or null). */
  readonly filter: HeapBlock | null;
  readonly bias: HeapBlock | null;
  /** Per image (convolutions) or one sum over all images (filter gradient). */
  readonly output: { readonly offset: number; readonly floatsPerImage: number } | { readonly offset: number; readonly sumFloats: number };
  /** Geometry for the worker, in the order kernelWorkerSource reads it, for chunks of `chunkImages`. */
  ints(chunkImages: number): number[];
  /** Scratch bytes one helper needs for a chunk of `chunkImages` images. */
  scratchBytes(chunkImages: number): number;
  /**
   * Runs images [i0, i1) on the main thread, on the tfjs heap. accumulate: add into a summed
   * output instead of overwriting it (always false for the first call of a job).
   */
  runLocal(i0: number, i1: number, accumulate: boolean): void;
}

export interface KernelPool {
  readonly threads: number;
  /** Runs the job over both threads; returns false (nothing run) when the job does not fit the shared memory. */
  run(job: ImageSplitJob, heap: () => ArrayBufferLike): boolean;
}

interface WorkerLike {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', listener: (arg: unknown) => void): void;
}

let pool: KernelPool | null | undefined;
let disabledReason = '';
let stats = { jobs: 0, helperChunks: 0, mainChunks: 0 };

/** Threads for our kernels: NAS_KERNEL_THREADS if set (1 turns the pool off), else the logical cores (at most 8). */
export function defaultKernelThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const raw = process.env['NAS_KERNEL_THREADS'];
  const n = raw === undefined || raw === '' || raw === 'auto' ? cores : Number(raw);
  return Number.isFinite(n) && n >= 1 ? Math.min(MAX_KERNEL_THREADS, Math.floor(n)) : 1;
}

/** Why the pool is not in use (empty when it is, or before the first kernel asked for it). */
export function kernelPoolUnavailableReason(): string {
  return disabledReason;
}

/** Jobs run on the pool and how their chunks were shared, for tests and the benchmark. */
export function kernelPoolStats(): { jobs: number; helperChunks: number; mainChunks: number } {
  return { ...stats };
}

function disable(reason: string, workers: readonly WorkerLike[]): void {
  disabledReason = reason;
  pool = null;
  for (const w of workers) void w.terminate();
}

function createPool(threads: number): KernelPool | null {
  const why = threadedWasmUnavailable();
  if (why) {
    disabledReason = why;
    return null;
  }
  const api = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer; grow(pages: number): number }; Module: new (bytes: Uint8Array) => object } }).WebAssembly;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a Node built-in, only needed here
  const { Worker } = require('node:worker_threads') as { Worker: new (src: string, opts: { eval: boolean; workerData: unknown }) => WorkerLike };
  const memory = new api.Memory({ initial: 16, maximum: MAX_BYTES / PAGE, shared: true });
  const module = new api.Module(Buffer.from(NAS_KERNELS_SHARED_WASM_BASE64, 'base64'));
  const helpers = threads - 1;
  const workers: WorkerLike[] = [];
  for (let index = 0; index < helpers; index++) {
    const w = new Worker(KERNEL_WORKER_SOURCE, { eval: true, workerData: { module, memory, index } });
    // Helpers must not keep a process alive after its work is done.
    w.unref();
    w.on('error', (e) => disable(`a kernel worker failed: ${e instanceof Error ? e.message : String(e)}`, workers));
    w.on('exit', () => {
      if (pool) disable('a kernel worker exited', workers);
    });
    workers.push(w);
  }
  let seq = 0;
  const ctrl = (): Int32Array => new Int32Array(memory.buffer, 0, CTRL_BYTES / 4);

  function ensure(bytes: number): boolean {
    if (bytes > MAX_BYTES) return false;
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  }

  function copy(fromHeap: ArrayBufferLike, from: number, to: ArrayBufferLike, at: number, floats: number): void {
    new Float32Array(to, at, floats).set(new Float32Array(fromHeap, from, floats));
  }

  return {
    threads,
    run(job, heap) {
      const n = job.images;
      const share = Math.floor((n * helpers) / (helpers + 1));
      if (share < 1) return false;
      const first = n - share;
      // About 8 chunks per helper: small enough to balance, large enough for the claim to be free.
      const chunk = Math.max(1, Math.ceil(share / (8 * helpers)));
      const chunks = Math.ceil(share / chunk);
      const align = (b: number): number => Math.ceil(b / 64) * 64;
      // Layout: control, filter, bias, per-image inputs (share), output, scratch per helper.
      let at = CTRL_BYTES;
      const w = job.filter ? at : 0;
      if (job.filter) at = align(at + 4 * job.filter.floats);
      const bias = job.bias ? at : 0;
      if (job.bias) at = align(at + 4 * job.bias.floats);
      const inputs = job.perImage.map((b) => {
        const o = at;
        at = align(at + 4 * b.floats * share);
        return o;
      });
      const out = at;
      at = align(at + 4 * ('sumFloats' in job.output ? job.output.sumFloats * helpers : job.output.floatsPerImage * share));
      const scratchStride = align(job.scratchBytes(chunk));
      const scratch = at;
      at += scratchStride * helpers;
      if (!ensure(at)) return false;
      const shared = memory.buffer;
      let h = heap();
      if (job.filter) copy(h, job.filter.offset, shared, w, job.filter.floats);
      if (job.bias) copy(h, job.bias.offset, shared, bias, job.bias.floats);
      job.perImage.forEach((b, i) => copy(h, b.offset + 4 * b.floats * first, shared, inputs[i] as number, b.floats * share));
      const c = ctrl();
      c[CTRL.KIND] = job.kind;
      c[CTRL.SHARE] = share;
      c[CTRL.CHUNK] = chunk;
      c[CTRL.CHUNKS] = chunks;
      c[CTRL.IN0] = inputs[0] ?? 0;
      c[CTRL.IN1] = inputs[1] ?? 0;
      c[CTRL.W] = w;
      c[CTRL.BIAS] = bias;
      c[CTRL.OUT] = out;
      c[CTRL.SCRATCH] = scratch;
      c[CTRL.SCRATCH_STRIDE] = scratchStride;
      job.ints(chunk).forEach((v, i) => (c[CTRL.G + i] = v));
      Atomics.store(c, CTRL.DONE, 0);
      Atomics.store(c, CTRL.CONTRIBUTED, 0);
      seq = (seq % 0x7fff) + 1;
      Atomics.store(c, CTRL.COUNTER, seq << 16);
      Atomics.notify(c, CTRL.COUNTER);

      job.runLocal(0, first, false);
      // Claim what the helpers have not started.
      const mine: number[] = [];
      for (; mainClaims;) {
        const v = Atomics.load(c, CTRL.COUNTER);
        if ((v & 0xffff) >= chunks) break;
        if (Atomics.compareExchange(c, CTRL.COUNTER, v, v + 1) !== v) continue;
        const i0 = first + (v & 0xffff) * chunk;
        job.runLocal(i0, Math.min(n, i0 + chunk), true);
        mine.push(v & 0xffff);
      }
      const theirs = chunks - mine.length;
      const start = Date.now();
      for (let done = Atomics.load(c, CTRL.DONE); done < theirs; done = Atomics.load(c, CTRL.DONE)) {
        if (Date.now() - start > STALL_TIMEOUT_MS) {
          disable(`a kernel worker made no progress for ${STALL_TIMEOUT_MS / 1000} s`, workers);
          job.runLocal(0, n, false);
          return true;
        }
        Atomics.wait(c, CTRL.DONE, done, 50);
      }
      stats = { jobs: stats.jobs + 1, helperChunks: stats.helperChunks + theirs, mainChunks: stats.mainChunks + mine.length };
      if (theirs === 0) return true;
      h = heap(); // runLocal may have grown the tfjs heap
      if ('sumFloats' in job.output) {
        const dst = new Float32Array(h, job.output.offset, job.output.sumFloats);
        const contributed = Atomics.load(c, CTRL.CONTRIBUTED);
        for (let k = 0; k < helpers; k++) {
          if (!(contributed & (1 << k))) continue;
          const part = new Float32Array(shared, out + 4 * k * job.output.sumFloats, job.output.sumFloats);
          for (let e = 0; e < part.length; e++) (dst[e] as number) += part[e] as number;
        }
      } else {
        const per = job.output.floatsPerImage;
        const taken = new Set(mine);
        for (let q = 0; q < chunks; q++) {
          if (taken.has(q)) continue;
          const i0 = q * chunk;
          const count = Math.min(chunk, share - i0);
          copy(shared, out + 4 * per * i0, h, job.output.offset + 4 * per * (first + i0), per * count);
        }
      }
      return true;
    },
  };
}

/**
 * The process's pool, created on first use; null when our kernels run on the main thread only
 * (see {@link kernelPoolUnavailableReason}).
 */
export function kernelPool(): KernelPool | null {
  if (pool !== undefined) return pool;
  const threads = defaultKernelThreads();
  if (threads <= 1) {
    disabledReason = 'one thread (NAS_KERNEL_THREADS=1 or a single core)';
    pool = null;
    return pool;
  }
  try {
    pool = createPool(threads);
  } catch (error) {
    disabledReason = `the kernel pool could not start: ${error instanceof Error ? error.message : String(error)}`;
    pool = null;
  }
  return pool;
}

let mainClaims = true;

/**
 * Whether the main thread takes the helpers' unclaimed chunks (default true). Tests turn it off
 * so that the helpers' results are what they check, whatever the load on the machine.
 */
export function setMainClaimsHelperChunks(claims: boolean): void {
  mainClaims = claims;
}

/** Smallest job (multiply-adds) worth splitting; below it the hand-off costs more than it saves. */
let minSplitMacs = 8e6;

/** Whether a job of `macs` multiply-adds should go to the pool (tests lower the threshold). */
export function worthSplitting(macs: number): boolean {
  return macs >= minSplitMacs;
}

/** Sets the threshold of {@link worthSplitting} (tests split tiny shapes; Infinity = never split). */
export function setMinSplitMacs(macs: number): void {
  minSplitMacs = macs;
}
