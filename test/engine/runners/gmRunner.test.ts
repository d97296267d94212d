/**
 * The GM / few-shot runner end to end on tiny supernets (C=2, 120 bundled images, 3 epochs):
 * the tree in results.json and the split events, children's spaces, inheritance through
 * checkpoints (warm start vs restart vs few-shot transfer), the sampler staying inside each
 * sub-supernet's space, no tensor leaks, and the config checks.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import type { ExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { getPreset } from '../../../electron/engine/presets/presets';
import { runGmJob } from '../../../electron/engine/runners/gmRunner';
import { nodeCheckpoint } from '../../../electron/engine/runners/gmTree';
import { loadCheckpoint } from '../../../electron/engine/store/checkpoint';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { subSupernetTreeSchema } from '../../../shared/model/splitTree';
import type { SubSupernetTreeDto } from '../../../shared/model/splitTree';
import { jobEventSchema } from '../../../shared/model/job';
import type { JobEvent, JobEventInput } from '../../../shared/model/job';
import { setUpBackends } from '../cpu/helpers';
import { ExperimentStore } from '../../../electron/engine/store/experimentStore';
import { scoreGmArchitectures } from '../../../electron/engine/runners/gmScoring';
import { pickByTruth } from '../../../electron/engine/runners/gmSearch';
import { loadExperimentData } from '../../../electron/engine/runners/experimentData';
import { createMetric } from '../../../electron/engine/metrics/registry';
import { restoreSupernetWeights } from '../../../electron/engine/runners/supernetCheckpoint';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';

const trace = vi.hoisted(() => ({ lastPaths: [] as readonly (readonly string[])[] }));
vi.mock('../../../electron/engine/runners/supernetTrainStep', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../electron/engine/runners/supernetTrainStep')>();
  return {
    ...actual,
    supernetTrainStep: (...args: Parameters<typeof actual.supernetTrainStep>) => {
      trace.lastPaths = args[4];
      return actual.supernetTrainStep(...args);
    },
  };
});

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

function tinyConfig(preset: string, gm: Record<string, unknown> = {}, epochs = 3): ExperimentConfig {
  const base = getPreset(preset);
  return parseExperimentConfig(
    {
      ...base,
      maxTrainImages: 120,
      valFraction: 0.2,
      network: { channels: 2, cellsPerStage: 1 },
      training: { ...base.training, epochs, batchSize: 16 },
      standalone: { ...base.standalone!, batchSize: 16 },
      gm: { ...base.gm!, repeats: 2, bootstrap: 20, archsPerLeaf: 3, searchValImages: 24, finalPick: { halvingEpochs: 1, halvingTrainImages: 32 }, ...gm },
    },
    'test',
  );
}

interface Run {
  dir: string;
  events: JobEvent[];
  /** Every training step's paths with the sub-supernet that took it. */
  steps: { node: number; paths: readonly (readonly string[])[] }[];
  summary: Record<string, unknown>;
  results: Record<string, unknown> & { tree: SubSupernetTreeDto };
  tensorsBefore: number;
  tensorsAfter: number;
}

async function run(config: ExperimentConfig): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-gm-'));
  ExperimentStore.create(dir, { id: path.basename(dir), preset: config.name, created: Date.now(), status: 'running', config: config as unknown as Record<string, unknown>, backend: 'wasm', versions: {}, error: null, summary: null });
  const events: JobEvent[] = [];
  const steps: Run['steps'] = [];
  let seq = 0;
  const tensorsBefore = tf.memory().numTensors;
  const summary = await runGmJob({
    config,
    dir,
    backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
    emit: (e: JobEventInput) => {
      events.push({ ...e, seq: seq++, time: 0 } as JobEvent);
      const m = e.type === 'progress' ? /^sub-supernet (\d+)$/.exec(e.phase) : null;
      if (m) steps.push({ node: Number(m[1]), paths: trace.lastPaths });
    },
    cancelled: () => false,
    takeCommands: () => [],
  });
  const tensorsAfter = tf.memory().numTensors;
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as Run['results'];
  return { dir, events, steps, summary, results, tensorsBefore, tensorsAfter };
}

function arrays(dir: string, label: string) {
  return loadCheckpoint(path.join(dir, 'checkpoints', label)).arrays;
}

function modelEqual(a: ReturnType<typeof arrays>, b: ReturnType<typeof arrays>, prefix = 'model/'): boolean {
  const keys = Object.keys(a).filter((k) => k.startsWith(prefix));
  return keys.length > 0 && keys.length === Object.keys(b).filter((k) => k.startsWith(prefix)).length && keys.every((k) => b[k] !== undefined && a[k]!.data.every((v, i) => v === b[k]!.data[i]));
}

