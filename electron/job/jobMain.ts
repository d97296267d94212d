/**
 * Entry point of a job process: one experiment, one TensorFlow runtime, one OS process.
 * Started by the job supervisor (utilityProcess in the app, child_process.fork under the CLI
 * and `serve`); a crash here never takes the window or the server down.
 */
import { NasError, toErrorData } from '../../shared/errors';
import type { NasErrorData } from '../../shared/errors';
import type { JobEventInput, JobStatus, OperatorCommand } from '../../shared/model/job';
import { initBackend } from '../engine/tf/backend';
import { kernelPoolUsage } from '../engine/tf/threads/kernelPool';
import { ExperimentStore, readEvents } from '../engine/store/experimentStore';
import { acquireLock, releaseLock } from '../engine/store/directoryLock';
import { latestValidCheckpoint } from '../engine/store/checkpointList';
import type { LoadedCheckpoint } from '../engine/store/checkpoint';
import { ownFilesOnly, resumeSupportFor } from '../engine/jobs/resumeSupport';
import { runnerFor } from '../engine/jobs/runners';
import { PauseGate } from '../engine/jobs/pauseGate';
import { parseExperimentConfig } from '../engine/config/experimentConfig';
import type { Method } from '../engine/config/experimentConfig';
import { EventBatcher } from './eventBatcher';
import { connectToParent } from './parentChannel';
import { EVENT_BATCH_MS, toJobMessageSchema } from './protocol';
import type { JobSpec } from './protocol';

const parent = connectToParent();
let cancelRequested = false;
let commands: OperatorCommand[] = [];
let started = false;
/** Where the current run's pause/resume events go; set once the run has its batcher. */
let pauseEvents: ((event: { type: 'paused' } | { type: 'continued'; pausedSec: number }) => void) | null = null;
const pauseGate = new PauseGate({
  onHold: () => pauseEvents?.({ type: 'paused' }),
  onRelease: (ms) => pauseEvents?.({ type: 'continued', pausedSec: ms / 1000 }),
  // A resume before the loop reached its hold: say so, or a viewer would wait for a pause forever.
  onWithdrawn: () => pauseEvents?.({ type: 'continued', pausedSec: 0 }),
});

async function run(spec: JobSpec): Promise<void> {
  // The lock first: a job that cannot own the directory must not write a byte to it.
  try {
    acquireLock(spec.dir, { handoverFrom: spec.lockHolder === undefined ? [] : [spec.lockHolder] });
  } catch (error) {
    parent.send({ type: 'done', status: 'failed', error: toErrorData(error) });
    return;
  }
  try {
    await runLocked(spec);
  } finally {
    releaseLock(spec.dir);
  }
}

async function runLocked(spec: JobSpec): Promise<void> {
  const store = ExperimentStore.open(spec.dir);
  // A resumed run continues the event numbering after the killed run's last readable event.
  let startSeq = 0;
  if (spec.resume) {
    store.endTornLine();
    startSeq = (readEvents(spec.dir).events.at(-1)?.seq ?? -1) + 1;
  }
  const batcher = new EventBatcher(
    { persist: (events) => store.appendEvents(events), publish: (events) => parent.send({ type: 'events', events }) },
    EVENT_BATCH_MS,
    startSeq,
  );
  pauseEvents = (event) => {
    batcher.emit(event);
    batcher.flush(); // at once: the loop is about to wait, and viewers should see the badge now
  };
  const finish = (status: JobStatus, error: NasErrorData | null, summary: Record<string, unknown> | null): void => {
    const poolUsage = kernelPoolUsage();
    if (poolUsage) batcher.emit({ type: 'log', level: 'info', message: poolUsage });
    if (error) batcher.emit({ type: 'error', error });
    if (summary) batcher.emit({ type: 'result', summary });
    batcher.emit({ type: 'status', status });
    batcher.flush();
    store.update({ status, error, ...(summary ? { summary } : {}) });
    parent.send({ type: 'done', status, error });
  };
  try {
    const config = parseExperimentConfig(spec.config, 'job spec');
    // A resume is decided before anything else is recorded: its `resumed` marker must be the
    // job's first event, since it supersedes the interrupted run's events up to its own number.
    const resume = spec.resume ? findResumePoint(config.method, spec.dir) : null;
    if (resume) {
      batcher.emit(resume.marker);
      batcher.flush();
    }
    const backend = await initBackend({ only: spec.backend });
    store.update({ status: 'running', backend: backend.chosen, error: null });
    batcher.emit({ type: 'status', status: 'running', backend: backend.chosen });
    for (const notice of spec.notices ?? []) batcher.emit({ type: 'log', level: 'warn', message: notice });
    for (const attempt of backend.attempts.filter((a) => !a.ok)) {
      batcher.emit({ type: 'log', level: 'info', message: `backend ${attempt.name} skipped: ${attempt.reason}` });
    }
    if (resume) for (const line of resume.logs) batcher.emit(line);
    const summary = await runnerFor(config.method)({
      config,
      dir: spec.dir,
      backend,
      emit: (event) => batcher.emit(event),
      syncEvents: () => {
        batcher.flush();
        return batcher.nextSeq;
      },
      cancelled: () => cancelRequested,
      untilResumed: () => pauseGate.wait(),
      now: () => pauseGate.now(),
      takeCommands: () => {
        const taken = commands;
        commands = [];
        return taken;
      },
      ...(resume ? { resumeFrom: resume.checkpoint } : {}),
    });
    if (cancelRequested) finish('cancelled', null, summary);
    else finish('finished', null, summary);
  } catch (error) {
    finish('failed', toErrorData(error), null);
  }
}

