/**
 * The second core for our SIMD kernels (docs/adr/0003-cpu-training-path.md, "Round 3").
 *
 * tfjs-wasm's single-threaded heap is an unshared ArrayBuffer, so no other thread can read it.
 * The pool owns a second, shared `WebAssembly.Memory` and one helper `worker_threads` worker per
 * extra core running the shared-memory build of the same kernels on it. A job (a convolution or
 * a filter gradient over N images) comes cut into chunks of images by its shapes alone
 * (./splitJob); the pool only decides who computes which chunk, never how the job is cut, so the
 * results are the same bits whatever the timing or the thread count (ADR 0003, round 4):
 *
 *   1. the main thread copies the helpers' share of the inputs (the last chunks; plus the filter
 *      and bias) from the tfjs heap into the shared memory and publishes the job;
 *   2. it computes its own chunks in place on the tfjs heap, as without the pool;
 *   3. then it claims the helpers' chunks that no helper has claimed yet, from the same atomic
 *      counter, and computes those on the tfjs heap as well (from the original inputs), so a
 *      helper descheduled by other load costs at most the chunk it holds;
 *   4. it waits for the chunks the helpers did, and copies their outputs back; a filter
 *      gradient's per-chunk partial sums are added in chunk order, whoever computed them.
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
import { chunkCount, chunkRange, isSummed, runJobOnMainThread, runSummedPrefix, type ImageSplitJob } from './splitJob';

/** Control block (Int32 slots at the start of the shared memory); same layout in kernelWorkerSource. */
const CTRL = { COUNTER: 0, PROGRESS: 1, KIND: 2, SHARE: 3, CHUNK: 4, CHUNKS: 5, DELAY_RANDOM: 6, SUM_FLOATS: 7, IN0: 8, IN1: 9, W: 10, BIAS: 11, OUT: 12, SCRATCH: 13, SCRATCH_STRIDE: 14, DELAY: 15, G: 16, BUSY: 48, FLAGS: 64 } as const;
/** Most chunks of one job (FLAGS slots). */
const MAX_CHUNKS = 512;
const CTRL_BYTES = 4096;
const PAGE = 65536;
/** The shared build's declared maximum (kernels/build.sh --max-memory). */
const MAX_BYTES = 1024 * 1024 * 1024;
/** Most helpers the pool starts (workers beyond the cores only wait for each other). */
export const MAX_KERNEL_THREADS = 8;
const STALL_TIMEOUT_MS = 5000;
/** Below this moving-average share of their chunks, helpers sit out BACKOFF_JOBS jobs. */
const BACKOFF_SHARE = 0.2;
const BACKOFF_JOBS = 64;

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
const stats = { jobs: 0, helperChunks: 0, mainChunks: 0, redone: 0, backoffs: 0 };

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

/**
 * Jobs run on the pool and how their chunks were shared (mainChunks includes `redone`: helper
 * chunks the main thread recomputed after waiting too long; backoffs: times the helpers sat out
 * BACKOFF_JOBS jobs), for tests and the benchmark.
 */
export function kernelPoolStats(): { jobs: number; helperChunks: number; mainChunks: number; redone: number; backoffs: number } {
  return { ...stats };
}

/**
 * One line on how the pool shared this process's kernels, or null when no job was split (the
 * pool off, or no kernel above the split threshold). Job processes log it as they end, so a
 * run's events show whether its convolutions ran on several threads.
 */
