/**
 * Memory over a long run, in one process: a tiny NB201 supernet (C=2, 8x8 synthetic images,
 * batch 8) trained for `steps` single-path steps (uniform sampler, SGD Nesterov) on the wasm
 * path the app uses. Every `every` steps it records tf.memory().numTensors and the process RSS;
 * prints one JSON line. The test (test/engine/runners/supernetMemory.test.ts) asserts the
 * tensor count; this is the RSS figure beside it, which a test cannot check reliably.
 *
 * Invoked by bench/loadBench.js (bundled with esbuild), as
 *   node --expose-gc memoryBench.js '{"steps":1000,"every":100}'
 */
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
}

interface Sample {
  step: number;
  numTensors: number;
  /** RSS as it is, JS garbage included. */
  rssMB: number;
  /** RSS and the JS heap in use right after a full GC (needs node --expose-gc): what is retained. */
  rssAfterGcMB: number;
  heapAfterGcMB: number;
  /** The tfjs-wasm module's linear memory (grows, never shrinks; part of RSS once touched). */
  wasmMB: number;
}

/** Size of the tfjs wasm backend's heap, NaN if it cannot be read. */
function wasmHeapBytes(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.buffer.byteLength ?? NaN;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] as string) as MemoryConfig;
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

  const mb = (bytes: number): number => bytes / 2 ** 20;
  const sample = (step: number): Sample => {
    const rssMB = mb(process.memoryUsage().rss);
    if (!gc) throw new Error('memoryBench: run node with --expose-gc');
    gc();
    const after = process.memoryUsage();
    return { step, numTensors: tf.memory().numTensors, rssMB, rssAfterGcMB: mb(after.rss), heapAfterGcMB: mb(after.heapUsed), wasmMB: mb(wasmHeapBytes()) };
  };
  const samples: Sample[] = [sample(0)];
  const t0 = performance.now();
  for (let step = 1; step <= cfg.steps; step++) {
    supernetTrainStep(net, optimizer, x, y, sampler.next(state), 0.01, opts);
    if (step % cfg.every === 0) samples.push(sample(step));
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ detail: support.detail(), steps: cfg.steps, seconds, samples }));
  tf.dispose([x, y]);
  optimizer.dispose();
  net.dispose();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
