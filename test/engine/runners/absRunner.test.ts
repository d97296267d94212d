/**
 * The ABS runner end to end on tiny runs. The downstream supernet (A4, E7): a fresh supernet trained by FairNAS on the
 * shrunk space only, the search on it; the shrinking supernet's weights are not reused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import type { ExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { getPreset } from '../../../electron/engine/presets/presets';
import { runAbsJob } from '../../../electron/engine/runners/absRunner';
import { DOWNSTREAM_SEED_OFFSET } from '../../../electron/engine/runners/absDownstream';
import { loadExperimentData } from '../../../electron/engine/runners/experimentData';
import { trainStandalone } from '../../../electron/engine/runners/standaloneRunner';
import { supernetTrainStep } from '../../../electron/engine/runners/supernetTrainStep';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { createSampler } from '../../../electron/engine/sampler/registry';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { dropOps, fullState } from '../../../electron/engine/space/spaceState';
import type { SpaceState } from '../../../electron/engine/space/spaceState';
import { loadCheckpoint } from '../../../electron/engine/store/checkpoint';
import type { NamedArray } from '../../../electron/engine/store/checkpoint';
import { listCheckpoints } from '../../../electron/engine/store/checkpointList';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import type { JobEvent, JobEventInput, OperatorCommand } from '../../../shared/model/job';
import { setUpBackends } from '../cpu/helpers';

const WEIGHT_OPS = ['nor_conv_1x1', 'nor_conv_3x3'];

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

/** A tiny ABS run: one shrink step of one op per edge (5 -> 4 ops), then the downstream supernet. */
function tinyAbsConfig(overrides: Partial<ExperimentConfig['abs'] & object> = {}): ExperimentConfig {
  const base = getPreset('nb201-fashion-abs');
  return parseExperimentConfig(
    {
      ...base,
      maxTrainImages: 120,
      valFraction: 0.2,
      network: { channels: 2, cellsPerStage: 1 },
      training: { ...base.training, epochs: 1, batchSize: 16 },
      standalone: { ...base.standalone, epochs: 1, batchSize: 32 },
      abs: {
        ...base.abs,
        policy: { kind: 'per-choice' },
        targetSize: 5000,
        search: { name: 'random', count: 3, topK: 2 },
        searchValImages: 24,
        downstream: { sampler: 'fairnas', epochs: 2 },
        ...overrides,
      },
    },
    'test',
  );
}

/** Runs a tiny ABS job; `commands` arrive at the first poll, `late` at the third (after the one shrink step of a 1-epoch run). */
async function run(config: ExperimentConfig, commands: OperatorCommand[] = [], late: OperatorCommand[] = []): Promise<{ dir: string; events: JobEvent[]; summary: Record<string, unknown> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-abs-downstream-'));
  const events: JobEvent[] = [];
  let seq = 0;
  let pending = [...commands];
  let polls = 0;
  const summary = await runAbsJob({
    config,
    dir,
    backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
    emit: (e: JobEventInput) => events.push({ ...e, seq: seq++, time: 0 } as JobEvent),
    cancelled: () => false,
    takeCommands: () => {
      polls += 1;
      if (polls === 3) pending.push(...late);
      const out = pending;
      pending = [];
      return out;
    },
  });
  return { dir, events, summary };
}

const same = (a: NamedArray | undefined, b: NamedArray | undefined): boolean => !!a && !!b && a.data.length === b.data.length && a.data.every((v, i) => v === b.data[i]);

