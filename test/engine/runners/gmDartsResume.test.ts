/**
 * GM+DARTS runs (gm.search 'darts') killed at each kind of point and resumed from the newest
 * checkpoint end exactly as an uninterrupted run of the same seed: the same results.json (tree
 * with every node's alpha record, split decisions with their GM matrices, node records, the
 * per-epoch alpha history under darts.nodes, each leaf's derived architecture, leaf candidates,
 * final pick) and the same alpha, Adam moments and step in every leaf's last checkpoint. The
 * config (tinyGmDartsConfig) puts each epoch's end inside an alpha-batch pass, so a resumed leaf
 * that did not continue its alpha-batch stream exactly would train alpha on other batches.
 * Kills are simulated in process (test/helpers/gmKill.ts), as in gmResume.test.ts for GM+RSPS.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { readGmCheckpointState } from '../../../electron/engine/runners/gmCheckpointState';
import { nodeCheckpoint } from '../../../electron/engine/runners/gmTree';
import { alphaBatchStateSchema } from '../../../electron/engine/runners/alphaBatchStream';
import { ALPHA_BATCHES_EXTRA } from '../../../electron/engine/runners/gmDartsRun';
import { checkpointsRoot, loadCheckpoint } from '../../../electron/engine/store/checkpoint';
import type { LoadedCheckpoint } from '../../../electron/engine/store/checkpoint';
import { readEvents } from '../../../electron/engine/store/experimentStore';
import type { JobEvent } from '../../../shared/model/job';
import type { SubSupernetTreeDto } from '../../../shared/model/splitTree';
import { setUpBackends } from '../cpu/helpers';
import { tinyGmDartsConfig } from '../../helpers/tinyGm';
import { gmLogs, gmResults, gmResumeCheckpoint, newGmExperiment, progressIn, runGm } from '../../helpers/gmKill';
import type { GmRun, KillAt } from '../../helpers/gmKill';

// Bit-identical runs need our kernels on one thread (README, ADR 0003).
process.env['NAS_KERNEL_THREADS'] = '1';

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

const LEAVES = [3, 4, 5, 6];
const WEIGHT_STEPS = 2; // 43 weight images, batch 16, dropLast
const ALPHA_PASS = 3; // 53 alpha images, batch 16, dropLast

function checkpoint(dir: string, id: number, what: 'init' | 'split' | 'last'): LoadedCheckpoint {
  return loadCheckpoint(path.join(checkpointsRoot(dir), nodeCheckpoint(id, what)));
}

function array(c: LoadedCheckpoint, name: string): number[] {
  const a = c.arrays[name];
  if (!a) throw new Error(`${c.label} has no ${name}`);
  return [...a.data];
}

/** alpha, its Adam moments, step and alpha-step count, and the alpha-batch stream of a checkpoint. */
function archState(c: LoadedCheckpoint): Record<string, unknown> {
  return { alpha: array(c, 'arch/alpha'), m: array(c, 'arch/adam/m'), v: array(c, 'arch/adam/v'), arch: c.meta.extra['arch'], stream: c.meta.extra[ALPHA_BATCHES_EXTRA] };
}

const trainedEpochs = (events: JobEvent[], phase: string): Set<number> => new Set(events.flatMap((e) => (e.type === 'progress' && e.phase === phase ? [e.epoch] : [])));