describe('GM+RSPS runner (tiny)', { timeout: 240_000 }, () => {
  let r: Run;
  beforeAll(async () => {
    r = await run(tinyConfig('nb201-fashion-gm'));
  }, 240_000);

  it('grows the tree as scheduled: root split at epoch 1, its two children at epoch 2, four leaves trained to 3', () => {
    const tree = subSupernetTreeSchema.parse(r.results.tree);
    expect(tree.nodes.map((n) => [n.id, n.parentId, n.depth, n.createdAtEpoch, n.status])).toEqual([
      [0, null, 0, 0, 'split'],
      [1, 0, 1, 1, 'split'],
      [2, 0, 1, 1, 'split'],
      [3, 1, 2, 2, 'done'],
      [4, 1, 2, 2, 'done'],
      [5, 2, 2, 2, 'done'],
      [6, 2, 2, 2, 'done'],
    ]);
    const splits = r.events.filter((e): e is Extract<JobEvent, { type: 'split' }> => e.type === 'split');
    expect(splits.map((s) => [s.parentId, s.childIds, s.epoch])).toEqual([[0, [1, 2], 1], [1, [3, 4], 2], [2, [5, 6], 2]]);
    for (const s of splits) {
      expect(jobEventSchema.parse(s)).toBeTruthy();
      // The GM rule scored every splittable edge: 6 on the root, 5 on each child.
      expect(Object.keys(s.candidates)).toHaveLength(s.parentId === 0 ? 6 : 5);
      expect(s.certainty?.bootstrap?.samples).toBe(20);
    }
    // Node-epochs: 1 (root) + 2 x 1 + 4 x 1.
    expect(r.summary['nodeEpochs']).toBe(7);
    expect((r.results['nodes'] as { id: number; epochsTrained: number }[]).map((n) => [n.id, n.epochsTrained])).toEqual([[0, 1], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]]);
  });

  it("restricts each child's space to its group on the split edge and keeps the rest of the parent's", () => {
    const nodes = r.results.tree.nodes;
    for (const child of nodes.filter((n) => n.parentId !== null)) {
      const parent = nodes.find((n) => n.id === child.parentId)!;
      const e = child.splitEdge!;
      expect(child.state.remaining[e]).toEqual(parent.state.remaining[e]!.filter((op) => child.groups[child.groupIndex!]!.includes(op)));
      expect([...child.groups.flat()].sort()).toEqual([...parent.state.remaining[e]!].sort());
      child.state.remaining.forEach((ops, c) => {
        if (c !== e) expect(ops).toEqual(parent.state.remaining[c]);
      });
      expect(child.distance).toHaveLength(parent.state.remaining[e]!.length);
    }
    // Grandchildren split a different edge than their parent.
    for (const leaf of nodes.filter((n) => n.depth === 2)) expect(new Set(leaf.splitEdges).size).toBe(2);
  });

  it('every training step of a sub-supernet samples only ops of its own space', () => {
    const states = new Map(r.results.tree.nodes.map((n) => [n.id, n.state.remaining]));
    expect(new Set(r.steps.map((s) => s.node))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    for (const s of r.steps) for (const p of s.paths) p.forEach((op, c) => expect(states.get(s.node)![c], `node ${s.node} edge ${c}`).toContain(op));
    // Every metric event of supernet training carries its node (the stand-alone runs of the
    // successive halving that follow are no sub-supernet and carry none).
    const halving = r.events.findIndex((e) => e.type === 'progress' && e.phase.startsWith('halving'));
    expect(halving).toBeGreaterThan(0);
    const metrics = r.events.slice(0, halving).filter((e) => e.type === 'metric');
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.every((m) => m.type === 'metric' && typeof m.node === 'number')).toBe(true);
  });

  it("non-final children start from the parent's weights and momentum at the split; final children are re-initialised", () => {
    const rootSplit = arrays(r.dir, nodeCheckpoint(0, 'split'));
    for (const id of [1, 2]) {
      const init = arrays(r.dir, nodeCheckpoint(id, 'init'));
      expect(modelEqual(init, rootSplit)).toBe(true);
      expect(modelEqual(init, rootSplit, 'sgd/')).toBe(true);
    }
    const fresh = new Nb201Supernet({ channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: 0 });
    for (const id of [3, 4, 5, 6]) {
      const init = arrays(r.dir, nodeCheckpoint(id, 'init'));
      expect(modelEqual(init, arrays(r.dir, nodeCheckpoint(id <= 4 ? 1 : 2, 'split')))).toBe(false);
      for (const [name, v] of fresh.params.entries()) expect(Array.from(init[`model/${name}`]!.data), name).toEqual(Array.from(v.dataSync()));
      expect(Object.keys(init).some((k) => k.startsWith('sgd/'))).toBe(false);
    }
    fresh.dispose();
  });

  it('records per-leaf candidates and a final pick among them, and leaks no tensor', () => {
    const nodes = r.results['nodes'] as { id: number; candidates: { architecture: string; fitness: number }[] }[];
    const leafStates = new Map(r.results.tree.nodes.filter((n) => n.status === 'done').map((n) => [n.id, n.state.remaining]));
    for (const n of nodes.filter((x) => leafStates.has(x.id))) {
      expect(n.candidates).toHaveLength(3);
      // Best first, and inside the leaf's space.
      expect(n.candidates.map((c) => c.fitness)).toEqual([...n.candidates.map((c) => c.fitness)].sort((a, b) => b - a));
    }
    const pick = r.results['finalPick'] as { architecture: string; by: string; node: number; rounds: { kept: string[] }[] };
    expect(pick.by).toBe('halving');
    const leafBests = (r.results['leafCandidates'] as { architecture: string }[]).map((c) => c.architecture);
    expect(leafBests).toHaveLength(4);
    expect(leafBests).toContain(pick.architecture);
    expect(pick.rounds.map((x) => x.kept.length)).toEqual([2, 1]);
    expect(r.summary['best']).toBe(pick.architecture);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  });

  it('scores an architecture with the final weights of the leaf whose space contains it', async () => {
    const leaves = r.results.tree.nodes.filter((n) => n.status === 'done');
    const archOf = (id: number): string => (r.results['nodes'] as { id: number; candidates: { architecture: string }[] }[]).find((n) => n.id === id)!.candidates[0]!.architecture;
    const [a, b] = [leaves[0]!, leaves[3]!];
    const got = await scoreGmArchitectures(r.dir, [archOf(a.id), archOf(b.id)], 'accuracy-rebn');
    expect(got.leaves).toEqual([a.id, b.id]);
    // Each equals the same metric computed by hand with that leaf's final weights loaded.
    const config = tinyConfig('nb201-fashion-gm');
    const data = await loadExperimentData(config, () => undefined);
    const net = new Nb201Supernet({ channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: 0 });
    const scoreWith = async (leaf: number, arch: string, state: typeof a.state): Promise<number> => {
      restoreSupernetWeights(net.params, arrays(r.dir, nodeCheckpoint(leaf, 'last')));
      return (await createMetric('accuracy-rebn').scoreArchitectures({ supernet: net, data, state }, [NB201_SPACE.parse(arch)])).scores[0]!;
    };
    expect(got.scores[0]).toBe(await scoreWith(a.id, archOf(a.id), a.state));
    expect(got.scores[1]).toBe(await scoreWith(b.id, archOf(b.id), b.state));
    net.dispose();
    await expect(scoreGmArchitectures(r.dir, [archOf(a.id)], 'angle')).rejects.toThrow(/ranks architectures by accuracy-rebn or accuracy in their leaf sub-supernet, not by angle/);
  });
});

