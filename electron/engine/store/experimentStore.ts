/**
 * The experiment directory, the only place the engine writes to disk (DESIGN.md):
 *   experiment.json  id, config, status, backend; rewritten atomically
 *   events.jsonl     append-only JobEvents, one JSON object per line
 *   job.log          the job process's stderr, for post-mortems
 * Readers tolerate a torn last line in events.jsonl (a crash mid-append) and skip it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { JOB_STATUSES } from '../../../shared/model/job';
import type { ExperimentSummary, JobEvent, JobStatus } from '../../../shared/model/job';
import { nasErrorSchema } from '../../../shared/errors';
import { NasError } from '../../../shared/errors';
import { storeError, writeJsonAtomic } from './atomicFile';
import { acquireLock, releaseLock } from './directoryLock';
import { parseEventLine } from './eventLine';
import { withoutSuperseded } from '../../../shared/model/supersededEvents';

/** Bumped when the directory layout changes incompatibly; newer directories are refused. */
export const STORE_FORMAT_VERSION = 1;

export const experimentRecordSchema = z.object({
  formatVersion: z.number().int(),
  id: z.string(),
  preset: z.string(),
  created: z.number(),
  updated: z.number(),
  status: z.enum(JOB_STATUSES),
  config: z.record(z.string(), z.unknown()),
  backend: z.string().nullable(),
  versions: z.record(z.string(), z.string()),
  error: nasErrorSchema.nullable(),
  summary: z.record(z.string(), z.unknown()).nullable(),
});
export type ExperimentRecord = z.infer<typeof experimentRecordSchema>;

export const EXPERIMENT_FILE = 'experiment.json';
export const EVENTS_FILE = 'events.jsonl';

