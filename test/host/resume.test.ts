/**
 * THE resume test: a real ABS job process is killed with SIGKILL in the middle of an epoch
 * (after checkpoints exist), resumed, and must end exactly where an uninterrupted run of the
 * same seed ends: the same operators dropped at each shrink step, the same scores, the same best
 * architectures. Resume restarts from the last epoch checkpoint, so the killed epoch is redone:
 * events.jsonl keeps the killed run's lines of that epoch, the resumed run's `resumed` marker
 * supersedes them, and the events every viewer reads equal the uninterrupted run's, step for
 * step and value for value.
 *
 * Both jobs run with the kernel pool on (NAS_KERNEL_THREADS=2, whatever the machine's cores) on
 * a C=8 supernet in batches of 32, so our SIMD kernels apply and the filter gradients are split
 * between the main thread and a helper: the resumed run must equal the uninterrupted one with
 * the chunks shared differently in each process (ADR 0003, round 4). Each job's closing log
 * line says how the pool shared its kernels; the test checks helpers did take chunks.
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
import { listCheckpoints } from '../../electron/engine/store/checkpointList';
import { lockFile } from '../../electron/engine/store/directoryLock';
import type { JobEvent } from '../../shared/model/job';
import { requireBuilt } from '../helpers/built';
import { tinyAbsConfig } from '../helpers/tinyAbs';

interface AbsResults {
  steps: { step: number; epoch: number; scores: Record<string, number>; dropped: { key: string }[]; sizeAfter: number }[];
  finalSpace: string[][];
  best: { architecture: string; fitness: number; metrics: Record<string, number> }[];
}

function readResults(dir: string): AbsResults {
  return JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as AbsResults;
}

/**
 * The events of a run with what depends on the clock left out: logs and status lines (the
 * resumed run says where it resumed), the resume marker, timestamps and numbering, speeds,
 * the summary (it holds seconds), and the search's progress events (sent at most every 200 ms).
 */
function comparable(events: readonly JobEvent[]): Record<string, unknown>[] {
  return events.flatMap((e): Record<string, unknown>[] => {
    if (e.type === 'log' || e.type === 'status' || e.type === 'resumed' || e.type === 'result') return [];
    const { seq: _seq, time: _time, ...rest } = e;
    if (rest.type !== 'progress') return [rest];
    if (rest.phase === 'search') return [];
    const { imagesPerSec: _rate, etaSec: _eta, ...steps } = rest;
    return [steps];
  });
}

