/**
 * Entry point of a job process: one experiment, one TensorFlow runtime, one OS process.
 * Started by the job supervisor (utilityProcess in the app, child_process.fork under the CLI
 * and `serve`); a crash here never takes the window or the server down.
 */
import { NasError, toErrorData } from '../../shared/errors';
import type { NasErrorData } from '../../shared/errors';
import type { JobStatus, OperatorCommand } from '../../shared/model/job';
import { initBackend } from '../engine/tf/backend';
import { ExperimentStore, readEvents } from '../engine/store/experimentStore';
import { acquireLock, releaseLock } from '../engine/store/directoryLock';
import { latestValidCheckpoint } from '../engine/store/checkpointList';
import type { LoadedCheckpoint } from '../engine/store/checkpoint';
import { ownFilesOnly, resumeSupportFor } from '../engine/jobs/resumeSupport';
import { runnerFor } from '../engine/jobs/runners';
import { PauseGate } from '../engine/jobs/pauseGate';
import { parseExperimentConfig } from '../engine/config/experimentConfig';
import { EventBatcher } from './eventBatcher';
import { connectToParent } from './parentChannel';
import { EVENT_BATCH_MS, toJobMessageSchema } from './protocol';
import type { JobSpec } from './protocol';

const parent = connectToParent();
let cancelRequested = false;
let commands: OperatorCommand[] = [];
let started = false;
/** Where the current run's pause/resume events go; set once the run has its batcher. */
let pauseEvents: ((event: { type: 'paused' } | { type: 'resumed'; pausedSec: number }) => void) | null = null;
const pauseGate = new PauseGate({
  onHold: () => pauseEvents?.({ type: 'paused' }),
  onRelease: (ms) => pauseEvents?.({ type: 'resumed', pausedSec: ms / 1000 }),
  // A resume before the loop reached its hold: say so, or a viewer would wait for a pause forever.
  onWithdrawn: () => pauseEvents?.({ type: 'resumed', pausedSec: 0 }),
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
    if (error) batcher.emit({ type: 'error', error });
    if (summary) batcher.emit({ type: 'result', summary });
    batcher.emit({ type: 'status', status });
    batcher.flush();
    store.update({ status, error, ...(summary ? { summary } : {}) });
    parent.send({ type: 'done', status, error });
  };
  try {
    const config = parseExperimentConfig(spec.config, 'job spec');
    const backend = await initBackend({ only: spec.backend });
    store.update({ status: 'running', backend: backend.chosen, error: null });
    batcher.emit({ type: 'status', status: 'running', backend: backend.chosen });
    for (const notice of spec.notices ?? []) batcher.emit({ type: 'log', level: 'warn', message: notice });
    for (const attempt of backend.attempts.filter((a) => !a.ok)) {
      batcher.emit({ type: 'log', level: 'info', message: `backend ${attempt.name} skipped: ${attempt.reason}` });
    }
    let resumeFrom: LoadedCheckpoint | null | undefined;
    if (spec.resume) {
      const support = resumeSupportFor(config.method);
      if (!support) throw new NasError('INVALID_CONFIG', `Experiments of method ${config.method} cannot be resumed.`, { fix: 'Start it again with `nas-shrink run`.' });
      const latest = latestValidCheckpoint(spec.dir, (label) => support.accepts(label));
      for (const warning of latest.warnings) batcher.emit({ type: 'log', level: 'warn', message: warning });
      resumeFrom = latest.checkpoint;
      batcher.emit({
        type: 'log',
        level: 'info',
        message: resumeFrom
          ? `resumed from checkpoint '${resumeFrom.label}' (epoch ${resumeFrom.meta.epoch}, step ${resumeFrom.meta.step}); events after it from the interrupted run are redone`
          : support === ownFilesOnly
            ? 'resumed: this method continues from its own files (no checkpoints)'
            : 'resumed with no epoch checkpoint yet: starting again from the beginning',
      });
    }
    const summary = await runnerFor(config.method)({
      config,
      dir: spec.dir,
      backend,
      emit: (event) => batcher.emit(event),
      cancelled: () => cancelRequested,
      untilResumed: () => pauseGate.wait(),
      now: () => pauseGate.now(),
      takeCommands: () => {
        const taken = commands;
        commands = [];
        return taken;
      },
      ...(resumeFrom !== undefined ? { resumeFrom } : {}),
    });
    if (cancelRequested) finish('cancelled', null, summary);
    else finish('finished', null, summary);
  } catch (error) {
    finish('failed', toErrorData(error), null);
  }
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