export class ExperimentStore {
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Creates a new experiment directory (which must not hold an experiment yet) and takes its
   * lock for this process (directoryLock.ts); the job process it starts takes the lock over.
   */
  static create(dir: string, record: Omit<ExperimentRecord, 'formatVersion' | 'updated'>): ExperimentStore {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw storeError(`create the experiment folder ${dir}`, error);
    }
    // The lock first, so two creators of one folder cannot both pass the check below.
    acquireLock(dir);
    const store = new ExperimentStore(dir);
    try {
      if (fs.existsSync(path.join(dir, EXPERIMENT_FILE))) {
        throw new NasError('INVALID_CONFIG', `${dir} already holds an experiment.`, { fix: `Choose a new --out folder, or continue that one with \`nas-shrink resume ${dir}\`.` });
      }
      writeJsonAtomic(store.file(EXPERIMENT_FILE), { ...record, formatVersion: STORE_FORMAT_VERSION, updated: Date.now() });
    } catch (error) {
      releaseLock(dir);
      throw error;
    }
    return store;
  }

  /** Opens an existing experiment directory for writing (the job that owns it). */
  static open(dir: string): ExperimentStore {
    readExperimentRecord(dir);
    return new ExperimentStore(dir);
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  read(): ExperimentRecord {
    return readExperimentRecord(this.dir);
  }

  /** Applies `patch` to experiment.json atomically. */
  update(patch: Partial<Omit<ExperimentRecord, 'formatVersion' | 'id' | 'created'>>): ExperimentRecord {
    const next = { ...this.read(), ...patch, updated: Date.now() };
    writeJsonAtomic(this.file(EXPERIMENT_FILE), next);
    return next;
  }

  /**
   * Ends a torn last line of events.jsonl (a crash mid-append) with a newline, so the next
   * append starts a line of its own instead of gluing onto the fragment (which readers skip).
   */
  endTornLine(): void {
    const file = this.file(EVENTS_FILE);
    try {
      const size = fs.statSync(file).size;
      if (size === 0) return;
      const fd = fs.openSync(file, 'r+');
      try {
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) {
          fs.writeSync(fd, '\n', size);
          fs.fsyncSync(fd);
        }
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw storeError(`repair ${file}`, error);
    }
  }

  /** Appends events as JSON lines and flushes them to disk before returning. */
  appendEvents(events: readonly JobEvent[]): void {
    if (events.length === 0) return;
    const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    try {
      const fd = fs.openSync(this.file(EVENTS_FILE), 'a');
      try {
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      throw storeError(`append to ${this.file(EVENTS_FILE)}`, error);
    }
  }
}

/** Reads and validates experiment.json; refuses directories written by a newer version. */
export function readExperimentRecord(dir: string): ExperimentRecord {
  const file = path.join(dir, EXPERIMENT_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new NasError('STORE_IO', missing ? `${dir} is not an experiment directory (no ${EXPERIMENT_FILE}).` : `${file} is not valid JSON: ${(error as Error).message}`, {
      fix: missing ? 'Pass a folder made by `nas-shrink run`.' : 'Restore the file from a backup; the events in events.jsonl are still readable.',
    });
  }
  const version = (raw as { formatVersion?: unknown }).formatVersion;
  if (typeof version === 'number' && version > STORE_FORMAT_VERSION) {
    throw new NasError('STORE_IO', `${dir} was written by a newer NAS Shrink Studio (format ${version}; this version reads up to ${STORE_FORMAT_VERSION}).`, {
      fix: 'Update NAS Shrink Studio to open it.',
    });
  }
  const parsed = experimentRecordSchema.safeParse(raw);
  if (!parsed.success) {
    throw new NasError('STORE_IO', `${file} does not have the expected fields: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, {
      fix: 'Restore the file from a backup.',
    });
  }
  return parsed.data;
}

export interface ReadEventsResult {
  events: JobEvent[];
  /** Lines that could not be parsed (a torn last line after a crash), with their line numbers. */
  skipped: number[];
}

/**
 * Reads events.jsonl as it is, every readable line (superseded ones included: viewers want
 * {@link readRunEvents}); unparsable lines are skipped and reported, never fatal.
 */
export function readEvents(dir: string): ReadEventsResult {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, EVENTS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], skipped: [] };
    throw storeError(`read ${path.join(dir, EVENTS_FILE)}`, error);
  }
  const events: JobEvent[] = [];
  const skipped: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const event = parseEventLine(line);
    if (event) events.push(event);
    else skipped.push(index + 1);
  });
  return { events, skipped };
}

export interface RunEventsResult extends ReadEventsResult {
  /** Events left out because a resume recorded their work again (they stay in the file). */
  superseded: number;
}

/**
 * The run's events as every viewer should see them: events.jsonl ({@link readEvents}) without
 * the events a resume superseded (shared/model/supersededEvents.ts, ADR 0008), so each step is
 * there once. The file itself is never rewritten.
 */
export function readRunEvents(dir: string): RunEventsResult {
  const { events, skipped } = readEvents(dir);
  const kept = withoutSuperseded(events);
  return { events: kept.events, skipped, superseded: kept.superseded };
}

/** Summaries of every experiment directory directly under `root`, newest first. */
export function listExperiments(root: string): ExperimentSummary[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw storeError(`list ${root}`, error);
  }
  const out: ExperimentSummary[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    if (!fs.existsSync(path.join(dir, EXPERIMENT_FILE))) continue;
    try {
      const record = readExperimentRecord(dir);
      const acc = record.summary?.['testAccuracy'];
      const val = record.summary?.['bestValAccuracy'];
      const method = record.config['method'];
      out.push({
        id: name,
        dir,
        preset: record.preset,
        status: record.status,
        created: record.created,
        finalAccuracy: typeof acc === 'number' ? acc : null,
        method: typeof method === 'string' ? method : null,
        bestValAccuracy: typeof val === 'number' ? val : null,
      });
    } catch {
      // An unreadable directory is left out of the list; `nas-shrink show DIR` explains why.
    }
  }
  return out.sort((a, b) => b.created - a.created);
}

export function isTerminal(status: JobStatus): boolean {
  return status === 'finished' || status === 'failed' || status === 'cancelled';
}