describe('ABS downstream FairNAS supernet', () => {
  it('trains a fresh supernet only on the shrunk space and searches on it', async () => {
    const before = tf.memory().numTensors;
    // A force-dropped conv makes sure a dropped operator has weights whose (non-)training shows.
    const { dir, summary } = await run(tinyAbsConfig(), [{ kind: 'force-drop', key: '1<-0:nor_conv_3x3' }]);
    expect(tf.memory().numTensors).toBe(before);
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as {
      finalSpace: string[][];
      downstream: { sampler: string; epochs: number; seed: number; spaceSize: number; steps: number; checkpoint: string };
      search: { supernet: string };
      best: { architecture: string; fitness: number; metrics: Record<string, number> }[];
    };
    const state = results.finalSpace;
    expect(state.every((ops) => ops.length === 4)).toBe(true);
    expect(state[0]).not.toContain('nor_conv_3x3');
    expect(summary).toMatchObject({ downstream: 'fairnas', completed: true });
    // 96 training images, batch 16: 6 batches; FairNAS with m = 4 paths takes 6/4 -> 1 step per epoch.
    expect(results.downstream).toMatchObject({ sampler: 'fairnas', epochs: 2, steps: 2, spaceSize: 4 ** 6, seed: 0 + DOWNSTREAM_SEED_OFFSET, checkpoint: 'downstream-last' });
    expect(results.search.supernet).toBe('downstream');
    // The best lie in the shrunk space and carry every metric of the shrinking supernet.
    for (const b of results.best) {
      const arch = NB201_SPACE.parse(b.architecture);
      arch.forEach((op, c) => expect(state[c]).toContain(op));
      expect(Object.keys(b.metrics).sort()).toEqual(['accuracy', 'accuracy-rebn', 'angle', 'angle-cells', 'magnitude']);
    }
    const labels = listCheckpoints(dir).map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(['reference', 'shrink-1', 'last', 'downstream-reference', 'downstream-epoch-1', 'downstream-epoch-2', 'downstream-last']));

    const cp = (label: string): Record<string, NamedArray> => loadCheckpoint(path.join(dir, 'checkpoints', label)).arrays;
    const shrinkRef = cp('reference');
    const shrinkTrained = cp('shrink-1');
    const freshRef = cp('downstream-reference');
    const freshLast = cp('downstream-last');
    // Fresh: neither the shrinking supernet's angle reference nor its trained weights.
    for (const name of ['model/stem/conv', 'model/cell0/e3/nor_conv_3x3/conv', 'model/classifier/w']) {
      expect(same(freshRef[name], shrinkRef[name]), name).toBe(false);
      expect(same(freshRef[name], shrinkTrained[name]), name).toBe(false);
    }
    // No momentum carried over: the fresh reference has no optimizer state at all.
    expect(Object.keys(freshRef).some((k) => k.startsWith('sgd/'))).toBe(false);
    // Dropped operators are never sampled, so never trained: weights as initialised, no momentum.
    // Live ones were trained (the stem always is).
    expect(same(freshLast['model/stem/conv'], freshRef['model/stem/conv'])).toBe(false);
    for (let cell = 0; cell < 3; cell++) {
      NB201_SPACE.choices.forEach((_, e) => {
        for (const op of WEIGHT_OPS) {
          const name = `model/cell${cell}/e${e}/${op}/conv`;
          if (state[e]!.includes(op)) continue;
          expect(same(freshLast[name], freshRef[name]), name).toBe(true);
          expect(freshLast[`sgd/cell${cell}/e${e}/${op}/conv`], name).toBeUndefined();
        }
      });
    }
    expect(same(freshLast['model/cell0/e0/nor_conv_3x3/conv'], freshRef['model/cell0/e0/nor_conv_3x3/conv'])).toBe(true);
  }, 120_000);

  it('one FairNAS step on a shrunk state: each live op of an edge in exactly one path, updated once; dropped ops untouched', () => {
    // Two ops dropped on every edge (3 left), different ones per edge, dropped convs included.
    let state: SpaceState = fullState(NB201_SPACE);
    const drops = [['nor_conv_3x3', 'none'], ['nor_conv_1x1', 'skip_connect'], ['avg_pool_3x3', 'none'], ['nor_conv_3x3', 'nor_conv_1x1'], ['none', 'skip_connect'], ['nor_conv_1x1', 'avg_pool_3x3']];
    drops.forEach((ops, e) => (state = dropOps(NB201_SPACE, state, e, ops)));
    const net = new Nb201Supernet({ channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 4, seed: 5 });
    const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
    const rng = new SeededRng(6);
    const x = tf.tensor4d(Float32Array.from({ length: 8 * 8 * 8 }, () => rng.normal()), [8, 8, 8, 1]);
    const y = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32');
    const kernel = (e: number, op: string): tf.Variable => net.params.get(`cell1/e${e}/${op}/conv`);
    const snapshot = (): Map<string, string> => new Map(NB201_SPACE.choices.flatMap((_, e) => WEIGHT_OPS.map((op) => [`${e}/${op}`, Array.from(kernel(e, op).dataSync()).join()] as const)));
    const sampler = createSampler(NB201_SPACE, 'fairnas', new SeededRng(7));
    expect(sampler.pathsPerStep(state)).toBe(3);
    const applied: string[] = [];
    const original = opt.apply.bind(opt);
    opt.apply = (variables, grads, lr) => {
      applied.push(...Object.keys(grads));
      original(variables, grads, lr);
    };
    const count = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) {
      const paths = sampler.next(state);
      expect(paths).toHaveLength(3);
      state.remaining.forEach((ops, e) => expect(paths.map((p) => p[e]).sort()).toEqual([...ops].sort()));
      const beforeStep = snapshot();
      applied.length = 0;
      supernetTrainStep(net, opt, x, y, paths, 0.1, { labelSmoothing: 0, clip: { kind: 'none' } });
      const after = snapshot();
      // One optimizer update per step, each variable in it once, cell convs among them.
      expect(new Set(applied).size).toBe(applied.length);
      expect(applied.some((name) => /cell1\/e\d\/nor_conv/.test(name))).toBe(true);
      NB201_SPACE.choices.forEach((_, e) => {
        for (const op of WEIGHT_OPS) {
          const changed = beforeStep.get(`${e}/${op}`) !== after.get(`${e}/${op}`);
          if (!state.remaining[e]!.includes(op)) {
            expect(changed, `dropped e${e} ${op}`).toBe(false);
            expect(opt.buffer(kernel(e, op).name), `dropped e${e} ${op}`).toBeUndefined();
          } else if (applied.includes(kernel(e, op).name)) {
            expect(changed, `live e${e} ${op}`).toBe(true);
          }
        }
      });
    }
    // Nothing leaks: the only new tensors are the momentum buffers of the variables updated.
    const buffers = net.params.entries().filter(([, v]) => opt.buffer(v.name) !== undefined).length;
    expect(tf.memory().numTensors).toBe(count + buffers);
    tf.dispose([x, y]);
    opt.dispose();
    net.dispose();
  });
});

