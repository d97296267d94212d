/**
 * Issue #8 "trustworthy runs": a seed reproduces a run bit for bit with the kernel pool on
 * (ADR 0003, round 4). Three short seeded ABS runs of a C=8 supernet (our SIMD kernels apply at
 * 8 channels; every convolution and filter gradient is handed to the pool) give identical
 * losses, accuracies, shrink scores and dropped operators: one with the pool as in production,
 * one with a helper slowed by random delays (so the main thread takes other chunks), one with
 * the pool off (as NAS_KERNEL_THREADS=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import type { ExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { getPreset } from '../../../electron/engine/presets/presets';
import { runAbsJob } from '../../../electron/engine/runners/absRunner';
import { kernelPool, kernelPoolBusy, kernelPoolStats, setHelperDelayForTests, setMinSplitMacs } from '../../../electron/engine/tf/threads/kernelPool';
import type { JobEvent, JobEventInput } from '../../../shared/model/job';
import { setUpBackends } from '../cpu/helpers';

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});
afterAll(() => {
  setMinSplitMacs(8e6);
  setHelperDelayForTests(0);
});

/** Two epochs of 8 steps of 16 images, then one shrink step (the test stops the run there). */
function tinyConfig(): ExperimentConfig {
  const base = getPreset('nb201-fashion-abs');
  return parseExperimentConfig(
    {
      ...base,
      maxTrainImages: 160,
      valFraction: 0.2,
      network: { channels: 8, cellsPerStage: 1 },
      training: { ...base.training, epochs: 2, batchSize: 16 },
      abs: { ...base.abs, policy: { kind: 'global', count: 6 }, targetSize: 5000, search: { name: 'random', count: 3, topK: 2 }, searchValImages: 24 },
    },
    'test',
  );
}

interface Outcome {
  /** The events that carry numbers from training (timing fields and wall-clock values left out). */
  readonly numbers: unknown[];
  /** results.json's shrink steps and final space. */
  readonly results: unknown;
}

async function run(): Promise<Outcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-pool-repro-'));
  const events: JobEvent[] = [];
  let seq = 0;
  await runAbsJob({
    config: tinyConfig(),
    dir,
    backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
    emit: (e: JobEventInput) => events.push({ ...e, seq: seq++, time: 0 } as JobEvent),
    // Stop after the shrink step: the search after it adds nothing the events above do not show.
    cancelled: () => events.some((e) => e.type === 'shrink'),
    takeCommands: () => [],
  });
  const numbers = events.flatMap((e): unknown[] => {
    if (e.type === 'metric') return [{ split: e.split, epoch: e.epoch, step: e.step, loss: e.loss, accuracy: e.accuracy }];
    if (e.type === 'shrink') return [{ step: e.step, scores: e.scores, dropped: e.dropped, remaining: e.remaining }];
    return [];
  });
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as { finalSpace: unknown; steps: unknown };
  fs.rmSync(dir, { recursive: true, force: true });
  return { numbers, results: [results.finalSpace, results.steps] };
}

describe('seeded runs with the kernel pool on', () => {
  it('give identical losses, accuracies and shrink scores; equal to the pool off', async () => {
    expect(kernelPool()?.threads).toBeGreaterThanOrEqual(2);
    // Every job to the pool, however small (these shapes are below the production threshold).
    setMinSplitMacs(0);
    const before = kernelPoolStats();
    const first = await run();
    const mid = kernelPoolStats();
    setHelperDelayForTests(2, true);
    let second: Outcome;
    try {
      second = await run();
    } finally {
      setHelperDelayForTests(0);
    }
    const after = kernelPoolStats();
    for (let waited = 0; kernelPoolBusy() && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    setMinSplitMacs(Infinity);
    const off = await run();
    expect(kernelPoolStats().jobs).toBe(after.jobs);
    // Both pooled runs really split work, and the helper did some of it in each (with random
    // delays, jobs that find the helper still asleep run on the main thread alone).
    expect(mid.jobs - before.jobs).toBeGreaterThan(20);
    expect(after.jobs - mid.jobs).toBeGreaterThan(20);
    expect(mid.helperChunks - before.helperChunks).toBeGreaterThan(0);
    expect(after.helperChunks - mid.helperChunks).toBeGreaterThan(0);
    expect(after.mainChunks - mid.mainChunks).toBeGreaterThan(0);
    // Training metrics and shrink steps are there to compare.
    expect(first.numbers.length).toBeGreaterThan(3);
    expect(first.numbers.some((n) => (n as { scores?: unknown }).scores !== undefined)).toBe(true);
    expect(second.numbers).toEqual(first.numbers);
    expect(second.results).toEqual(first.results);
    expect(off.numbers).toEqual(first.numbers);
    expect(off.results).toEqual(first.results);
  }, 180_000);
});
