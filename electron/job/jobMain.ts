/**
 * Entry point of a job process: one experiment, one TensorFlow runtime, one OS process.
 * Started by the job supervisor (utilityProcess in the app, child_process.fork under the CLI
 * and `serve`); a crash here never takes the window or the server down.
 */
import { NasError, toErrorData } from '../../shared/errors';
import type { NasErrorData } from '../../shared/errors';
import type { JobStatus, OperatorCommand } from '../../shared/model/job';
import { initBackend } from '../engine/tf/backend';
import { ExperimentStore } from '../engine/store/experimentStore';
import { runnerFor } from '../engine/jobs/runners';
import { parseExperimentConfig } from '../engine/config/experimentConfig';
import { EventBatcher } from './eventBatcher';
import { connectToParent } from './parentChannel';
import { EVENT_BATCH_MS, toJobMessageSchema } from './protocol';
import type { JobSpec } from './protocol';

const parent = connectToParent();
let cancelRequested = false;
let commands: OperatorCommand[] = [];
let started = false;

async function run(spec: JobSpec): Promise<void> {
  const store = ExperimentStore.open(spec.dir);
  const batcher = new EventBatcher(
    { persist: (events) => store.appendEvents(events), publish: (events) => parent.send({ type: 'events', events }) },
    EVENT_BATCH_MS,
  );
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
    store.update({ status: 'running', backend: backend.chosen });
    batcher.emit({ type: 'status', status: 'running', backend: backend.chosen });
    for (const attempt of backend.attempts.filter((a) => !a.ok)) {
      batcher.emit({ type: 'log', level: 'info', message: `backend ${attempt.name} skipped: ${attempt.reason}` });
    }
    const summary = await runnerFor(config.method)({
      config,
      dir: spec.dir,
      backend,
      emit: (event) => batcher.emit(event),
      cancelled: () => cancelRequested,
      takeCommands: () => {
        const taken = commands;
        commands = [];
        return taken;
      },
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
  setTimeout(() => process.exit(1), 10_000).unref();
});

parent.onMessage((raw) => {
  const parsed = toJobMessageSchema.safeParse(raw);
  if (!parsed.success) return; // Not ours: the supervisor only sends these two messages.
  const message = parsed.data;
  if (message.type === 'cancel') {
    cancelRequested = true;
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
