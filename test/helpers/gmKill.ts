/**
 * In-process kill and resume of a GM run, for the resume tests (gmResume.test.ts: GM+RSPS,
 * few-shot, one-shot; gmDartsResume.test.ts: GM+DARTS). The kill is simulated: the run's emit
 * throws at a chosen event (or its cancel check throws once the work after an event is under
 * way), which stops it where it stands with everything it wrote on disk and nothing more, as
 * kill -9 does (every store write is synchronous). Resume does what the job process does: the
 * newest valid checkpoint the method accepts becomes ctx.resumeFrom. Events are recorded in
 * events.jsonl as the job process records them (a resumed run continues the numbering).
 */
import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentConfig } from '../../electron/engine/config/experimentConfig';
import { runGmJob } from '../../electron/engine/runners/gmRunner';
import { resumeSupportFor } from '../../electron/engine/jobs/resumeSupport';
import { latestValidCheckpoint } from '../../electron/engine/store/checkpointList';
import type { LoadedCheckpoint } from '../../electron/engine/store/checkpoint';
import { ExperimentStore, readEvents } from '../../electron/engine/store/experimentStore';
import type { JobEvent, JobEventInput } from '../../shared/model/job';

class Killed extends Error {}

export interface KillAt {
  /** Stops the run when this event is emitted (before it is recorded). */
  readonly event?: (e: JobEventInput) => boolean;
  /** Stops the run at the first cancel check after this event (inside the work that follows it). */
  readonly afterEvent?: (e: JobEventInput) => boolean;
}

export interface GmRun {
  events: JobEvent[];
  killed: boolean;
  tensorsBefore: number;
  tensorsAfter: number;
}

/** A new experiment directory for `config`, as `nas-shrink run` creates it. */
export function newGmExperiment(config: ExperimentConfig, prefix = 'nas-gmresume-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  ExperimentStore.create(dir, { id: path.basename(dir), preset: config.name, created: Date.now(), status: 'running', config: config as unknown as Record<string, unknown>, backend: 'wasm', versions: {}, error: null, summary: null });
  return dir;
}

/** Runs the GM job in `dir` (killed at `kill`, or resumed from `resumeFrom`). */
export async function runGm(config: ExperimentConfig, dir: string, options: { kill?: KillAt; resumeFrom?: LoadedCheckpoint | null } = {}): Promise<GmRun> {
  const events: JobEvent[] = [];
  let armed = false;
  const store = ExperimentStore.open(dir);
  let seq = (readEvents(dir).events.at(-1)?.seq ?? -1) + 1;
  const tensorsBefore = tf.memory().numTensors;
  let killed = false;
  try {
    await runGmJob({
      config,
      dir,
      backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
      emit: (e: JobEventInput) => {
        if (options.kill?.event?.(e)) throw new Killed('killed at an event');
        if (options.kill?.afterEvent?.(e)) armed = true;
        const event = { ...e, seq: seq++, time: 0 } as JobEvent;
        events.push(event);
        store.appendEvents([event]);
      },
      cancelled: () => {
        if (armed) throw new Killed('killed inside the work after an event');
        return false;
      },
      takeCommands: () => [],
      ...(options.resumeFrom !== undefined ? { resumeFrom: options.resumeFrom } : {}),
    });
  } catch (error) {
    if (!(error instanceof Killed)) throw error;
    killed = true;
  }
  return { events, killed, tensorsBefore, tensorsAfter: tf.memory().numTensors };
}

/** What the job process hands a resumed runner: the newest valid checkpoint gm accepts. */
export function gmResumeCheckpoint(dir: string): LoadedCheckpoint {
  const support = resumeSupportFor('gm');
  expect(support).not.toBeNull();
  const latest = latestValidCheckpoint(dir, (label) => support!.accepts(label));
  expect(latest.warnings).toEqual([]);
  expect(latest.checkpoint).not.toBeNull();
  return latest.checkpoint as LoadedCheckpoint;
}

export function gmResults(dir: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as Record<string, unknown>;
}

export const gmLogs = (events: JobEvent[]): string[] => events.flatMap((e) => (e.type === 'log' ? [e.message] : []));

/** Matches progress events of `phase` (e.g. `sub-supernet 3`) for which `pred` holds. */
export const progressIn = (phase: string, pred: (e: Extract<JobEventInput, { type: 'progress' }>) => boolean = () => true) => (e: JobEventInput): boolean => e.type === 'progress' && e.phase === phase && pred(e);