export function kernelPoolUsage(): string | null {
  const s = stats;
  if (s.jobs === 0) return null;
  const total = s.helperChunks + s.mainChunks;
  const share = total === 0 ? 0 : (100 * s.helperChunks) / total;
  return `kernel pool: ${s.jobs} kernel calls split, ${s.helperChunks} of ${total} chunks (${share.toFixed(0)} %) on helper threads, ${s.redone} recomputed by the main thread, ${s.backoffs} backoffs`;
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
  // Moving average of the fraction of helper-share chunks the helpers did, and jobs to run
  // locally after it fell below BACKOFF_SHARE.
  let helperShare = 0.5;
  let skipJobs = 0;
  const noteHelperShare = (share: number): void => {
    helperShare = 0.8 * helperShare + 0.2 * share;
    if (helperShare < BACKOFF_SHARE) {
      skipJobs = BACKOFF_JOBS;
      helperShare = 0.5;
      stats.backoffs++;
    }
  };
  const ctrl = (): Int32Array => new Int32Array(memory.buffer, 0, CTRL_BYTES / 4);
  busy = () => Array.from({ length: helpers }, (_, k) => Atomics.load(ctrl(), CTRL.BUSY + k)).some((b) => b !== 0);

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
      // The partition is the job's (shapes only); the pool only decides who computes which
      // chunk. The helpers' share is the last chunks, about helpers/(helpers+1) of them.
      const total = chunkCount(job);
      const chunks = Math.floor((total * helpers) / (helpers + 1));
      if (chunks < 1 || chunks > MAX_CHUNKS) return false;
      const c = ctrl();
      // Helpers that have been doing almost nothing (their cores taken by other work) only cost
      // the copies: run the next jobs locally, then try them again.
      const adaptive = backoffEnabled && mainClaims && mainRedoes;
      if (adaptive && skipJobs > 0) {
        skipJobs--;
        return false;
      }
      // A helper still busy with a job the main thread stopped waiting for: run this one
      // locally (for the average, the helpers did none of it).
      for (let k = 0; k < helpers; k++) {
        if (Atomics.load(c, CTRL.BUSY + k) !== 0) {
          if (adaptive) noteHelperShare(0);
          return false;
        }
      }
      const own = total - chunks;
      const chunk = job.chunkImages;
      const first = own * chunk;
      const share = n - first;
      const summed = isSummed(job) ? job : null;
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
      // Convolutions: the share's output images; filter gradients: one partial dW per chunk.
      at = align(at + 4 * (summed ? summed.output.sumFloats * chunks : (job.output as { floatsPerImage: number }).floatsPerImage * share));
      const scratchStride = align(job.scratchBytes(chunk));
      const scratch = at;
      at += scratchStride * helpers;
      if (!ensure(at)) return false;
      const shared = memory.buffer;
      let h = heap();
      if (job.filter) copy(h, job.filter.offset, shared, w, job.filter.floats);
      if (job.bias) copy(h, job.bias.offset, shared, bias, job.bias.floats);
      job.perImage.forEach((b, i) => copy(h, b.offset + 4 * b.floats * first, shared, inputs[i] as number, b.floats * share));
      c[CTRL.KIND] = job.kind;
      c[CTRL.SHARE] = share;
      c[CTRL.CHUNK] = chunk;
      c[CTRL.CHUNKS] = chunks;
      c[CTRL.SUM_FLOATS] = summed ? summed.output.sumFloats : 0;
      c[CTRL.IN0] = inputs[0] ?? 0;
      c[CTRL.IN1] = inputs[1] ?? 0;
      c[CTRL.W] = w;
      c[CTRL.BIAS] = bias;
      c[CTRL.OUT] = out;
      c[CTRL.SCRATCH] = scratch;
      c[CTRL.SCRATCH_STRIDE] = scratchStride;
      job.ints(chunk).forEach((v, i) => (c[CTRL.G + i] = v));
      c[CTRL.DELAY] = helperDelayMs;
      c[CTRL.DELAY_RANDOM] = helperDelayRandom ? 1 : 0;
      // Done flags hold the sequence number of the job a chunk was done for; clear them, or a
      // flag left 32,767 jobs ago (the numbers wrap) would read as done. No helper is busy here.
      for (let q = 0; q < chunks; q++) Atomics.store(c, CTRL.FLAGS + q, 0);
      seq = (seq % 0x7fff) + 1;
      const jobSeq = seq;
      Atomics.store(c, CTRL.COUNTER, jobSeq << 16);
      Atomics.notify(c, CTRL.COUNTER);

      // Helper chunk q is chunk own + q of the job; the main thread computes a chunk it takes
      // from the tfjs heap (a summed job's partial into that chunk's own slot).
      const runHere = (q: number): void => {
        if (isSummed(job)) job.runChunk(own + q);
        else {
          const [i0, i1] = chunkRange(job, own + q);
          job.runLocal(i0, i1);
        }
      };
      const t0 = performance.now();
      if (isSummed(job)) runSummedPrefix(job, own);
      else job.runLocal(0, first);
      // Expected time of one chunk, from the main thread's own share.
      const chunkMs = (performance.now() - t0) / own;
      // Claim what the helpers have not started.
      const local = new Set<number>();
      for (; mainClaims;) {
        const v = Atomics.load(c, CTRL.COUNTER);
        if ((v & 0xffff) >= chunks) break;
        if (Atomics.compareExchange(c, CTRL.COUNTER, v, v + 1) !== v) continue;
        runHere(v & 0xffff);
        local.add(v & 0xffff);
      }
      const done = (q: number): boolean => Atomics.load(c, CTRL.FLAGS + q) === jobSeq;
      const pending = (): number[] => Array.from({ length: chunks }, (_, q) => q).filter((q) => !local.has(q) && !done(q));
      // Wait for the helpers' chunks. A helper that holds one well past its expected time has
      // lost its core to other load: the main thread recomputes what is left, from the tfjs heap.
      const start = performance.now();
      const patience = mainRedoes ? 0.2 + 2 * chunkMs : STALL_TIMEOUT_MS;
      for (let left = pending(); left.length > 0; left = pending()) {
        const waited = performance.now() - start;
        if (waited > patience) {
          if (!mainRedoes) {
            disable(`a kernel worker made no progress for ${STALL_TIMEOUT_MS / 1000} s`, workers);
            runJobOnMainThread(job);
            return true;
          }
          // Chunks no helper has started are claimed first, so that the helpers stop.
          for (let v = Atomics.load(c, CTRL.COUNTER); (v & 0xffff) < chunks; v = Atomics.load(c, CTRL.COUNTER)) Atomics.compareExchange(c, CTRL.COUNTER, v, v + 1);
          for (const q of left) {
            runHere(q);
            local.add(q);
          }
          stats.redone += left.length;
          break;
        }
        const progress = Atomics.load(c, CTRL.PROGRESS);
        if (pending().length === 0) break;
        Atomics.wait(c, CTRL.PROGRESS, progress, Math.max(0.05, patience - waited));
      }
      stats.jobs++;
      if (adaptive) noteHelperShare((chunks - local.size) / chunks);
      stats.helperChunks += chunks - local.size;
      stats.mainChunks += local.size;
      h = heap(); // runLocal may have grown the tfjs heap
      if (summed) {
        // Every helper-share partial, in chunk order, whoever computed it: a helper's is copied
        // from the shared memory into the chunk's slot first, so the same addition runs.
        const size = summed.output.sumFloats;
        for (let q = 0; q < chunks; q++) {
          if (!local.has(q)) copy(shared, out + 4 * q * size, h, summed.partialOffset(own + q), size);
          summed.addChunk(own + q);
        }
        return true;
      }
      if (local.size === chunks) return true;
      const per = (job.output as { floatsPerImage: number }).floatsPerImage;
      for (let q = 0; q < chunks; q++) {
        if (local.has(q)) continue;
        const i0 = q * chunk;
        const count = Math.min(chunk, share - i0);
        copy(shared, out + 4 * per * i0, h, job.output.offset + 4 * per * (first + i0), per * count);
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
let mainRedoes = true;
let backoffEnabled = true;

/** Whether idle-looking helpers sit out jobs (default true; tests that count jobs turn it off). */
export function setHelperBackoff(enabled: boolean): void {
  backoffEnabled = enabled;
}
let helperDelayMs = 0;
let helperDelayRandom = false;

/**
 * Whether the main thread recomputes a late helper's chunks (default true). Off, it waits up to
 * 5 s and then turns the pool off; tests turn it off, with {@link setMainClaimsHelperChunks},
 * so that whatever the load the helpers' own results are what they check.
 */
export function setMainRedoesLateChunks(redoes: boolean): void {
  mainRedoes = redoes;
}

/** Whether a helper is still working on (or claiming from) a job, for tests. */
export function kernelPoolBusy(): boolean {
  return busy?.() ?? false;
}
let busy: (() => boolean) | null = null;

/**
 * Makes every helper sleep this long before each chunk (tests of a helper that lost its core);
 * random: a uniformly random time in [0, ms) per chunk instead (tests of timing independence).
 */
export function setHelperDelayForTests(ms: number, random = false): void {
  helperDelayMs = Math.max(0, Math.floor(ms));
  helperDelayRandom = random;
}

/**
 * Whether the main thread takes the helpers' unclaimed chunks (default true). Tests turn it off
 * so that the helpers' results are what they check, whatever the load on the machine (with
 * {@link setMainRedoesLateChunks}(false)).
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
