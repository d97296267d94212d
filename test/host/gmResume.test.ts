/**
 * A real GM job process killed with SIGKILL while a sub-supernet trains, resumed through the
 * supervisor (as `nas-shrink resume` and the Resume button do), must end with the results.json
 * of an uninterrupted run of the same seed: the tree, every split decision with its GM matrices,
 * the node records, the leaf candidates and the final pick; for GM+DARTS also every node's alpha
 * record and history and each leaf's derived architecture. The in-process kills at each kind of
 * point are test/engine/runners/gmResume.test.ts and gmDartsResume.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forkLauncher } from '../../electron/host/jobProcess';
import type { JobLauncher } from '../../electron/host/jobProcess';
import { JobSupervisor } from '../../electron/host/jobSupervisor';
import { jobEntry } from '../../electron/host/appPaths';
import { readEvents, readExperimentRecord, readRunEvents } from '../../electron/engine/store/experimentStore';
import { readExperimentDetail } from '../../electron/engine/store/experimentDetail';
import { lockFile } from '../../electron/engine/store/directoryLock';
import type { JobEvent } from '../../shared/model/job';
import { requireBuilt } from '../helpers/built';
import type { ExperimentConfig } from '../../electron/engine/config/experimentConfig';
import { tinyGmConfig, tinyGmDartsConfig, writeTinyGmConfig } from '../helpers/tinyGm';

function results(dir: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as Record<string, unknown>;
}

describe('GM resume after kill -9', () => {
  requireBuilt();

  /**
   * Runs `tiny` uninterrupted and, beside it, once SIGKILLed when `killWhen` first holds for an
   * event that reached the host; resumes the killed one through the supervisor and compares.
   */
  async function killAndResume(tiny: ExperimentConfig, killWhen: (e: JobEvent) => boolean): Promise<{ whole: Record<string, unknown>; wholeDir: string; killedDir: string }> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-gmresume-'));
    const config = writeTinyGmConfig(root, tiny);
    const pids: number[] = [];
    const launcher: JobLauncher = (entry, log, env) => {
      const child = forkLauncher(entry, log, env);
      if (child.pid !== undefined) pids.push(child.pid);
      return child;
    };
    // One kernel thread: bit-identical runs (README); the pool's split is timing-dependent.
    const supervisor = new JobSupervisor({ launcher, entry: jobEntry(), workspace: root, graceMs: 10_000, env: { NAS_KERNEL_THREADS: '1' } });

    const whole = supervisor.start({ preset: config, dir: path.join(root, 'whole'), backend: 'wasm' });
    const killed = supervisor.start({ preset: config, dir: path.join(root, 'killed'), backend: 'wasm' });
    const victim = pids[1] as number;
    const seen: JobEvent[] = [];
    supervisor.subscribe(killed.jobId, (events) => seen.push(...events), () => undefined);
    await expect.poll(() => seen.some(killWhen), { timeout: 120_000, interval: 10 }).toBe(true);
    process.kill(victim, 'SIGKILL');
    const crashed = await supervisor.whenEnded(killed.jobId);
    expect(crashed.status).toBe('failed');
    expect(crashed.error?.code).toBe('JOB_CRASHED');
    expect(fs.existsSync(lockFile(killed.dir))).toBe(false);
    // The UI offers Resume for it (the host decides `resumable`).
    expect(readExperimentDetail(root, 'killed').resumable).toBe(true);
    const before = readEvents(killed.dir).events;
    expect(before.some((e) => e.type === 'split' && e.parentId === 0)).toBe(true);
    expect(before.some((e) => e.type === 'result')).toBe(false);

    const resumed = supervisor.resume({ dir: killed.dir, backend: 'wasm' });
    const [wholeEnd, resumedEnd] = await Promise.all([supervisor.whenEnded(whole.jobId), supervisor.whenEnded(resumed.jobId)]);
    expect(wholeEnd.status).toBe('finished');
    expect(resumedEnd.status).toBe('finished');

    const a = results(whole.dir);
    const b = results(killed.dir);
    expect((a['splits'] as unknown[]).length).toBe(3);
    expect((a['finalPick'] as { by: string }).by).toBe('halving');
    expect(b).toEqual(a);

    const record = readExperimentRecord(killed.dir);
    expect(record.status).toBe('finished');
    expect(readExperimentDetail(root, 'killed').resumable).toBe(false);
    const after = readEvents(killed.dir).events;
    const seqs = after.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(after.some((e) => e.type === 'log' && /^resumed from checkpoint '(node-\d+-(init|split|last|epoch-\d+)|gm-progress)'/.test(e.message))).toBe(true);
    expect(after.some((e) => e.type === 'log' && e.message.startsWith('GM resumed at '))).toBe(true);
    return { whole: a, wholeDir: whole.dir, killedDir: killed.dir };
  }

  it('a tiny GM run killed while a sub-supernet trains and resumed equals the uninterrupted run', async () => {
    // Sub-supernet 1 trains after the root's split; six nodes, their searches and the halving
    // are still to come, so the kill lands mid-run even though events reach us late.
    await killAndResume(tinyGmConfig(), (e) => e.type === 'progress' && e.phase === 'sub-supernet 1');
  }, 240_000);

  it('a tiny GM+DARTS run killed while a leaf trains alpha and resumed equals the uninterrupted run', async () => {
    // Leaf 3's second epoch: alpha moving, its alpha pass part-way; three leaves and the halving
    // are still to come.
    const { whole } = await killAndResume(tinyGmDartsConfig(), (e) => e.type === 'progress' && e.phase === 'sub-supernet 3' && e.epoch === 4);
    expect((whole['darts'] as { nodes: Record<string, { steps: number }> }).nodes['3']?.steps).toBeGreaterThan(0);
  }, 240_000);

  it("killed inside the final pick's second training: resumed from gm-progress, viewers see every training and split once", async () => {
    // Longer stand-alone trainings than the tiny run's (640 images, 40 steps an epoch, two epochs), so
    // the kill lands inside the second one, after the first one's gm-progress.
    const base = tinyGmConfig();
    const tiny = { ...base, gm: { ...base.gm!, finalPick: { ...base.gm!.finalPick, halvingEpochs: 2, halvingTrainImages: 640 } } } as ExperimentConfig;
    const { killedDir, wholeDir } = await killAndResume(tiny, (e) => e.type === 'progress' && e.phase === 'halving 1: 2/4');
    const marker = readEvents(killedDir).events.find((e): e is Extract<JobEvent, { type: 'resumed' }> => e.type === 'resumed');
    expect(marker?.checkpoint).toBe('gm-progress');
    // gm-progress records how many events were on disk: the killed training's are superseded.
    expect(typeof marker?.redoFrom).toBe('number');
    const halvingSteps = (events: readonly JobEvent[]): string[] => events.flatMap((e) => (e.type === 'progress' && e.phase.startsWith('halving') ? [`${e.phase} epoch ${e.epoch} step ${e.step}`] : []));
    const viewed = readRunEvents(killedDir).events;
    expect(halvingSteps(viewed)).toEqual(halvingSteps(readRunEvents(wholeDir).events));
    expect(viewed.filter((e) => e.type === 'split').map((e) => (e.type === 'split' ? e.parentId : -1))).toEqual([0, 1, 2]);
  }, 300_000);
});
