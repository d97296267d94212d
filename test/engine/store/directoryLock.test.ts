import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import { acquireLock, isProcessAlive, lockFile, readLock, releaseLock, removeStaleLock } from '../../../electron/engine/store/directoryLock';
import { ExperimentStore, readExperimentRecord } from '../../../electron/engine/store/experimentStore';
import { resolveConfig } from '../../../electron/engine/config/resolveConfig';
import { JobSupervisor } from '../../../electron/host/jobSupervisor';
import type { JobLauncher } from '../../../electron/host/jobProcess';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nas-lock-'));
}

/** A process of ours that stays alive until the tests end. */
const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
afterAll(() => {
  sleeper.kill('SIGKILL');
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

function writeLock(dir: string, owner: object): void {
  fs.writeFileSync(lockFile(dir), JSON.stringify(owner));
}

function caught(fn: () => unknown): NasError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NasError) return error;
    throw error;
  }
  throw new Error('expected a NasError');
}

describe('directory lock', () => {
  it('writes the owner pid, host and start time, and releases only its own lock', () => {
    const dir = tmp();
    const before = Date.now();
    expect(acquireLock(dir)).toEqual({ warning: null });
    const owner = readLock(dir);
    expect(owner).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(owner !== null && owner !== 'unreadable' && owner.started >= before).toBe(true);
    releaseLock(dir, [process.pid + 1_000_000]);
    expect(fs.existsSync(lockFile(dir))).toBe(true);
    releaseLock(dir);
    expect(fs.existsSync(lockFile(dir))).toBe(false);
  });

  it('refuses a live owner with a message naming its pid and the fix', () => {
    const dir = tmp();
    const pid = sleeper.pid as number;
    expect(isProcessAlive(pid)).toBe(true);
    writeLock(dir, { pid, host: os.hostname(), started: 1_700_000_000_000 });
    const error = caught(() => acquireLock(dir));
    expect(error.code).toBe('EXPERIMENT_LOCKED');
    expect(error.message).toBe(`${dir} is in use by another job (pid ${pid} on ${os.hostname()}, since 2023-11-14T22:13:20.000Z).`);
    expect(error.fix).toContain(`kill ${pid}`);
    expect(error.fix).toContain(lockFile(dir));
    // The refused writer left the owner's lock as it was.
    expect(readLock(dir)).toMatchObject({ pid });
  });

  it('hands a lock over from the pid named as its holder', () => {
    const dir = tmp();
    const pid = sleeper.pid as number;
    writeLock(dir, { pid, host: os.hostname(), started: 1 });
    expect(acquireLock(dir, { handoverFrom: [pid] })).toEqual({ warning: null });
    expect(readLock(dir)).toMatchObject({ pid: process.pid });
  });

  it('takes over a stale lock (its pid is gone) with a warning', async () => {
    const dir = tmp();
    const pid = await deadPid();
    expect(isProcessAlive(pid)).toBe(false);
    writeLock(dir, { pid, host: os.hostname(), started: 1 });
    const { warning } = acquireLock(dir);
    expect(warning).toContain(`pid ${pid} on ${os.hostname()}`);
    expect(warning).toContain('no longer running');
    expect(readLock(dir)).toMatchObject({ pid: process.pid });
  });

  it('removeStaleLock removes a dead owner\'s lock and leaves a live one', async () => {
    const dir = tmp();
    writeLock(dir, { pid: await deadPid(), host: os.hostname(), started: 1 });
    removeStaleLock(dir);
    expect(fs.existsSync(lockFile(dir))).toBe(false);
    writeLock(dir, { pid: sleeper.pid, host: os.hostname(), started: 1 });
    removeStaleLock(dir);
    expect(readLock(dir)).toMatchObject({ pid: sleeper.pid });
  });

  it('takes over a damaged lock file with a warning', () => {
    const dir = tmp();
    fs.writeFileSync(lockFile(dir), '{"pid": 12');
    expect(readLock(dir)).toBe('unreadable');
    expect(acquireLock(dir).warning).toContain('unreadable');
    expect(readLock(dir)).toMatchObject({ pid: process.pid });
  });

  it("refuses another machine's lock, whose pid cannot be checked", () => {
    const dir = tmp();
    writeLock(dir, { pid: 4242, host: 'some-other-host', started: 1 });
    const error = caught(() => acquireLock(dir));
    expect(error.code).toBe('EXPERIMENT_LOCKED');
    expect(error.message).toContain('pid 4242 on some-other-host');
    expect(error.fix).toBe(`That machine holds it; if no job runs there any more, delete ${lockFile(dir)}.`);
  });

  it('ExperimentStore.create locks the new directory and refuses a folder another live job holds', () => {
    const dir = tmp();
    writeLock(dir, { pid: sleeper.pid, host: os.hostname(), started: 1 });
    const record = { id: 'x', preset: 'cnn-fashion', created: 1, status: 'queued' as const, config: {}, backend: null, versions: {}, error: null, summary: null };
    expect(caught(() => ExperimentStore.create(dir, record)).code).toBe('EXPERIMENT_LOCKED');
    expect(fs.existsSync(path.join(dir, 'experiment.json'))).toBe(false);
    const free = tmp();
    ExperimentStore.create(free, record);
    expect(readLock(free)).toMatchObject({ pid: process.pid });
  });

  it('resume is refused while a live job holds the directory, and for a finished experiment', () => {
    const workspace = tmp();
    const launcher: JobLauncher = () => {
      throw new Error('no job process may start');
    };
    const supervisor = new JobSupervisor({ launcher, entry: 'unused.js', workspace });
    const record = { id: 'exp', preset: 'nb201-fashion', created: 1, status: 'failed' as const, config: { ...resolveConfig('nb201-fashion', {}) }, backend: null, versions: {}, error: null, summary: null };
    const dir = path.join(workspace, 'exp');
    ExperimentStore.create(dir, record);
    releaseLock(dir);
    writeLock(dir, { pid: sleeper.pid, host: os.hostname(), started: 1 });
    const locked = caught(() => supervisor.resume({ dir }));
    expect(locked.code).toBe('EXPERIMENT_LOCKED');
    expect(locked.message).toContain(`pid ${sleeper.pid}`);
    expect(readExperimentRecord(dir).status).toBe('failed'); // untouched
    const done = path.join(workspace, 'done');
    ExperimentStore.create(done, { ...record, id: 'done', status: 'finished' });
    releaseLock(done);
    const finished = caught(() => supervisor.resume({ dir: done }));
    expect(finished.message).toBe(`${done} has finished; there is nothing to resume.`);
    expect(finished.fix).toContain('nas-shrink run');
    const cnn = path.join(workspace, 'cnn');
    ExperimentStore.create(cnn, { ...record, id: 'cnn', preset: 'cnn-fashion', config: { ...resolveConfig('cnn-fashion', {}) } });
    releaseLock(cnn);
    expect(caught(() => supervisor.resume({ dir: cnn })).message).toBe(`Experiments of method cnn cannot be resumed; ${cnn} stays as it is.`);
  });
});
