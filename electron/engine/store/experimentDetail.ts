/**
 * Reads one experiment directory for display, without its job process: experiment.json, the
 * events to show (a resume's superseded ones left out, thinned: shared/model/displayEvents.ts), space.json, results.json and the tau-*.json rankings. Used by the Experiments browser (offline, or a
 * folder copied from another machine) and `nas-shrink show`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import type { ExperimentDetail, ExperimentEvents, JobEvent, JobStatus } from '../../../shared/model/job';
import { displayEvents } from '../../../shared/model/displayEvents';
import { tauRecordSchema, type TauRecord } from '../../../shared/model/tau';
import { METHODS } from '../config/experimentConfig';
import type { Method } from '../config/experimentConfig';
import { resumeRefusal } from '../jobs/resumeSupport';
import { liveLockOwner } from './directoryLock';
import { readExperimentRecord, readRunEvents } from './experimentStore';

function isResumable(dir: string, status: JobStatus, method: unknown): boolean {
  if (status === 'finished' || typeof method !== 'string' || !(METHODS as readonly string[]).includes(method)) return false;
  if (resumeRefusal(method as Method)) return false;
  try {
    return liveLockOwner(dir) === null;
  } catch {
    return false;
  }
}

function readJsonIfPresent(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new NasError('STORE_IO', `${file} is not valid JSON: ${(error as Error).message}`, { fix: 'It is rewritten atomically by the job; restore it from a backup if it was edited by hand.' });
  }
}

/**
 * The rankings `nas-shrink tau` saved (tau-<checkpoint>.json), sorted by file name. A file that
 * is not such a record is left out rather than failing the whole view (it may be a user's own).
 */
export function readTauRecords(dir: string): TauRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /^tau-.+\.json$/.test(n)).sort();
  } catch {
    return [];
  }
  const out: TauRecord[] = [];
  for (const name of names) {
    try {
      const parsed = tauRecordSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // unreadable or not JSON: not a tau record
    }
  }
  return out;
}

/**
 * The directory of experiment `id` in workspace `root`. `id` must name a directory directly
 * inside it (no `..`, no absolute paths: the browser view must not reach outside the workspace).
 * @throws NasError INVALID_PAYLOAD for anything else.
 */
export function experimentDirOf(root: string, id: string): string {
  if (id.includes('/') || id.includes('\\') || id === '.' || id === '..' || path.isAbsolute(id)) {
    throw new NasError('INVALID_PAYLOAD', `'${id}' is not an experiment id.`, { fix: 'Pass the name of an experiment folder inside the workspace.' });
  }
  return path.join(path.resolve(root), id);
}

/** @param root the workspace; see {@link experimentDirOf} for `id`. */
export function readExperimentDetail(root: string, id: string): ExperimentDetail {
  const dir = experimentDirOf(root, id);
  const record = readExperimentRecord(dir);
  const { events, skipped, superseded } = readRunEvents(dir);
  const shown = displayEvents(events);
  return {
    id: record.id,
    dir,
    preset: record.preset,
    status: record.status,
    created: record.created,
    config: record.config,
    backend: record.backend,
    error: record.error,
    summary: record.summary,
    events: shown.events,
    eventCounts: { recorded: events.length + superseded, superseded, progressDropped: shown.progressDropped, metricMerged: shown.metricMerged },
    skippedLines: skipped,
    space: readJsonIfPresent(path.join(dir, 'space.json')),
    results: readJsonIfPresent(path.join(dir, 'results.json')),
    tau: readTauRecords(dir),
    resumable: isResumable(dir, record.status, record.config['method']),
  };
}

/**
 * Every event of experiment `id` as the run recorded it once (readRunEvents: nothing thinned,
 * a resume's superseded events left out), only those of `types` when given. For exports.
 * @param root the workspace; see {@link experimentDirOf} for `id`.
 */
export function readExperimentEvents(root: string, id: string, types?: readonly JobEvent['type'][]): ExperimentEvents {
  const dir = experimentDirOf(root, id);
  readExperimentRecord(dir);
  const { events, skipped, superseded } = readRunEvents(dir);
  const wanted = types ? new Set(types) : null;
  return { id, events: wanted ? events.filter((e) => wanted.has(e.type)) : events, skippedLines: skipped, superseded };
}
