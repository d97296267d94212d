/**
 * Pause and resume in the same process (jobs/pauseGate.ts): the gate's clock leaves out held
 * time, and a supernet paused mid-epoch does no step until resumed, then ends exactly where an
 * unpaused run ends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PauseGate } from '../../../electron/engine/jobs/pauseGate';
import { runSupernetJob, LAST_CHECKPOINT } from '../../../electron/engine/runners/supernetRunner';
import { loadCheckpoint } from '../../../electron/engine/store/checkpoint';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { getPreset } from '../../../electron/engine/presets/presets';
import type { JobEventInput } from '../../../shared/model/job';
import { setUpBackends } from '../cpu/helpers';

describe('PauseGate', () => {
  it('holds only after the loop reaches it, and its clock leaves the hold out', async () => {
    let t = 1_000;
    const log: string[] = [];
    const gate = new PauseGate({ onHold: () => log.push('hold'), onRelease: (ms) => log.push(`release ${ms}`), onWithdrawn: () => log.push('withdrawn') }, () => t);
    await gate.wait(); // not paused: at once
    expect(gate.pause()).toBe(true);
    expect(gate.pause()).toBe(false);
    t += 500; // still working until the loop reaches its boundary: this counts
    let released = false;
    const held = gate.wait().then(() => (released = true));
    expect(log).toEqual(['hold']);
    t += 7_000; // paused
    expect(gate.now()).toBe(1_500);
    expect(gate.pausedMs).toBe(7_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(false);
    expect(gate.resume()).toBe(true);
    await held;
    expect(log).toEqual(['hold', 'release 7000']);
    t += 250;
    expect(gate.now()).toBe(1_750);
    expect(gate.resume()).toBe(false);
    // A resume before the loop got to its hold holds nothing and costs no time.
    gate.pause();
    gate.resume();
    expect(log.at(-1)).toBe('withdrawn');
    expect(gate.pausedMs).toBe(7_000);
  });

  it('lets a held loop go on a cancel without a resume', async () => {
    let t = 0;
    const log: string[] = [];
    const gate = new PauseGate({ onRelease: () => log.push('release') }, () => t);
    gate.pause();
    const held = gate.wait();
    t += 100;
    gate.release();
    await held;
    expect(log).toEqual([]);
    expect(gate.pauseRequested).toBe(false);
    expect(gate.pausedMs).toBe(100);
  });
});

describe('a paused supernet', () => {
  beforeAll(async () => {
    await setUpBackends();
    await tf.setBackend('wasm');
  });

  it('does no step while paused, leaves the pause out of its time and ends bit for bit where an unpaused run ends', async () => {
    const base = getPreset('nb201-fashion');
    const config = parseExperimentConfig(
      { ...base, maxTrainImages: 96, valFraction: 0.25, network: { channels: 2, cellsPerStage: 1 }, training: { ...base.training, epochs: 2, batchSize: 16 } },
      'test',
    );
    const backend = { chosen: 'wasm' as const, tfBackend: 'wasm', gpu: false, attempts: [], devices: [] };
    const plainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-pause-a-'));
    const pausedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-pause-b-'));
    const plain = await runSupernetJob({ config, dir: plainDir, backend, emit: () => undefined, cancelled: () => false, takeCommands: () => [] });

    // A clock that stands still except during the pause: any of the pause in trainSeconds shows.
    let t = 0;
    let onHold: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (onHold = resolve));
    const gate = new PauseGate({ onHold: () => onHold() }, () => t);
    const steps: number[] = [];
    const emit = (e: JobEventInput): void => {
      if (e.type !== 'progress') return;
      steps.push(e.step);
      if (steps.length === 2) gate.pause(); // mid-epoch 1 (72 training images: 4 steps of 16 per epoch)
    };
    const before = tf.memory().numTensors;
    const run = runSupernetJob({ config, dir: pausedDir, backend, emit, cancelled: () => false, takeCommands: () => [], untilResumed: () => gate.wait(), now: () => gate.now() });
    await holding;
    expect(steps).toEqual([1, 2]);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 30));
    t += 1_000_000;
    expect(steps).toEqual([1, 2]); // still: no step while paused
    gate.resume();
    const paused = await run;
    expect(tf.memory().numTensors).toBe(before);
    expect(steps).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(paused['trainSeconds']).toBe(0);
    expect(paused['steps']).toBe(plain['steps']);
    expect(paused['finalTrainLoss']).toBe(plain['finalTrainLoss']);
    expect(paused['valAccuracy']).toBe(plain['valAccuracy']);
    const a = loadCheckpoint(path.join(plainDir, 'checkpoints', LAST_CHECKPOINT));
    const b = loadCheckpoint(path.join(pausedDir, 'checkpoints', LAST_CHECKPOINT));
    expect(Object.keys(b.arrays)).toEqual(Object.keys(a.arrays));
    for (const [name, array] of Object.entries(a.arrays)) expect(Array.from(b.arrays[name]!.data), name).toEqual(Array.from(array.data));
  });
});