describe('ABS stand-alone training of the best architectures', () => {
  it('searches the shrinking supernet without a downstream section and adds the stand-alone test accuracy of the top k', async () => {
    const config = tinyAbsConfig({ downstream: undefined, standaloneTopK: 1 });
    const before = tf.memory().numTensors;
    const { dir, events, summary } = await run(config, [], [{ kind: 'lock', key: '1<-0:nor_conv_3x3' }]);
    // A command after the last shrink step is answered, refused, rather than left waiting.
    const answers = events.filter((e) => e.type === 'command');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ command: { kind: 'lock', key: '1<-0:nor_conv_3x3' }, accepted: false });
    expect((answers[0] as { message: string }).message).toMatch(/^Shrinking has ended \(the space is final at 4096 architectures\); 1<-0:nor_conv_3x3 was not changed\.$/);
    expect(tf.memory().numTensors).toBe(before);
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as {
      downstream: unknown;
      search: { supernet: string };
      best: { architecture: string; fitness: number; metrics: Record<string, number>; standalone?: { testAccuracy: number; epochs: number; trainImages: number; testImages: number } }[];
    };
    expect(results.downstream).toBeNull();
    expect(results.search.supernet).toBe('shrinking');
    expect(listCheckpoints(dir).some((c) => c.label.startsWith('downstream-'))).toBe(false);
    expect(results.best).toHaveLength(2);
    const [first, second] = results.best;
    // Only the top 1 is trained; its figure is what the stand-alone trainer gives on its own.
    expect(second!.standalone).toBeUndefined();
    expect(first!.metrics['accuracy-rebn']).toBe(first!.fitness);
    const data = await loadExperimentData(config, () => undefined, false);
    const alone = await trainStandalone({ config, dir, backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] }, emit: () => undefined, cancelled: () => false, takeCommands: () => [] }, config, first!.architecture, data);
    expect(first!.standalone).toMatchObject({ testAccuracy: alone.testAccuracy, epochs: 1, trainImages: 120, testImages: alone.testImages });
    expect(summary['bestTestAccuracy']).toBe(alone.testAccuracy);
    expect(events.some((e) => e.type === 'metric' && e.split === 'test')).toBe(true);
  }, 120_000);
});
