/**
 * The GM runner in GM+DARTS mode (gm.search 'darts') end to end on tiny supernets (C=2, 120
 * bundled images, 3 epochs, splits at 1 and 2): alpha exactly zero (uniform) before the final
 * split and trained after it; each leaf's candidate is argmax of its recorded alpha within its
 * own space; children of a non-final split start from the parent's alpha and arch-Adam state;
 * the final split's children restart them; results.json / the tree DTO carry alpha; no tensor
 * leaks; the config refusals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import type { ExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { getPreset, listPresets } from '../../../electron/engine/presets/presets';
import { runGmJob } from '../../../electron/engine/runners/gmRunner';
import { nodeCheckpoint } from '../../../electron/engine/runners/gmTree';
import { loadCheckpoint } from '../../../electron/engine/store/checkpoint';
import type { LoadedCheckpoint } from '../../../electron/engine/store/checkpoint';
import { ExperimentStore } from '../../../electron/engine/store/experimentStore';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { nodeEpochBudget } from '../../../electron/engine/split/splitSchedule';
import { subSupernetTreeSchema } from '../../../shared/model/splitTree';
import type { NodeArchDto, SubSupernetTreeDto } from '../../../shared/model/splitTree';
import type { JobEvent, JobEventInput } from '../../../shared/model/job';
import { NasError } from '../../../shared/errors';
import { setUpBackends } from '../cpu/helpers';

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

function tinyConfig(gm: Record<string, unknown> = {}, top: Record<string, unknown> = {}): ExperimentConfig {
  const base = getPreset('nb201-fashion-gm-darts');
  return parseExperimentConfig(
    {
      ...base,
      maxTrainImages: 120,
      valFraction: 0.2,
      network: { channels: 2, cellsPerStage: 1 },
      training: { ...base.training, epochs: 3, batchSize: 16 },
      standalone: { ...base.standalone!, batchSize: 16 },
      gm: { ...base.gm!, repeats: 2, bootstrap: 20, searchValImages: 24, finalPick: { halvingEpochs: 1, halvingTrainImages: 32 }, ...gm },
      ...top,
    },
    'test',
  );
}

type DartsNode = NodeArchDto & { history: { epoch: number; weights: number[][] }[] };
interface Run {
  dir: string;
  events: JobEvent[];
  summary: Record<string, unknown>;
  results: Record<string, unknown> & { tree: SubSupernetTreeDto; darts: { weightImages: number; alphaImages: number; nodes: Record<string, DartsNode> }; nodes: { id: number; candidates: { architecture: string; fitness: number }[] }[] };
  tensorsBefore: number;
  tensorsAfter: number;
}

async function run(config: ExperimentConfig): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-gmdarts-'));
  ExperimentStore.create(dir, { id: path.basename(dir), preset: config.name, created: Date.now(), status: 'running', config: config as unknown as Record<string, unknown>, backend: 'wasm', versions: {}, error: null, summary: null });
  const events: JobEvent[] = [];
  let seq = 0;
  const tensorsBefore = tf.memory().numTensors;
  const summary = await runGmJob({
    config,
    dir,
    backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
    emit: (e: JobEventInput) => events.push({ ...e, seq: seq++, time: 0 } as JobEvent),
    cancelled: () => false,
    takeCommands: () => [],
  });
  const tensorsAfter = tf.memory().numTensors;
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as Run['results'];
  return { dir, events, summary, results, tensorsBefore, tensorsAfter };
}

function ckpt(dir: string, id: number, what: 'init' | 'split' | 'last'): LoadedCheckpoint {
  return loadCheckpoint(path.join(dir, 'checkpoints', nodeCheckpoint(id, what)));
}

function values(c: LoadedCheckpoint, name: string): number[] {
  const a = c.arrays[name];
  if (!a) throw new Error(`${c.label} has no ${name}`);
  return [...a.data];
}

/** Independent argmax: per row the op with the largest recorded alpha (first on ties). */
function argmaxOf(arch: NodeArchDto): string {
  const ops = arch.ops.map((row, c) => row.reduce((best, op, k) => ((arch.alpha[c]?.[k] as number) > (arch.alpha[c]?.[row.indexOf(best)] as number) ? op : best), row[0] as string));
  return NB201_SPACE.format(ops);
}

const STEPS_PER_EPOCH = 3; // 96 training images -> 48 for the weights, batch 16, dropLast

