/**
 * GM runs killed at every kind of point and resumed from the newest checkpoint end exactly as an
 * uninterrupted run of the same seed: the same results.json (tree, split decisions with their GM
 * matrices, node records, leaf candidates, final pick). The kill is simulated in process
 * (test/helpers/gmKill.ts: the run's emit throws at a chosen event, or its cancel check once a GM
 * decision is under way), as kill -9 stops it; resume takes the checkpoint the job process would.
 * GM+DARTS runs: gmDartsResume.test.ts.
 * test/host/gmResume.test.ts kills a real job process.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { readGmCheckpointState } from '../../../electron/engine/runners/gmCheckpointState';
import { gmResumePoint } from '../../../electron/engine/runners/gmResume';
import { resumeSupportFor } from '../../../electron/engine/jobs/resumeSupport';
import type { LoadedCheckpoint } from '../../../electron/engine/store/checkpoint';
import { readEvents } from '../../../electron/engine/store/experimentStore';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import type { JobEvent } from '../../../shared/model/job';
import { setUpBackends } from '../cpu/helpers';
import { tinyGmConfig } from '../../helpers/tinyGm';
import { gmLogs as logs, gmResults as results, gmResumeCheckpoint as resumePoint, newGmExperiment as newExperiment, progressIn, runGm as run } from '../../helpers/gmKill';
import type { GmRun as Run, KillAt } from '../../helpers/gmKill';

// Bit-identical runs need our kernels on one thread (README, ADR 0003).
process.env['NAS_KERNEL_THREADS'] = '1';

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

describe('GM run killed and resumed', { timeout: 240_000 }, () => {
  const config = tinyGmConfig();
  let whole: Record<string, unknown>;
  let wholeRun: Run;

  beforeAll(async () => {
    const dir = newExperiment(config);
    wholeRun = await run(config, dir);
    whole = results(dir);
  }, 240_000);

  it('the reference run is what the cases need: 3 GM decisions, 4 leaves of 2 epochs, a halving pick', () => {
    expect(wholeRun.killed).toBe(false);
    expect((whole['splits'] as { parentId: number }[]).map((s) => s.parentId)).toEqual([0, 1, 2]);
    expect((whole['nodes'] as { id: number; epochsTrained: number }[]).map((n) => [n.id, n.epochsTrained])).toEqual([[0, 1], [1, 1], [2, 1], [3, 2], [4, 2], [5, 2], [6, 2]]);
    expect((whole['leafCandidates'] as unknown[]).length).toBe(4);
    const pick = whole['finalPick'] as { by: string; rounds: { scores: unknown[] }[] };
    expect(pick.by).toBe('halving');
    expect(pick.rounds.map((r) => r.scores.length)).toEqual([4, 2]);
    expect(wholeRun.tensorsAfter).toBe(wholeRun.tensorsBefore);
  });

  /** Kills a fresh run at `kill`, checks where the resume starts, resumes, and compares with the uninterrupted run. */
  async function killAndResume(kill: KillAt, expectLabel: string | RegExp): Promise<{ killed: Run; resumed: Run; from: LoadedCheckpoint; dir: string }> {
    const dir = newExperiment(config);
    const killed = await run(config, dir, { kill });
    expect(killed.killed).toBe(true);
    const from = resumePoint(dir);
    if (typeof expectLabel === 'string') expect(from.label).toBe(expectLabel);
    else expect(from.label).toMatch(expectLabel);
    const resumed = await run(config, dir, { resumeFrom: from });
    expect(resumed.killed).toBe(false);
    expect(results(dir)).toEqual(whole);
    expect(resumed.tensorsAfter).toBe(resumed.tensorsBefore);
    return { killed, resumed, from, dir };
  }

  it('mid-training of the root, before the first split: resumes from node-0-init and redoes its epoch', async () => {
    const { resumed } = await killAndResume({ event: progressIn('sub-supernet 0', (e) => e.step === 2) }, 'node-0-init');
    expect(resumed.events.filter((e) => e.type === 'progress' && e.phase === 'sub-supernet 0').length).toBe(4);
    expect(logs(resumed.events)).toContain('GM resumed at sub-supernet 0 from its start; 0 split decision(s), 0 finished node(s) and 0 searched leaf(s) restored');
  });

  it('during the root\'s GM decision: resumes from node-0-split and makes the same decision again', async () => {
    const { killed, resumed } = await killAndResume({ afterEvent: (e) => e.type === 'log' && e.message.startsWith('sub-supernet 0: deciding its split') }, 'node-0-split');
    expect(killed.events.some((e) => e.type === 'split')).toBe(false);
    // The root is trained no further: its only training events in the resumed run are none.
    expect(resumed.events.some((e) => e.type === 'progress' && e.phase === 'sub-supernet 0')).toBe(false);
    expect(resumed.events.filter((e) => e.type === 'split').map((e) => (e.type === 'split' ? e.parentId : -1))).toEqual([0, 1, 2]);
  });

  it('right after a split decision: the decision is restored, not computed again, and its lost event emitted once', async () => {
    const { resumed, from, dir } = await killAndResume({ event: (e) => e.type === 'split' && e.parentId === 1 }, 'gm-progress');
    expect(readGmCheckpointState(from).progress.splits.map((s) => s.parentId)).toEqual([0, 1]);
    const resumedLogs = logs(resumed.events);
    expect(resumedLogs.some((m) => m.startsWith('sub-supernet 1: deciding'))).toBe(false);
    expect(resumedLogs.some((m) => m.startsWith('sub-supernet 2: deciding'))).toBe(true);
    // The kill came before node 1's split event was recorded: the resumed run emits it (from the
    // restored decision, equal to what the killed run computed), then decides node 2.
    const splits = resumed.events.filter((e): e is Extract<JobEvent, { type: 'split' }> => e.type === 'split');
    expect(splits.map((e) => e.parentId)).toEqual([1, 2]);
    const saved = (whole['splits'] as { parentId: number; choiceId: string; groups: string[][]; candidates: Record<string, number> }[])[1]!;
    expect([splits[0]!.choiceId, splits[0]!.groups, splits[0]!.candidates]).toEqual([saved.choiceId, saved.groups, saved.candidates]);
    const child = (whole['tree'] as { nodes: { parentId: number | null; distance: number[][] | null }[] }).nodes.find((n) => n.parentId === 1)!;
    expect(splits[0]!.distance).toEqual(child.distance);
    expect(readEvents(dir).events.filter((e) => e.type === 'split').map((e) => (e.type === 'split' ? e.parentId : -1))).toEqual([0, 1, 2]);
    expect(resumedLogs).toContain('GM resumed at the next sub-supernet; 2 split decision(s), 2 finished node(s) and 0 searched leaf(s) restored');
  });

  it("in a leaf's second epoch: resumes from its epoch checkpoint, losing only that epoch", async () => {
    const { resumed } = await killAndResume({ event: progressIn('sub-supernet 4', (e) => e.epoch === 4 && e.step === 2) }, 'node-4-epoch-3');
    const trained = resumed.events.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress' && e.phase === 'sub-supernet 4');
    expect(new Set(trained.map((e) => e.epoch))).toEqual(new Set([4]));
    expect(resumed.events.some((e) => e.type === 'progress' && e.phase === 'sub-supernet 3')).toBe(false);
    // Every split event was recorded before the kill: none is emitted again.
    expect(resumed.events.some((e) => e.type === 'split')).toBe(false);
  });

  it("during a leaf's RSPS search: resumes from the leaf's last checkpoint and searches it again", async () => {
    const { resumed, from } = await killAndResume({ event: progressIn('search 5') }, 'node-5-last');
    expect(readGmCheckpointState(from).node).toEqual({ id: 5, phase: 'last' });
    expect(resumed.events.some((e) => e.type === 'progress' && e.phase === 'sub-supernet 5')).toBe(false);
    expect(resumed.events.some((e) => e.type === 'progress' && e.phase === 'search 3')).toBe(false);
  });

  it('during the successive halving: the finished trainings are kept, the rest is trained', async () => {
    const { resumed, from } = await killAndResume({ event: progressIn('halving 1: 3/4') }, 'gm-progress');
    expect(readGmCheckpointState(from).progress.halving?.scores.length).toBe(2);
    // 2 trainings left in round 1, 2 in round 2.
    expect(logs(resumed.events).filter((m) => m.startsWith('stand-alone:'))).toHaveLength(4);
    expect(resumed.events.some((e) => e.type === 'progress' && e.phase.startsWith('search'))).toBe(false);
  });
});

