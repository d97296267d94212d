/**
 * Memory over a long run, in one process: a tiny NB201 supernet (C=2, 8x8 synthetic images,
 * batch 8) trained for `steps` single-path steps (uniform sampler, SGD Nesterov) on the wasm
 * path the app uses. Every `every` steps it records tf.memory().numTensors and the process's
 * memory in parts; prints one JSON line. The test (test/engine/runners/supernetMemory.test.ts)
 * asserts the tensor count; this is the RSS figure beside it, which a test cannot check
 * reliably. bench/loadBench.js reads the line and reports the warm-up and the steady slope.
 *
 * Each sample is taken after a full GC, a pause of `settleMs` and a second GC: V8 hands the
 * pages a GC freed back to the OS from a background thread, so RSS read right after one GC
 * still counts old-space pages about to be released (up to ~15 MB here, coming and going).
 *
 * Invoked by bench/loadBench.js (bundled with esbuild), as
 *   node --expose-gc [--no-opt] memoryBench.js '{"steps":2000,"every":25,"settleMs":100}'
 */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import { wasmTrainingSupport } from '../electron/engine/tf/wasmTrainingSupport';
import { Nb201Supernet } from '../electron/engine/supernet/nb201Supernet';
import { SgdNesterov } from '../electron/engine/train/sgdNesterov';
import { supernetTrainStep } from '../electron/engine/runners/supernetTrainStep';
import { createSampler } from '../electron/engine/sampler/registry';
import { NB201_SPACE } from '../electron/engine/space/nb201SearchSpace';
import { fullState } from '../electron/engine/space/spaceState';
import { SeededRng } from '../electron/engine/random/seededRng';

interface MemoryConfig {
  steps: number;
  every: number;
  settleMs: number;
}

/** One sample; sizes in MB (2^20 bytes). All but `rssMB` are read after the GCs. */
interface Sample {
  step: number;
  numTensors: number;
  /** RSS as it is, JS garbage included. */
  rssMB: number;
  rssAfterGcMB: number;
  /** V8's heap: committed (heapTotal) and in use by live objects (heapUsed). */
  heapTotalMB: number;
  heapUsedMB: number;
  /** Committed old-generation and code space, the parts of heapTotal that vary. */
  oldSpaceMB: number;
  codeSpaceMB: number;
  /** Memory outside the V8 heap owned by JS objects; includes the tfjs wasm memory. */
  externalMB: number;
  arrayBuffersMB: number;
  /** The tfjs-wasm module's linear memory (grows, never shrinks; part of RSS once touched). */
  wasmMB: number;
  /** Linux: resident file-backed pages (the node binary, libraries) and anonymous pages. */
  rssFileMB: number | null;
  rssAnonMB: number | null;
}

/** Size of the tfjs wasm backend's heap, NaN if it cannot be read. */
function wasmHeapBytes(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.buffer.byteLength ?? NaN;
}

/** RssFile and RssAnon from /proc/self/status in MB, null where there is no such file. */
function procRss(): { file: number | null; anon: number | null } {
  try {
    const text = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string): number | null => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
      return m ? Number(m[1]) / 1024 : null;
    };
    return { file: kb('RssFile'), anon: kb('RssAnon') };
  } catch {
    return { file: null, anon: null };
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number): number => bytes / 2 ** 20;

async function sample(step: number, settleMs: number): Promise<Sample> {
  const rssMB = mb(process.memoryUsage().rss);
  if (!gc) throw new Error('memoryBench: run node with --expose-gc');
  gc();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  gc();
  const after = process.memoryUsage();
  const spaces = new Map(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  const proc = procRss();
  return {
    step,
    numTensors: tf.memory().numTensors,
    rssMB,
    rssAfterGcMB: mb(after.rss),
    heapTotalMB: mb(after.heapTotal),
    heapUsedMB: mb(after.heapUsed),
    oldSpaceMB: mb(spaces.get('old_space') ?? NaN),
    codeSpaceMB: mb(spaces.get('code_space') ?? NaN),
    externalMB: mb(after.external),
    arrayBuffersMB: mb(after.arrayBuffers),
    wasmMB: mb(wasmHeapBytes()),
    rssFileMB: proc.file,
    rssAnonMB: proc.anon,
  };
}

async function main(): Promise<void> {
  const cfg = { settleMs: 100, ...(JSON.parse(process.argv[2] as string) as Partial<MemoryConfig>) } as MemoryConfig;
  const support = wasmTrainingSupport({});
  if (!support.ok) throw new Error(support.reason);
  await support.register();
  await tf.setBackend('wasm');
  await tf.ready();

  const net = new Nb201Supernet({ channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 4, seed: 5 });
  const optimizer = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
  const rng = new SeededRng(9);
  const x = tf.tensor4d(Float32Array.from({ length: 8 * 8 * 8 }, () => rng.normal()), [8, 8, 8, 1]);
  const y = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32');
  const sampler = createSampler(NB201_SPACE, 'uniform', new SeededRng(11));
  const state = fullState(NB201_SPACE);
  const opts = { labelSmoothing: 0, clip: { kind: 'none' as const } };

  const samples: Sample[] = [await sample(0, cfg.settleMs)];
  let trainMs = 0;
  for (let step = 1; step <= cfg.steps; step++) {
    const t = performance.now();
    supernetTrainStep(net, optimizer, x, y, sampler.next(state), 0.01, opts);
    trainMs += performance.now() - t;
    if (step % cfg.every === 0) samples.push(await sample(step, cfg.settleMs));
  }
  const flags = process.execArgv.filter((a) => a !== '--expose-gc');
  console.log(JSON.stringify({ detail: support.detail(), flags, steps: cfg.steps, seconds: trainMs / 1000, samples }));
  tf.dispose([x, y]);
  optimizer.dispose();
  net.dispose();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
