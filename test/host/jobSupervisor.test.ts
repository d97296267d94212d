import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forkLauncher } from '../../electron/host/jobProcess';
import type { JobLauncher } from '../../electron/host/jobProcess';
import { JobSupervisor } from '../../electron/host/jobSupervisor';
import { jobEntry } from '../../electron/host/appPaths';
import { readEvents, readExperimentRecord } from '../../electron/engine/store/experimentStore';
import type { JobEvent } from '../../shared/model/job';
import { requireBuilt } from '../helpers/built';

function workspace(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nas-jobs-'));
}

/** Each job process gets the pure-JS backend so tests behave the same on every machine. */
const env = { NAS_BACKEND: 'cpu' };

describe('JobSupervisor with real job processes', () => {
  requireBuilt();

  it('streams progress and metric events in batches, and cancels a running job', async () => {
    const supervisor = new JobSupervisor({ launcher: forkLauncher, entry: jobEntry(), workspace: workspace(), env, graceMs: 10_000 });
    // Many epochs of a tiny dataset: the job is certainly still running when we cancel.
    const job = supervisor.start({ preset: 'cnn-fashion', epochs: 500, maxTrainImages: 64 });
    const batches: JobEvent[][] = [];
    let ended = false;
    supervisor.subscribe(job.jobId, (events) => batches.push(events), () => (ended = true));
    await expect.poll(() => batches.flat().filter((e) => e.type === 'progress').length, { timeout: 30_000 }).toBeGreaterThan(3);
    supervisor.cancel(job.jobId);
    const final = await supervisor.whenEnded(job.jobId);

    expect(final.status).toBe('cancelled');
    expect(ended).toBe(true);
    const events = batches.flat();
    // Batching: fewer batches than events.
    expect(batches.length).toBeLessThan(events.length);
    // Sequence numbers are gap-free, in order.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.find((e) => e.type === 'status' && e.status === 'running')).toBeDefined();
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'cancelled' });
    const progress = events.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress');
    expect(progress[0]).toMatchObject({ phase: 'train', epoch: 1, epochs: 500, step: 1, steps: 2 });
    // What the viewer saw is on disk too, and the record says cancelled.
    const onDisk = readEvents(job.dir);
    expect(onDisk.skipped).toEqual([]);
    expect(onDisk.events.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(readExperimentRecord(job.dir).status).toBe('cancelled');
    // A viewer joining later gets the events so far thinned for display: the last progress
    // event only, everything else as it was (this short run's series need no bucket means).
    const late: JobEvent[] = [];
    supervisor.subscribe(job.jobId, (batch) => late.push(...batch), () => undefined);
    expect(late.filter((e) => e.type === 'progress')).toEqual([progress.at(-1)]);
    expect(late.filter((e) => e.type !== 'progress')).toEqual(events.filter((e) => e.type !== 'progress'));
  });

  it('pauses a job at a step boundary, continues it in the same process, and cancels it while paused', async () => {
    const supervisor = new JobSupervisor({ launcher: forkLauncher, entry: jobEntry(), workspace: workspace(), env, graceMs: 60_000 });
    const job = supervisor.start({ preset: 'cnn-fashion', epochs: 500, maxTrainImages: 64 });
    const events: JobEvent[] = [];
    supervisor.subscribe(job.jobId, (batch) => events.push(...batch), () => undefined);
    const progressCount = (): number => events.filter((e) => e.type === 'progress').length;
    await expect.poll(progressCount, { timeout: 30_000 }).toBeGreaterThan(2);
    supervisor.pause(job.jobId, true);
    await expect.poll(() => events.some((e) => e.type === 'paused'), { timeout: 30_000 }).toBe(true);
    expect(supervisor.get(job.jobId).paused).toBe(true);
    const atHold = progressCount();
    // The job process stays alive and idle: its next batch would carry a progress event.
    await new Promise((r) => setTimeout(r, 600));
    expect(progressCount()).toBe(atHold);
    supervisor.pause(job.jobId, false);
    await expect.poll(progressCount, { timeout: 30_000 }).toBeGreaterThan(atHold);
    const resumed = events.find((e) => e.type === 'continued');
    expect(resumed && resumed.type === 'continued' ? resumed.pausedSec : -1).toBeGreaterThan(0.5);
    expect(supervisor.get(job.jobId).paused).toBe(false);
    // Pause again, then cancel: the held loop is released and the job ends long before the
    // 60 s kill timer (a cancelled status comes from the job itself, not from a kill).
    supervisor.pause(job.jobId, true);
    await expect.poll(() => events.filter((e) => e.type === 'paused').length, { timeout: 30_000 }).toBe(2);
    supervisor.cancel(job.jobId);
    const final = await supervisor.whenEnded(job.jobId);
    expect(final.status).toBe('cancelled');
    expect(final.paused).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'cancelled' });
    expect(() => supervisor.pause(job.jobId, false)).toThrow(/has ended \(cancelled\); there is nothing to continue/);
  });

  it('kills a job that ignores cancel after the grace period', async () => {
    // A job process that never answers: the supervisor must kill it.
    const stubborn = path.join(workspace(), 'stubborn.js');
    fs.writeFileSync(stubborn, "process.on('message', () => {}); setInterval(() => {}, 1000);");
    const supervisor = new JobSupervisor({ launcher: forkLauncher, entry: stubborn, workspace: workspace(), graceMs: 300 });
    const job = supervisor.start({ preset: 'cnn-fashion' });
    await new Promise((r) => setTimeout(r, 200));
    supervisor.cancel(job.jobId);
    const final = await supervisor.whenEnded(job.jobId);
    expect(final.status).toBe('cancelled');
    expect(readExperimentRecord(job.dir).status).toBe('cancelled');
  });

  it('reports a crashing job process as a failed job with the log file named', async () => {
    const crashing = path.join(workspace(), 'crash.js');
    fs.writeFileSync(crashing, "console.error('boom: out of memory'); process.exit(3);");
    const supervisor = new JobSupervisor({ launcher: forkLauncher, entry: crashing, workspace: workspace() });
    const job = supervisor.start({ preset: 'cnn-fashion' });
    const final = await supervisor.whenEnded(job.jobId);
    expect(final.status).toBe('failed');
    expect(final.error?.code).toBe('JOB_CRASHED');
    expect(final.error?.message).toContain('exited with code 3');
    expect(final.error?.fix).toContain(path.join(job.dir, 'job.log'));
    expect(fs.readFileSync(path.join(job.dir, 'job.log'), 'utf8')).toContain('boom: out of memory');
    expect(readExperimentRecord(job.dir)).toMatchObject({ status: 'failed', error: { code: 'JOB_CRASHED' } });
  });

  it('refuses an unknown preset before creating a directory', () => {
    const root = workspace();
    const launcher: JobLauncher = () => {
      throw new Error('must not start');
    };
    const supervisor = new JobSupervisor({ launcher, entry: 'unused', workspace: root });
    expect(() => supervisor.start({ preset: 'nope' })).toThrow(/Unknown preset 'nope'/);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