describe('GM+DARTS runner (tiny, alpha frozen until the final split)', { timeout: 300_000 }, () => {
  let r: Run;
  beforeAll(async () => {
    r = await run(tinyConfig());
  }, 300_000);

  it('grows the GM tree on the nb201-gm-darts schedule within 7 node-epochs, the weights on their half of the training split', () => {
    const tree = subSupernetTreeSchema.parse(r.results.tree);
    expect(tree.nodes.map((n) => [n.id, n.parentId, n.createdAtEpoch, n.status])).toEqual([
      [0, null, 0, 'split'], [1, 0, 1, 'split'], [2, 0, 1, 'split'],
      [3, 1, 2, 'done'], [4, 1, 2, 'done'], [5, 2, 2, 'done'], [6, 2, 2, 'done'],
    ]);
    expect(r.summary['nodeEpochs']).toBe(7);
    expect([r.results.darts.weightImages, r.results.darts.alphaImages]).toEqual([48, 48]);
    // Every node took STEPS_PER_EPOCH weight steps in its one epoch (progress events per node).
    for (let id = 0; id <= 6; id++) {
      const steps = r.events.filter((e) => e.type === 'progress' && e.phase === `sub-supernet ${id}`).length;
      expect(steps, `node ${id}`).toBe(STEPS_PER_EPOCH);
    }
  });

  it('keeps alpha exactly zero (uniform) before the final split and trains it after', () => {
    for (const id of [0, 1, 2]) {
      for (const what of ['init', 'split'] as const) expect(values(ckpt(r.dir, id, what), 'arch/alpha').every((v) => v === 0), `node ${id} ${what}`).toBe(true);
      expect(ckpt(r.dir, id, 'split').arrays['arch/adam/m']).toBeUndefined();
      const rec = r.results.darts.nodes[String(id)] as DartsNode;
      expect([rec.frozen, rec.steps]).toEqual([true, 0]);
      // Uniform over the node's remaining ops on every edge.
      rec.weights.forEach((row) => row.forEach((w) => expect(w).toBeCloseTo(1 / row.length, 6)));
    }
    for (const id of [3, 4, 5, 6]) {
      expect(values(ckpt(r.dir, id, 'init'), 'arch/alpha').every((v) => v === 0), `leaf ${id} restarts alpha`).toBe(true);
      const last = ckpt(r.dir, id, 'last');
      expect(values(last, 'arch/alpha').some((v) => Math.abs(v) > 1e-5), `leaf ${id} alpha moved`).toBe(true);
      expect(last.meta.extra['arch']).toEqual({ adamStep: STEPS_PER_EPOCH, alphaSteps: STEPS_PER_EPOCH });
      const rec = r.results.darts.nodes[String(id)] as DartsNode;
      expect([rec.frozen, rec.steps]).toEqual([false, STEPS_PER_EPOCH]);
      expect(rec.history.map((h) => h.epoch)).toEqual([3]);
    }
  });

  it("derives each leaf's candidate as argmax of its recorded alpha within its own space, with its validation accuracy", () => {
    const tree = subSupernetTreeSchema.parse(r.results.tree);
    for (const leaf of tree.nodes.filter((n) => n.status === 'done')) {
      const arch = leaf.arch as NodeArchDto;
      expect(arch.ops).toEqual(leaf.state.remaining);
      const derived = arch.derived?.architecture as string;
      expect(derived).toBe(argmaxOf(arch));
      // Never an op outside the leaf's group on a split edge.
      const ops = NB201_SPACE.parse(derived);
      ops.forEach((op, e) => expect(leaf.state.remaining[e]).toContain(op));
      const record = r.results.nodes.find((n) => n.id === leaf.id);
      expect(record?.candidates).toEqual([{ node: leaf.id, architecture: derived, fitness: arch.derived?.valAccuracy }]);
      expect(arch.derived?.valAccuracy).toBeGreaterThanOrEqual(0);
    }
    const pick = r.results['finalPick'] as { architecture: string; by: string };
    expect(pick.by).toBe('halving');
    expect(tree.nodes.filter((n) => n.status === 'done').map((n) => n.arch?.derived?.architecture)).toContain(pick.architecture);
  });

  it('records alpha in split events (tree) and logs the leaves; no tensors leak', () => {
    const splits = r.events.filter((e): e is Extract<JobEvent, { type: 'split' }> => e.type === 'split');
    expect(splits).toHaveLength(3);
    for (const s of splits) expect(s.tree.nodes.find((n) => n.id === s.parentId)?.arch?.frozen).toBe(true);
    expect(r.events.filter((e) => e.type === 'log' && /alpha after 3 steps: 1<-0 /.test(e.message))).toHaveLength(4);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  });
});