describe('the final pick by a ground-truth table', () => {
  it('takes the candidate with the highest table value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-gm-truth-'));
    const file = path.join(dir, 'truth.csv');
    // They differ on a live edge (3<-0), so they are three different networks.
    const archs = ['|skip_connect~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|', '|skip_connect~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|', '|skip_connect~0|+|none~0|none~1|+|avg_pool_3x3~0|none~1|none~2|'];
    fs.writeFileSync(file, `architecture,testAccuracy\n${archs[0]},0.71\n${archs[1]},0.83\n`);
    // Supernet fitness ranks them the other way; the table decides, and the third (not in the table) is skipped.
    const candidates = [{ node: 3, architecture: archs[0]!, fitness: 0.9 }, { node: 4, architecture: archs[1]!, fitness: 0.5 }, { node: 5, architecture: archs[2]!, fitness: 0.95 }];
    expect(pickByTruth(NB201_SPACE, candidates, file)).toEqual({ architecture: archs[1], node: 4, by: 'truth', truthValues: { [archs[0]!]: 0.71, [archs[1]!]: 0.83 } });
    expect(() => pickByTruth(NB201_SPACE, [candidates[2]!], file)).toThrow(/None of the 1 leaf candidates is in the ground-truth table/);
  });
});

describe('ABS + GM (tiny)', { timeout: 240_000 }, () => {
  it("starts the root from an ABS experiment's shrunk space and samples only inside it", async () => {
    const absDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-abs-'));
    const remaining = [['nor_conv_3x3', 'skip_connect'], ['nor_conv_1x1'], ['nor_conv_3x3', 'nor_conv_1x1'], ['skip_connect'], ['nor_conv_3x3'], ['avg_pool_3x3', 'nor_conv_3x3']];
    fs.writeFileSync(path.join(absDir, 'space.json'), JSON.stringify({ space: 'nb201', state: { remaining, locked: [], forceDropped: [] } }));
    const r = await run(tinyConfig('nb201-fashion-oneshot', { fromAbs: absDir, archsPerLeaf: 8 }, 1));
    expect(r.results.tree.nodes).toHaveLength(1);
    expect(r.results.tree.nodes[0]!.state.remaining).toEqual(remaining);
    expect((r.results['rootSpace'] as { source: string; size: number })).toMatchObject({ source: path.join(absDir, 'space.json'), size: 8 });
    expect(r.steps.length).toBeGreaterThan(0);
    for (const s of r.steps) for (const p of s.paths) p.forEach((op, c) => expect(remaining[c]).toContain(op));
    const nodes = r.results['nodes'] as { candidates: { architecture: string }[] }[];
    // All 8 architectures of the shrunk space were searched; one leaf, so it is the pick.
    expect(new Set(nodes[0]!.candidates.map((c) => c.architecture)).size).toBe(8);
    expect((r.results['finalPick'] as { by: string; architecture: string })).toEqual({ by: 'single', node: 0, architecture: nodes[0]!.candidates[0]!.architecture });
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  });
});