describe('GM+DARTS run killed and resumed', { timeout: 600_000 }, () => {
  const config = tinyGmDartsConfig();
  let whole: Record<string, unknown>;
  let wholeDir: string;
  let wholeRun: GmRun;

  beforeAll(async () => {
    wholeDir = newGmExperiment(config, 'nas-gmdartsresume-');
    wholeRun = await runGm(config, wholeDir);
    whole = gmResults(wholeDir);
  }, 600_000);

  it('the reference run is what the cases need: 3 decisions, 4 leaves of 2 epochs whose alpha moved, a halving pick', () => {
    expect(wholeRun.killed).toBe(false);
    expect((whole['splits'] as { parentId: number }[]).map((s) => s.parentId)).toEqual([0, 1, 2]);
    expect((whole['nodes'] as { id: number; epochsTrained: number }[]).map((n) => [n.id, n.epochsTrained])).toEqual([[0, 1], [1, 1], [2, 1], [3, 2], [4, 2], [5, 2], [6, 2]]);
    const darts = whole['darts'] as { weightImages: number; alphaImages: number; nodes: Record<string, { steps: number; frozen: boolean; history: { epoch: number }[]; derived: { architecture: string } | null }> };
    expect([darts.weightImages, darts.alphaImages]).toEqual([43, 53]);
    for (const id of LEAVES) {
      const node = darts.nodes[String(id)]!;
      expect([node.frozen, node.steps, node.history.map((h) => h.epoch)], `leaf ${id}`).toEqual([false, 2 * WEIGHT_STEPS, [3, 4]]);
      expect(node.derived?.architecture).toBe((whole['leafCandidates'] as { node: number; architecture: string }[]).find((c) => c.node === id)?.architecture);
      expect(array(checkpoint(wholeDir, id, 'last'), 'arch/alpha').some((a) => Math.abs(a) > 1e-6), `leaf ${id} alpha moved`).toBe(true);
      // 4 alpha batches taken: the first pass of 3 and one of the second.
      expect(alphaBatchStateSchema.parse(checkpoint(wholeDir, id, 'last').meta.extra[ALPHA_BATCHES_EXTRA]).taken).toBe(2 * WEIGHT_STEPS - ALPHA_PASS);
    }
    expect((whole['finalPick'] as { by: string }).by).toBe('halving');
    expect(wholeRun.tensorsAfter).toBe(wholeRun.tensorsBefore);
  });

  /** Kills a fresh run at `kill`, checks where the resume starts, resumes, and compares with the uninterrupted run. */
  async function killAndResume(kill: KillAt, expectLabel: string): Promise<{ killed: GmRun; resumed: GmRun; from: LoadedCheckpoint; dir: string }> {
    const dir = newGmExperiment(config, 'nas-gmdartsresume-');
    const killed = await runGm(config, dir, { kill });
    expect(killed.killed).toBe(true);
    const from = gmResumeCheckpoint(dir);
    expect(from.label).toBe(expectLabel);
    const resumed = await runGm(config, dir, { resumeFrom: from });
    expect(resumed.killed).toBe(false);
    expect(gmResults(dir)).toEqual(whole);
    for (const id of LEAVES) expect(archState(checkpoint(dir, id, 'last')), `leaf ${id}`).toEqual(archState(checkpoint(wholeDir, id, 'last')));
    expect(resumed.tensorsAfter).toBe(resumed.tensorsBefore);
    return { killed, resumed, from, dir };
  }

  it("in a leaf's second epoch, alpha moving and its alpha pass part-way: resumes from its epoch checkpoint with alpha, Adam and the batch stream", async () => {
    const { resumed, from } = await killAndResume({ event: progressIn('sub-supernet 4', (e) => e.epoch === 4 && e.step === 1) }, 'node-4-epoch-3');
    expect(readGmCheckpointState(from).node).toEqual({ id: 4, phase: 'epoch' });
    expect(from.meta.extra['arch']).toEqual({ adamStep: WEIGHT_STEPS, alphaSteps: WEIGHT_STEPS });
    expect(array(from, 'arch/alpha').some((a) => Math.abs(a) > 1e-6)).toBe(true);
    expect(alphaBatchStateSchema.parse(from.meta.extra[ALPHA_BATCHES_EXTRA]).taken).toBe(WEIGHT_STEPS);
    // Leaf 4's alpha history of its first epoch comes from the checkpoint; its second is retrained.
    expect(readGmCheckpointState(from).progress.darts?.nodes.find((n) => n.id === 4)?.history.map((h) => h.epoch)).toEqual([3]);
    expect(trainedEpochs(resumed.events, 'sub-supernet 4')).toEqual(new Set([4]));
    expect(resumed.events.some((e) => e.type === 'progress' && e.phase === 'sub-supernet 3')).toBe(false);
    expect(resumed.events.some((e) => e.type === 'split')).toBe(false);
  });

  it("in a leaf's first epoch: resumes from its init checkpoint (alpha 0, no Adam state, a fresh stream)", async () => {
    const { resumed, from } = await killAndResume({ event: progressIn('sub-supernet 5', (e) => e.epoch === 3 && e.step === 2) }, 'node-5-init');
    expect(array(from, 'arch/alpha').every((a) => a === 0)).toBe(true);
    expect(from.arrays['arch/adam/m']).toBeUndefined();
    expect(from.meta.extra[ALPHA_BATCHES_EXTRA]).toMatchObject({ pass: null, taken: 0 });
    expect(trainedEpochs(resumed.events, 'sub-supernet 5')).toEqual(new Set([3, 4]));
    expect(gmLogs(resumed.events)).toContain('GM resumed at sub-supernet 5 from its start; 3 split decision(s), 5 finished node(s) and 2 searched leaf(s) restored');
  });

  it("during a node's GM decision on the mixed supernet: resumes from its split checkpoint and makes the same decision", async () => {
    const { killed, resumed } = await killAndResume({ afterEvent: (e) => e.type === 'log' && e.message.startsWith('sub-supernet 2: deciding its split') }, 'node-2-split');
    expect(killed.events.filter((e) => e.type === 'split').map((e) => (e.type === 'split' ? e.parentId : -1))).toEqual([0, 1]);
    expect(resumed.events.some((e) => e.type === 'progress' && e.phase === 'sub-supernet 2')).toBe(false);
    expect(resumed.events.filter((e) => e.type === 'split').map((e) => (e.type === 'split' ? e.parentId : -1))).toEqual([2]);
  });

  it('right after a split decision: restored from gm-progress with every alpha record; the lost split event carries them', async () => {
    const { resumed, from, dir } = await killAndResume({ event: (e) => e.type === 'split' && e.parentId === 1 }, 'gm-progress');
    expect(readGmCheckpointState(from).progress.darts?.nodes.map((n) => n.id)).toEqual([0, 1]);
    const splits = resumed.events.filter((e): e is Extract<JobEvent, { type: 'split' }> => e.type === 'split');
    expect(splits.map((e) => e.parentId)).toEqual([1, 2]);
    // The lost event's tree shows alpha as the uninterrupted run's split event did.
    const wholeSplit = readEvents(wholeDir).events.find((e): e is Extract<JobEvent, { type: 'split' }> => e.type === 'split' && e.parentId === 1)!;
    expect(splits[0]!.tree as SubSupernetTreeDto).toEqual(wholeSplit.tree);
    expect((wholeSplit.tree as SubSupernetTreeDto).nodes.filter((n) => n.arch).map((n) => n.id)).toEqual([0, 1]);
    expect(readEvents(dir).events.filter((e) => e.type === 'split').map((e) => (e.type === 'split' ? e.parentId : -1))).toEqual([0, 1, 2]);
  });

  it('refuses, by checkpoint and with a fix, a GM+DARTS checkpoint without its stream or alpha records (an older version)', async () => {
    const from = loadCheckpoint(path.join(checkpointsRoot(wholeDir), 'node-4-epoch-3'));
    const gm = from.meta.extra['gm'] as { progress: Record<string, unknown> };
    const withoutStream: LoadedCheckpoint = { ...from, meta: { ...from.meta, extra: { ...from.meta.extra, [ALPHA_BATCHES_EXTRA]: undefined } } };
    const withoutRecords: LoadedCheckpoint = { ...from, meta: { ...from.meta, extra: { ...from.meta.extra, gm: { ...gm, progress: { ...gm.progress, darts: undefined } } } } };
    for (const [checkpoint, message] of [
      [withoutStream, "Checkpoint 'node-4-epoch-3' has no GM+DARTS alpha-batch stream (meta.extra.alphaBatches) to resume from."],
      [withoutRecords, "Checkpoint 'node-4-epoch-3' has no GM+DARTS alpha records (progress.darts) to resume from."],
    ] as const) {
      const dir = newGmExperiment(config, 'nas-gmdartsresume-');
      const before = tf.memory().numTensors;
      await expect(runGm(config, dir, { resumeFrom: checkpoint })).rejects.toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it("during the final pick: the leaves' derived architectures and alpha records come from gm-progress", async () => {
    const { resumed, from } = await killAndResume({ event: progressIn('halving 1: 1/4') }, 'gm-progress');
    const saved = readGmCheckpointState(from).progress;
    expect(saved.darts?.nodes.filter((n) => n.arch.derived).map((n) => n.id)).toEqual(LEAVES);
    expect(resumed.events.some((e) => e.type === 'progress' && e.phase.startsWith('sub-supernet'))).toBe(false);
  });
});

describe("GM+DARTS with freezeAlpha 'never' killed and resumed (alpha trained in every node, children inherit it)", { timeout: 600_000 }, () => {
  const base = tinyGmDartsConfig();
  const config = parseExperimentConfig({ ...base, gm: { ...base.gm!, darts: { ...base.gm!.darts, freezeAlpha: 'never' } } }, 'test');

  it("in sub-supernet 1's epoch: resumes from its init checkpoint, with the root's moved alpha and Adam state, to the uninterrupted run's results", async () => {
    const wholeDir = newGmExperiment(config, 'nas-gmdartsresume-never-');
    const whole = await runGm(config, wholeDir);
    expect(whole.killed).toBe(false);
    const dir = newGmExperiment(config, 'nas-gmdartsresume-never-');
    const killed = await runGm(config, dir, { kill: { event: progressIn('sub-supernet 1', (e) => e.epoch === 2 && e.step === 1) } });
    expect(killed.killed).toBe(true);
    const from = gmResumeCheckpoint(dir);
    expect(from.label).toBe('node-1-init');
    // Inherited from the root, which trained alpha in its epoch: not the zeros of a frozen run.
    expect(array(from, 'arch/alpha').some((a) => Math.abs(a) > 1e-6)).toBe(true);
    expect(from.arrays['arch/adam/m']).toBeDefined();
    const resumed = await runGm(config, dir, { resumeFrom: from });
    expect(resumed.killed).toBe(false);
    expect(trainedEpochs(resumed.events, 'sub-supernet 0')).toEqual(new Set());
    expect(gmResults(dir)).toEqual(gmResults(wholeDir));
    for (const id of LEAVES) expect(archState(checkpoint(dir, id, 'last')), `leaf ${id}`).toEqual(archState(checkpoint(wholeDir, id, 'last')));
    expect(resumed.tensorsAfter).toBe(resumed.tensorsBefore);
  });
});