describe('GM+DARTS runner (tiny, alpha trained from the start)', { timeout: 300_000 }, () => {
  it("children of a non-final split start with the parent's alpha and arch-Adam state; the final split's children restart", async () => {
    const r = await run(tinyConfig({ darts: { ...getPreset('nb201-fashion-gm-darts').gm!.darts, freezeAlpha: 'never' } }));
    const parent = ckpt(r.dir, 0, 'split');
    expect(values(parent, 'arch/alpha').some((v) => v !== 0)).toBe(true);
    expect(parent.meta.extra['arch']).toEqual({ adamStep: STEPS_PER_EPOCH, alphaSteps: STEPS_PER_EPOCH });
    for (const child of [1, 2]) {
      const init = ckpt(r.dir, child, 'init');
      for (const name of ['arch/alpha', 'arch/adam/m', 'arch/adam/v']) expect(values(init, name), `${child} ${name}`).toEqual(values(parent, name));
      expect(init.meta.extra['arch']).toEqual(parent.meta.extra['arch']);
      // ... and go on training it: after their epoch, Adam has taken their steps too.
      expect(ckpt(r.dir, child, 'split').meta.extra['arch']).toEqual({ adamStep: 2 * STEPS_PER_EPOCH, alphaSteps: 2 * STEPS_PER_EPOCH });
    }
    for (const leaf of [3, 4, 5, 6]) {
      const init = ckpt(r.dir, leaf, 'init');
      expect(values(init, 'arch/alpha').every((v) => v === 0)).toBe(true);
      expect(init.arrays['arch/adam/m']).toBeUndefined();
      expect(init.meta.extra['arch']).toEqual({ adamStep: 0, alphaSteps: 0 });
    }
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  });
});

describe('GM+DARTS config', () => {
  it('the preset nb201-fashion-gm-darts: GM+DARTS on the nb201-gm-darts schedule with the 7 node-epochs of the other GM presets', () => {
    const p = getPreset('nb201-fashion-gm-darts');
    expect([p.gm?.setting, p.gm?.search, p.gm?.gmMode, p.training.clip]).toEqual(['nb201-gm-darts', 'darts', 'mixed', { kind: 'norm', maxNorm: 5 }]);
    expect(p.gm?.darts).toEqual({ alphaFraction: 0.5, freezeAlpha: 'until-final-split', archLr: 3e-4, archBeta1: 0.5, archBeta2: 0.999, archWeightDecay: 1e-3 });
    for (const name of ['nb201-fashion-gm', 'nb201-fashion-fewshot', 'nb201-fashion-oneshot']) {
      const other = getPreset(name);
      expect(nodeEpochBudget(other.gm!.setting, other.training.epochs)).toBe(nodeEpochBudget(p.gm!.setting, p.training.epochs));
    }
    expect(nodeEpochBudget(p.gm!.setting, p.training.epochs)).toBe(7);
    expect(listPresets().map((q) => q.name)).toContain('nb201-fashion-gm-darts');
  });

  const refused = (gm: Record<string, unknown>, top: Record<string, unknown> = {}): string => {
    try {
      tinyConfig(gm, top);
    } catch (error) {
      expect(error).toBeInstanceOf(NasError);
      expect((error as NasError).code).toBe('INVALID_CONFIG');
      return (error as NasError).message;
    }
    throw new Error('accepted');
  };

  it('refuses the nb201-gm-darts setting with RSPS, darts on another schedule, an RSPS GM score and FairNAS, by message', () => {
    expect(refused({ search: 'rsps' })).toMatch(/gm\.search: setting nb201-gm-darts is GM\+DARTS's schedule .* set gm\.search to 'darts', or use setting nb201-gm-rsps/);
    expect(refused({ setting: 'nb201-gm-rsps' })).toMatch(/gm\.setting: gm\.search 'darts' runs on setting nb201-gm-darts only .* got nb201-gm-rsps/);
    expect(refused({ setting: 'nb201-fewshot', rule: 'exhaustive' })).toMatch(/gm\.search 'darts' runs on setting nb201-gm-darts only/);
    expect(refused({ gmMode: 'rsps' })).toMatch(/gm\.gmMode: GM\+DARTS scores splits on the mixed supernet .* set gm\.gmMode to 'mixed'/);
    expect(refused({}, { sampler: 'fairnas' })).toMatch(/sampler: GM\+DARTS trains the mixed supernet and samples no training paths/);
    // RSPS presets stay valid.
    expect(getPreset('nb201-fashion-gm').gm?.search).toBe('rsps');
  });

  it('the runner itself refuses an incompatible config that bypassed the schema', async () => {
    const config = tinyConfig();
    const bad = { ...config, gm: { ...config.gm!, gmMode: 'rsps' as const } };
    await expect(run(bad)).rejects.toThrow(/GM\+DARTS cannot run this config: gm\.gmMode: GM\+DARTS scores splits on the mixed supernet/);
  });

  it('refuses a run whose training split cannot feed both halves a batch, naming the numbers', async () => {
    const config = tinyConfig({}, { maxTrainImages: 40, training: { ...getPreset('nb201-fashion-gm-darts').training, epochs: 3, batchSize: 20 } });
    await expect(run(config)).rejects.toThrow(/GM\+DARTS splits the \d+ training images into \d+ for the weights and \d+ for alpha; each needs at least one batch of 20/);
  });
});