describe('few-shot runner (tiny)', { timeout: 240_000 }, () => {
  it("splits edge 1<-0 exhaustively at epoch 2 into 5 children that inherit the one-shot weights with a fresh optimizer", async () => {
    const r = await run(tinyConfig('nb201-fashion-fewshot', { archsPerLeaf: 2 }));
    const tree = r.results.tree;
    expect(tree.nodes).toHaveLength(6);
    const kids = tree.nodes.filter((n) => n.parentId === 0);
    expect(kids.map((n) => n.state.remaining[0])).toEqual([['none'], ['skip_connect'], ['nor_conv_1x1'], ['nor_conv_3x3'], ['avg_pool_3x3']]);
    expect(kids.every((n) => n.createdAtEpoch === 2 && n.status === 'done' && n.distance === null)).toBe(true);
    const rootSplit = arrays(r.dir, nodeCheckpoint(0, 'split'));
    for (const k of kids) {
      const init = arrays(r.dir, nodeCheckpoint(k.id, 'init'));
      expect(modelEqual(init, rootSplit)).toBe(true);
      expect(Object.keys(init).some((key) => key.startsWith('sgd/'))).toBe(false);
    }
    expect(r.summary['nodeEpochs']).toBe(7);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  }, 240_000);
});

describe('cancel during a split decision (tiny)', { timeout: 240_000 }, () => {
  it('stops cleanly: completed false, the tree kept as it was, no tensor left', async () => {
    const config = tinyConfig('nb201-fashion-gm', { repeats: 5 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-gm-cancel-'));
    let cancel = false;
    const tensors = tf.memory().numTensors;
    const summary = await runGmJob({
      config,
      dir,
      backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
      emit: (e: JobEventInput) => {
        if (e.type === 'log' && e.message.includes('deciding its split')) cancel = true;
      },
      cancelled: () => cancel,
      takeCommands: () => [],
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(summary).toMatchObject({ completed: false, best: null, nodeEpochs: 1 });
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as { tree: SubSupernetTreeDto; finalPick: unknown };
    expect(results.tree.nodes.map((n) => n.status)).toEqual(['training']);
    expect(results.finalPick).toBeNull();
  }, 240_000);
});

describe('GM config checks', () => {
  const base = getPreset('nb201-fashion-gm');
  const bad = (change: Record<string, unknown>): string => {
    try {
      parseExperimentConfig({ ...base, ...change }, 'test');
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };
  it('rejects an unknown rule, R = 0 and too few epochs for the splits, naming the field', () => {
    expect(bad({ gm: { ...base.gm, rule: 'magic' } })).toMatch(/gm\.rule: Invalid option: expected one of "gm"\|"exhaustive"\|"random"\|"predefined"/);
    expect(bad({ gm: { ...base.gm, repeats: 0 } })).toMatch(/gm\.repeats: Too small: expected number to be >=1/);
    expect(bad({ training: { ...base.training, epochs: 2 } })).toMatch(/training\.epochs: 2 epochs are too few for the 2 split\(s\) of nb201-gm-rsps/);
    expect(bad({ gm: undefined })).toMatch(/gm: method gm needs a gm section/);
    expect(bad({ gm: { ...base.gm, initialState: { remaining: [['none']] }, fromAbs: '/tmp/x' } })).toMatch(/give either gm.initialState or gm.fromAbs/);
  });
});
