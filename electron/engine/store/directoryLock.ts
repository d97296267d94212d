/**
 * One writer per experiment directory: a lock file `job.lock` holding the owner's pid, host
 * name and start time.
 *
 * The host takes the lock before it creates or resumes an experiment and hands it to the job
 * process it starts (the job takes over a lock whose owner is the pid named in its spec); the
 * job removes it when it ends, the host when the job died. A lock left behind by a process
 * that is gone (kill -9, power loss) is stale: the next writer recognises it (the pid no longer
 * runs on this host) and takes it over with a warning. A lock of a live process, or of another
 * machine (a shared folder, where the pid cannot be checked), is refused with a message naming
 * the owner and the fix.
 *
 * The file is created complete and atomically: written under a temporary name, then hard-linked
 * to `job.lock` (link fails if the name exists), so a reader never sees a half-written lock.
 * Known limit: a pid reused by an unrelated process after a crash makes a stale lock look live
 * (refused, with the fix to delete the file).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import { storeError } from './atomicFile';

export const LOCK_FILE = 'job.lock';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** When the owner took the lock (ms since the epoch). */
  readonly started: number;
}

export interface AcquiredLock {
  /** Set when a stale lock was taken over: one line saying whose and why. */
  readonly warning: string | null;
}

export function lockFile(dir: string): string {
  return path.join(dir, LOCK_FILE);
}

/** True when `pid` runs on this machine (a process of another user counts as running). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's owner, `null` when there is no lock, `'unreadable'` for a damaged file. */
export function readLock(dir: string): LockOwner | null | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(lockFile(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw storeError(`read ${lockFile(dir)}`, error);
  }
  try {
    const raw = JSON.parse(text) as Partial<LockOwner>;
    if (typeof raw.pid === 'number' && Number.isInteger(raw.pid) && raw.pid > 0 && typeof raw.host === 'string' && typeof raw.started === 'number') {
      return { pid: raw.pid, host: raw.host, started: raw.started };
    }
  } catch {
    /* falls through */
  }
  return 'unreadable';
}

/** True when the lock names a process that still runs (or one on another machine: cannot tell). */
export function isLockLive(owner: LockOwner): boolean {
  return owner.host !== os.hostname() || isProcessAlive(owner.pid);
}

/** The lock of a running writer, or null when the directory is free (no lock, or a stale one). */
export function liveLockOwner(dir: string): LockOwner | null {
  const owner = readLock(dir);
  return owner !== null && owner !== 'unreadable' && isLockLive(owner) ? owner : null;
}

function describeOwner(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.host}, since ${new Date(owner.started).toISOString()}`;
}

function lockedError(dir: string, owner: LockOwner): NasError {
  const here = owner.host === os.hostname();
  return new NasError('EXPERIMENT_LOCKED', `${dir} is in use by another job (${describeOwner(owner)}).`, {
    fix: here
      ? `Wait for it to end or cancel it (kill ${owner.pid}); two jobs must never write one experiment. If that pid is not a NAS Shrink Studio job, delete ${lockFile(dir)}.`
      : `That machine holds it; if no job runs there any more, delete ${lockFile(dir)}.`,
    details: { lock: owner },
  });
}

/** Creates the lock file for `pid` complete and atomically; false when a lock exists. */
function tryCreate(dir: string, pid: number): boolean {
  const owner: LockOwner = { pid, host: os.hostname(), started: Date.now() };
  const tmp = path.join(dir, `.${LOCK_FILE}.${pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
    try {
      fs.linkSync(tmp, lockFile(dir));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  } catch (error) {
    throw storeError(`lock ${dir}`, error);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Takes the directory's lock for `pid` (default: this process).
 * @param handoverFrom pids whose lock passes to `pid` silently (the host that started this job).
 * @throws NasError EXPERIMENT_LOCKED when a live process (or another machine) holds it;
 *   STORE_IO when the folder cannot be written.
 */
export function acquireLock(dir: string, options: { pid?: number; handoverFrom?: readonly number[] } = {}): AcquiredLock {
  const pid = options.pid ?? process.pid;
  // Two rounds: a stale lock removed in the first is retried once; losing that race to another
  // writer leaves its (live) lock, which the second round refuses.
  for (let round = 0; round < 2; round++) {
    if (tryCreate(dir, pid)) return { warning: null };
    const owner = readLock(dir);
    if (owner === null) continue; // released meanwhile
    let warning: string | null = null;
    if (owner === 'unreadable') {
      warning = `${lockFile(dir)} was unreadable (damaged); took it over.`;
    } else if (owner.host === os.hostname() && (owner.pid === pid || options.handoverFrom?.includes(owner.pid))) {
      warning = null;
    } else if (isLockLive(owner)) {
      throw lockedError(dir, owner);
    } else {
      warning = `Took over a stale lock of ${dir}: its owner (${describeOwner(owner)}) is no longer running (killed or crashed).`;
    }
    fs.rmSync(lockFile(dir), { force: true });
    if (tryCreate(dir, pid)) return { warning };
  }
  const owner = readLock(dir);
  if (owner !== null && owner !== 'unreadable') throw lockedError(dir, owner);
  throw new NasError('EXPERIMENT_LOCKED', `Could not lock ${dir}: another writer keeps replacing ${LOCK_FILE}.`, { fix: 'Stop the other job that uses this folder, then try again.' });
}

/** Removes the lock if one of `pids` owns it (default: this process); another owner's lock stays. */
export function releaseLock(dir: string, pids: readonly number[] = [process.pid]): void {
  let owner: LockOwner | null | 'unreadable';
  try {
    owner = readLock(dir);
  } catch {
    return; // the folder is gone or unreadable: nothing we can release
  }
  if (owner === null || owner === 'unreadable' || owner.host !== os.hostname() || !pids.includes(owner.pid)) return;
  fs.rmSync(lockFile(dir), { force: true });
}

/** Removes the lock if its owner no longer runs on this host (a job that died holding it). */
export function removeStaleLock(dir: string): void {
  let owner: LockOwner | null | 'unreadable';
  try {
    owner = readLock(dir);
  } catch {
    return;
  }
  if (owner === null || owner === 'unreadable' || isLockLive(owner)) return;
  fs.rmSync(lockFile(dir), { force: true });
}