describe('resume after kill -9', () => {
  requireBuilt();

  it('a tiny ABS run killed mid-epoch and resumed equals the uninterrupted run', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-resume-'));
    const tiny = tinyAbsConfig();
    const config = path.join(root, 'tiny-abs-c8.json');
    // Twice the tiny run's images in batches twice as large: the same 15 steps per epoch.
    fs.writeFileSync(config, JSON.stringify({ ...tiny, maxTrainImages: 2 * tiny.maxTrainImages!, network: { ...tiny.network, channels: 8 }, training: { ...tiny.training, batchSize: 32 } }));
    const pids: number[] = [];
    const launcher: JobLauncher = (entry, log, env) => {
      const child = forkLauncher(entry, log, env);
      if (child.pid !== undefined) pids.push(child.pid);
      return child;
    };
    const supervisor = new JobSupervisor({ launcher, entry: jobEntry(), workspace: root, graceMs: 10_000, env: { NAS_KERNEL_THREADS: '2' } });

    // Both runs at once (two cores); the one to be killed is watched live.
    const whole = supervisor.start({ preset: config, dir: path.join(root, 'whole'), backend: 'wasm' });
    const killed = supervisor.start({ preset: config, dir: path.join(root, 'killed'), backend: 'wasm' });
    const victim = pids[1] as number;
    const seen: JobEvent[] = [];
    supervisor.subscribe(killed.jobId, (events) => seen.push(...events), () => undefined);
    // Kill in the first half of an epoch after shrink step 1 (epochs 1-2 precede it), so the
    // kill lands well inside the epoch even though events reach us up to ~250 ms late.
    const early = (e: JobEvent): boolean => e.type === 'progress' && e.phase === 'supernet' && e.epoch >= 3 && e.step <= e.steps / 2;
    await expect.poll(() => seen.some(early), { timeout: 120_000, interval: 10 }).toBe(true);
    process.kill(victim, 'SIGKILL');
    const crashed = await supervisor.whenEnded(killed.jobId);
    expect(crashed.status).toBe('failed');
    expect(crashed.error?.code).toBe('JOB_CRASHED');
    expect(crashed.error?.message).toContain('SIGKILL');

    // The kill landed mid-epoch: the last recorded step is inside epoch E, and the newest
    // checkpoint is the end of epoch E-1 (epoch E's work is lost and redone on resume).
    const before = readEvents(killed.dir).events;
    const lastProgress = before.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress' && e.phase === 'supernet').at(-1)!;
    const killedEpoch = lastProgress.epoch;
    expect(killedEpoch).toBeGreaterThanOrEqual(3);
    expect(lastProgress.step).toBeLessThan(lastProgress.steps);
    expect(listCheckpoints(killed.dir).map((c) => c.label)).not.toContain(`epoch-${killedEpoch}`);
    expect(listCheckpoints(killed.dir).find((c) => c.label === 'last')?.epoch).toBe(killedEpoch - 1);
    expect(before.some((e) => e.type === 'shrink' && e.step === 1)).toBe(true);
    expect(readExperimentRecord(killed.dir).status).toBe('failed');
    expect(fs.existsSync(lockFile(killed.dir))).toBe(false);

    const resumed = supervisor.resume({ dir: killed.dir, backend: 'wasm' });
    expect(resumed.status).toBe('queued');
    const [wholeEnd, resumedEnd] = await Promise.all([supervisor.whenEnded(whole.jobId), supervisor.whenEnded(resumed.jobId)]);
    expect(wholeEnd.status).toBe('finished');
    expect(resumedEnd.status).toBe('finished');

    const a = readResults(whole.dir);
    const b = readResults(killed.dir);
    expect(a.steps.length).toBe(3);
    expect(b.steps.map((s) => [s.step, s.epoch, s.sizeAfter])).toEqual(a.steps.map((s) => [s.step, s.epoch, s.sizeAfter]));
    b.steps.forEach((step, i) => {
      const ref = a.steps[i]!;
      expect(step.dropped.map((d) => d.key)).toEqual(ref.dropped.map((d) => d.key));
      expect(Object.keys(step.scores).sort()).toEqual(Object.keys(ref.scores).sort());
      for (const [key, score] of Object.entries(ref.scores)) expect(Math.abs((step.scores[key] as number) - score)).toBeLessThan(1e-6);
    });
    expect(b.finalSpace).toEqual(a.finalSpace);
    expect(b.best.map((x) => x.architecture)).toEqual(a.best.map((x) => x.architecture));
    b.best.forEach((x, i) => {
      const ref = a.best[i]!;
      expect(Math.abs(x.fitness - ref.fitness)).toBeLessThan(1e-6);
      expect(Object.keys(x.metrics).sort()).toEqual(Object.keys(ref.metrics).sort());
      for (const [name, value] of Object.entries(ref.metrics)) expect(Math.abs((x.metrics[name] as number) - value), name).toBeLessThan(1e-6);
    });

    // The record went back to running and ended finished; the events continue the numbering
    // with a line saying where it resumed; the lock is gone.
    const record = readExperimentRecord(killed.dir);
    expect(record.status).toBe('finished');
    expect(record.error).toBeNull();
    const after = readEvents(killed.dir);
    expect(after.skipped).toEqual([]);
    const seqs = after.events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    const resumedLine = after.events.find((e) => e.type === 'log' && e.message.startsWith(`resumed from checkpoint 'last' (epoch ${killedEpoch - 1},`));
    expect(resumedLine).toBeDefined();
    const statuses = after.events.filter((e) => e.type === 'status').map((e) => (e.type === 'status' ? e.status : ''));
    expect(statuses).toEqual(['running', 'running', 'finished']);
    expect(fs.existsSync(lockFile(killed.dir))).toBe(false);

    // The marker names the checkpoint and the events it covered: everything up to the end of
    // epoch E-1 (its validation metric included), nothing of epoch E.
    const marker = after.events.find((e): e is Extract<JobEvent, { type: 'resumed' }> => e.type === 'resumed');
    expect(marker).toMatchObject({ checkpoint: 'last', epoch: killedEpoch - 1 });
    const redoFrom = marker!.redoFrom as number;
    expect(typeof redoFrom).toBe('number');
    // The resumed job's first event.
    expect(after.events.filter((e) => e.seq < marker!.seq).at(-1)?.seq).toBe(before.at(-1)?.seq);
    const covered = after.events.filter((e) => e.seq < redoFrom);
    expect(covered.some((e) => e.type === 'metric' && e.split === 'val' && e.epoch === killedEpoch - 1)).toBe(true);
    expect(covered.some((e) => e.type === 'progress' && e.epoch === killedEpoch)).toBe(false);
    // The raw file still holds the superseded lines: the killed epoch's steps, up to the kill.
    const supersededLines = after.events.filter((e) => e.seq >= redoFrom && e.seq < marker!.seq);
    expect(supersededLines.length).toBe(before.length - covered.length);
    expect(supersededLines.filter((e) => e.type === 'progress').at(-1)).toEqual(lastProgress);

    // What viewers read: each step once, equal to the uninterrupted run's.
    const viewed = readRunEvents(killed.dir);
    expect(viewed.superseded).toBe(supersededLines.length);
    expect(viewed.events.map((e) => e.seq)).toEqual(after.events.map((e) => e.seq).filter((seq) => seq < redoFrom || seq >= marker!.seq));
    const reference = readRunEvents(whole.dir);
    expect(reference.superseded).toBe(0);
    const trainSteps = viewed.events.flatMap((e) => (e.type === 'metric' && e.split === 'train' ? [e.step] : []));
    expect(new Set(trainSteps).size).toBe(trainSteps.length);
    expect(comparable(viewed.events)).toEqual(comparable(reference.events));
    // The kernel pool did share the work, in both the uninterrupted and the resumed process.
    const helperChunks = (events: readonly JobEvent[]): number[] =>
      events.flatMap((e) => (e.type === 'log' ? [/kernel pool: \d+ kernel calls split, (\d+) of \d+ chunks/.exec(e.message)] : [])).flatMap((m) => (m ? [Number(m[1])] : []));
    expect(helperChunks(reference.events)).toHaveLength(1);
    expect(helperChunks(reference.events)[0]).toBeGreaterThan(0);
    expect(helperChunks(readRunEvents(killed.dir).events.filter((e) => e.seq >= marker!.seq))).toHaveLength(1);
    expect(helperChunks(readRunEvents(killed.dir).events.filter((e) => e.seq >= marker!.seq))[0]).toBeGreaterThan(0);
    expect(comparable(viewed.events).filter((e) => e.type === 'metric').length).toBeGreaterThan(10);
  }, 240_000);
});
