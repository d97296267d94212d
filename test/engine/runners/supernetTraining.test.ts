/**
 * Supernet training on the wasm fast path (the CPU path jobs use): a step lowers the loss on a
 * tiny batch, leaks nothing, FairNAS updates every op once per step, and the supernet runner
 * writes the angle reference before the first update and a checkpoint that restores exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import { supernetTrainStep } from '../../../electron/engine/runners/supernetTrainStep';
import { runSupernetJob, REFERENCE_CHECKPOINT, LAST_CHECKPOINT } from '../../../electron/engine/runners/supernetRunner';
import { restoreSupernetWeights } from '../../../electron/engine/runners/supernetCheckpoint';
import { loadCheckpoint } from '../../../electron/engine/store/checkpoint';
import { listCheckpoints } from '../../../electron/engine/store/checkpointList';
import { createSampler } from '../../../electron/engine/sampler/registry';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { fullState } from '../../../electron/engine/space/spaceState';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { getPreset } from '../../../electron/engine/presets/presets';
import type { JobEvent, JobEventInput } from '../../../shared/model/job';
import { setUpBackends } from '../cpu/helpers';

const tiny = { channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 4, seed: 3 };
const opts = { labelSmoothing: 0, clip: { kind: 'none' as const } };

function batch(seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new SeededRng(seed);
  return { x: tf.tensor4d(Float32Array.from({ length: 8 * 8 * 8 }, () => rng.normal()), [8, 8, 8, 1]), y: tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32') };
}

const EDGES = [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]] as const;

/** Whether edge e of an NB201 cell lies on a path of non-none edges from node 0 to node 3. */
function edgeCarriesSignal(arch: readonly string[], e: number): boolean {
  const live = (from: number, to: number): boolean => EDGES.some(([a, b], k) => a === from && b === to && arch[k] !== 'none');
  const reachable = [true, false, false, false];
  for (let n = 1; n < 4; n++) reachable[n] = [0, 1, 2].some((m) => m < n && reachable[m] && live(m, n));
  const reachesOut = [false, false, false, true];
  for (let n = 2; n >= 0; n--) reachesOut[n] = [1, 2, 3].some((m) => m > n && reachesOut[m] && live(n, m));
  const [from, to] = EDGES[e]!;
  return arch[e] !== 'none' && reachable[from]! && reachesOut[to]!;
}

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

describe('supernet training step', () => {
  it('lowers the loss on a fixed tiny batch and leaks no tensor', () => {
    const net = new Nb201Supernet(tiny);
    const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
    const { x, y } = batch(1);
    const arch = ['nor_conv_3x3', 'nor_conv_1x1', 'skip_connect', 'nor_conv_3x3', 'avg_pool_3x3', 'nor_conv_3x3'];
    const first = supernetTrainStep(net, opt, x, y, [arch], 0.05, opts).loss;
    const count = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 20; i++) last = supernetTrainStep(net, opt, x, y, [arch], 0.05, opts).loss;
    expect(tf.memory().numTensors).toBe(count);
    expect(last).toBeLessThan(first * 0.7);
    tf.dispose([x, y]);
    opt.dispose();
    net.dispose();
  });

  it('FairNAS: one step updates every op of every edge exactly once, and only the sampled paths', () => {
    const net = new Nb201Supernet(tiny);
    const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 0, decayed: net.params.decayed });
    const { x, y } = batch(2);
    const paths = createSampler(NB201_SPACE, 'fairnas', new SeededRng(4)).next(fullState(NB201_SPACE));
    expect(paths).toHaveLength(5);
    const weightOps = ['nor_conv_1x1', 'nor_conv_3x3'];
    const kernel = (e: number, op: string): tf.Variable => net.params.get(`cell0/e${e}/${op}/conv`);
    const before = new Map<string, Float32Array>();
    for (let e = 0; e < 6; e++) for (const op of weightOps) before.set(`${e}/${op}`, Float32Array.from(kernel(e, op).dataSync()));
    supernetTrainStep(net, opt, x, y, paths, 0.1, opts);
    for (let e = 0; e < 6; e++) {
      for (const op of weightOps) {
        // Exactly one path runs this op on this edge; it gets an update when that path carries
        // signal through the edge (input to edge to output), otherwise its gradient is exactly
        // zero and, as in ABS, it gets no update at all.
        const owners = paths.filter((p) => p[e] === op);
        expect(owners).toHaveLength(1);
        const updated = opt.buffer(kernel(e, op).name) !== undefined;
        expect(updated, `e${e} ${op}`).toBe(edgeCarriesSignal(owners[0]!, e));
        expect(Array.from(kernel(e, op).dataSync()).join() !== Array.from(before.get(`${e}/${op}`)!).join()).toBe(updated);
      }
    }
    // A single uniform path leaves the other ops untouched: no momentum, no decay.
    const opt2 = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
    const arch = ['nor_conv_3x3', 'skip_connect', 'skip_connect', 'skip_connect', 'skip_connect', 'skip_connect'];
    const untouched = Float32Array.from(kernel(1, 'nor_conv_3x3').dataSync());
    supernetTrainStep(net, opt2, x, y, [arch], 0.1, opts);
    expect(Array.from(kernel(1, 'nor_conv_3x3').dataSync())).toEqual(Array.from(untouched));
    expect(opt2.buffer(kernel(1, 'nor_conv_3x3').name)).toBeUndefined();
    tf.dispose([x, y]);
    opt.dispose();
    opt2.dispose();
    net.dispose();
  });
});