describe('few-shot and one-shot runs killed and resumed', { timeout: 240_000 }, () => {
  /** An uninterrupted run of `config`, then one killed at `kill` and resumed; their results.json must be equal. */
  async function compare(config: ExperimentConfig, kill: KillAt, expectLabel: string): Promise<{ whole: Record<string, unknown>; resumed: Run }> {
    const wholeDir = newExperiment(config);
    await run(config, wholeDir);
    const dir = newExperiment(config);
    expect((await run(config, dir, { kill })).killed).toBe(true);
    const from = resumePoint(dir);
    expect(from.label).toBe(expectLabel);
    const resumed = await run(config, dir, { resumeFrom: from });
    const whole = results(wholeDir);
    expect(results(dir)).toEqual(whole);
    expect(resumed.tensorsAfter).toBe(resumed.tensorsBefore);
    return { whole, resumed };
  }

  it('few-shot, killed while a child trains on the one-shot weights with a fresh optimizer: resumes from its init checkpoint', async () => {
    // Split at epoch 2 of 3, exhaustively on edge 1<-0 (3 ops in the tiny root space): children 1-3.
    const { whole } = await compare(tinyGmConfig('nb201-fashion-fewshot', 3), { event: progressIn('sub-supernet 2', (e) => e.step === 2) }, 'node-2-init');
    expect((whole['splits'] as { childIds: number[] }[]).map((s) => s.childIds)).toEqual([[1, 2, 3]]);
    expect((whole['nodes'] as { id: number; inheritance: { weights: string; weightOptimizer: string } | null }[]).find((n) => n.id === 2)?.inheritance).toMatchObject({ weights: 'parent', weightOptimizer: 'fresh' });
  });

  it("one-shot, killed in the supernet's third epoch: resumes from node-0-epoch-2 and picks the same single candidate", async () => {
    const { whole, resumed } = await compare(tinyGmConfig('nb201-fashion-oneshot', 3), { event: progressIn('sub-supernet 0', (e) => e.epoch === 3 && e.step === 1) }, 'node-0-epoch-2');
    expect((whole['finalPick'] as { by: string }).by).toBe('single');
    expect(new Set(resumed.events.flatMap((e) => (e.type === 'progress' && e.phase === 'sub-supernet 0' ? [e.epoch] : [])))).toEqual(new Set([3]));
  });
});

describe('GM resume state', () => {
  it('refuses a checkpoint without GM state, naming it', () => {
    const checkpoint: LoadedCheckpoint = { label: 'node-2-init', dir: '/x', created: 1, meta: { epoch: 1, step: 4, rng: {}, schedule: null, extra: { node: 2 } }, arrays: {} };
    expect(() => gmResumePoint(NB201_SPACE, checkpoint)).toThrow("Checkpoint 'node-2-init' has no GM run state (sub-supernet tree, split decisions, searched leaves) to resume from");
  });

  it('accepts the per-node and progress checkpoints, nothing else', () => {
    const support = resumeSupportFor('gm')!;
    for (const label of ['node-0-init', 'node-12-epoch-3', 'node-3-split', 'node-6-last', 'gm-progress']) expect(support.accepts(label), label).toBe(true);
    for (const label of ['last', 'epoch-2', 'node-x-init', 'node-1-epoch', 'reference']) expect(support.accepts(label), label).toBe(false);
  });
});