interface ResumePoint {
  /** The checkpoint to continue from; null when none is usable (or the method keeps its own files). */
  checkpoint: LoadedCheckpoint | null;
  /** The job's first event (ADR 0008). */
  marker: Extract<JobEventInput, { type: 'resumed' }>;
  /** Warnings about skipped checkpoints, then the line saying where the run continues. */
  logs: Extract<JobEventInput, { type: 'log' }>[];
}

/**
 * Where a resumed job continues: the newest valid checkpoint its method accepts, and which of
 * the interrupted run's events that supersedes (those it recorded after the checkpoint; all of
 * them when the run starts again; none for a method that continues from its own files, or a
 * checkpoint that did not count its events).
 */
function findResumePoint(method: Method, dir: string): ResumePoint {
  const support = resumeSupportFor(method);
  if (!support) throw new NasError('INVALID_CONFIG', `Experiments of method ${method} cannot be resumed.`, { fix: 'Start it again with `nas-shrink run`.' });
  const latest = latestValidCheckpoint(dir, (label) => support.accepts(label));
  const logs: ResumePoint['logs'] = latest.warnings.map((message) => ({ type: 'log', level: 'warn', message }));
  const checkpoint = latest.checkpoint;
  if (checkpoint) {
    logs.push({ type: 'log', level: 'info', message: `resumed from checkpoint '${checkpoint.label}' (epoch ${checkpoint.meta.epoch}, step ${checkpoint.meta.step}); events after it from the interrupted run are redone` });
    return { checkpoint, logs, marker: { type: 'resumed', checkpoint: checkpoint.label, epoch: checkpoint.meta.epoch, step: checkpoint.meta.step, redoFrom: checkpoint.meta.events ?? null } };
  }
  const ownFiles = support === ownFilesOnly;
  logs.push({ type: 'log', level: 'info', message: ownFiles ? 'resumed: this method continues from its own files (no checkpoints)' : 'resumed with no epoch checkpoint yet: starting again from the beginning' });
  return { checkpoint: null, logs, marker: { type: 'resumed', checkpoint: null, epoch: 0, step: 0, redoFrom: ownFiles ? null : 0 } };
}

// If the host goes away (killed, crashed), stop at the next step instead of training on as an
// orphan that nobody can see or cancel; the store still records how far the job got.
process.on('disconnect', () => {
  cancelRequested = true;
  pauseGate.release();
  setTimeout(() => process.exit(1), 10_000).unref();
});

parent.onMessage((raw) => {
  const parsed = toJobMessageSchema.safeParse(raw);
  if (!parsed.success) return; // Not ours: the supervisor only sends toJobMessageSchema's messages.
  const message = parsed.data;
  if (message.type === 'cancel') {
    cancelRequested = true;
    pauseGate.release(); // a paused job stops instead of waiting out the kill timer
    return;
  }
  if (message.type === 'pause') {
    if (message.paused) pauseGate.pause();
    else pauseGate.resume();
    return;
  }
  if (message.type === 'command') {
    commands.push(message.command);
    return;
  }
  if (started) return;
  started = true;
  run(message.spec)
    .catch((error: unknown) => {
      const data = error instanceof NasError ? error.toData() : toErrorData(error);
      parent.send({ type: 'done', status: 'failed', error: data });
    })
    .finally(() => {
      // Give the IPC channel a moment to deliver the last messages, then leave.
      setTimeout(() => process.exit(0), 50);
    });
});