describe('supernet runner', () => {
  it('writes the reference before training and a last checkpoint that restores the trained weights', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-supernet-'));
    const base = getPreset('nb201-fashion');
    const config = parseExperimentConfig(
      { ...base, maxTrainImages: 120, valFraction: 0.2, network: { channels: 2, cellsPerStage: 1 }, training: { ...base.training, epochs: 1, batchSize: 16 } },
      'test',
    );
    const events: JobEvent[] = [];
    let seq = 0;
    const before = tf.memory().numTensors;
    const summary = await runSupernetJob({
      config,
      dir,
      backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
      emit: (e: JobEventInput) => events.push({ ...e, seq: seq++, time: 0 } as JobEvent),
      cancelled: () => false,
      takeCommands: () => [],
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(summary).toMatchObject({ epochs: 1, steps: 6, completed: true, checkpoints: [REFERENCE_CHECKPOINT, LAST_CHECKPOINT] });
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(6);
    expect(events.some((e) => e.type === 'metric' && e.split === 'val')).toBe(true);
    expect(listCheckpoints(dir).map((c) => c.label).sort()).toEqual(['epoch-1', LAST_CHECKPOINT, REFERENCE_CHECKPOINT]);

    // The reference equals a freshly initialised supernet with the same seed (before any update).
    const fresh = new Nb201Supernet({ channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: config.seed });
    const reference = loadCheckpoint(path.join(dir, 'checkpoints', REFERENCE_CHECKPOINT));
    const stem = fresh.params.get('stem/conv');
    expect(Array.from(reference.arrays['model/stem/conv']!.data)).toEqual(Array.from(stem.dataSync()));
    // The last checkpoint differs from the reference and restores into a new network exactly.
    const last = loadCheckpoint(path.join(dir, 'checkpoints', LAST_CHECKPOINT));
    expect(Array.from(last.arrays['model/stem/conv']!.data)).not.toEqual(Array.from(stem.dataSync()));
    restoreSupernetWeights(fresh.params, last.arrays);
    expect(Array.from(stem.dataSync())).toEqual(Array.from(last.arrays['model/stem/conv']!.data));
    expect(last.meta.epoch).toBe(1);
    expect(Object.keys(last.arrays).some((k) => k.startsWith('sgd/'))).toBe(true);
    fresh.dispose();
  });
});

describe('supernet resume', () => {
  it('continued from the epoch-1 checkpoint, two epochs end bit for bit where an uninterrupted run ends', async () => {
    const base = getPreset('nb201-fashion');
    const config = parseExperimentConfig(
      { ...base, maxTrainImages: 96, valFraction: 0.25, network: { channels: 2, cellsPerStage: 1 }, training: { ...base.training, epochs: 2, batchSize: 16 } },
      'test',
    );
    const backend = { chosen: 'wasm' as const, tfBackend: 'wasm', gpu: false, attempts: [], devices: [] };
    const run = async (dir: string, resumeFrom?: ReturnType<typeof loadCheckpoint>): Promise<Record<string, unknown>> =>
      runSupernetJob({ config, dir, backend, emit: () => undefined, cancelled: () => false, takeCommands: () => [], ...(resumeFrom ? { resumeFrom } : {}) });
    const whole = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-resume-a-'));
    const cut = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-resume-b-'));
    const wholeSummary = await run(whole);
    // The interrupted run: the same two epochs, then everything after epoch 1 is lost.
    await run(cut);
    fs.rmSync(path.join(cut, 'checkpoints', 'epoch-2'), { recursive: true });
    fs.rmSync(path.join(cut, 'checkpoints', LAST_CHECKPOINT), { recursive: true });
    const from = loadCheckpoint(path.join(cut, 'checkpoints', 'epoch-1'));
    const before = tf.memory().numTensors;
    const resumedSummary = await run(cut, from);
    expect(tf.memory().numTensors).toBe(before);
    expect(resumedSummary['steps']).toBe(wholeSummary['steps']);
    expect(resumedSummary['finalTrainLoss']).toBe(wholeSummary['finalTrainLoss']);
    expect(resumedSummary['valAccuracy']).toBe(wholeSummary['valAccuracy']);
    const a = loadCheckpoint(path.join(whole, 'checkpoints', LAST_CHECKPOINT));
    const b = loadCheckpoint(path.join(cut, 'checkpoints', LAST_CHECKPOINT));
    expect(b.meta).toEqual(a.meta);
    expect(Object.keys(b.arrays)).toEqual(Object.keys(a.arrays));
    for (const [name, array] of Object.entries(a.arrays)) expect(Array.from(b.arrays[name]!.data), name).toEqual(Array.from(array.data));
  });
});

describe('a diverging run', () => {
  it('stops with NAN_LOSS naming the step, before the bad update, and keeps the last good checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-nan-'));
    const base = getPreset('nb201-fashion');
    const config = parseExperimentConfig(
      {
        ...base,
        maxTrainImages: 96,
        valFraction: 0.2,
        network: { channels: 2, cellsPerStage: 1 },
        // A learning rate this large blows the weights up within a few steps.
        training: { ...base.training, epochs: 3, batchSize: 16, schedule: { kind: 'constant', lr: 1e12 } },
      },
      'test',
    );
    const ctx = {
      config,
      dir,
      backend: { chosen: 'wasm' as const, tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
      emit: () => undefined,
      cancelled: () => false,
      takeCommands: () => [],
    };
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      await runSupernetJob(ctx);
    } catch (error) {
      caught = error;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect((caught as { code?: string }).code).toBe('NAN_LOSS');
    expect((caught as Error).message).toMatch(/Training diverged: the loss is (NaN|Infinity|-Infinity) at epoch \d+, step \d+/);
    // The angle reference (saved before training) is on disk and loads.
    expect(loadCheckpoint(path.join(dir, 'checkpoints', REFERENCE_CHECKPOINT)).meta.epoch).toBe(0);
  });
});
