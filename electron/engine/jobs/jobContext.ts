/**
 * What a running job gets from its process: where to write, how to report, whether to stop.
 * Runners (cnnRunner, later ABS and GM-NAS) depend on this interface only, so they run the
 * same in a job process, in the CLI and in tests.
 */
import type { JobEventInput, OperatorCommand } from '../../../shared/model/job';
import type { BackendReport } from '../../../shared/model/environment';
import type { ExperimentConfig } from '../config/experimentConfig';
import type { LoadedCheckpoint } from '../store/checkpoint';

export interface JobContext {
  /** The validated config, overrides applied (as recorded in experiment.json). */
  readonly config: ExperimentConfig;
  /** The experiment directory (already holding experiment.json). */
  readonly dir: string;
  readonly backend: BackendReport;
  /** Records an event: appended to events.jsonl and streamed to viewers. */
  emit(event: JobEventInput): void;
  /**
   * Writes every event emitted so far to events.jsonl (flushed) and returns how many the run
   * has recorded, i.e. the `seq` the next event gets. A checkpoint stores it (meta.events) so
   * that a resume from it knows which events it supersedes (ADR 0008), and so that no event the
   * checkpoint covers is still in memory when the process dies. Absent outside a job process.
   */
  syncEvents?(): number;
  /** True once the user asked to cancel; runners check it between steps and return early. */
  cancelled(): boolean;
  /** User commands received since the last call (lock, force-drop, undo), oldest first. */
  takeCommands(): OperatorCommand[];
  /**
   * Resolves at once unless the user paused the job; then when it is resumed or cancelled.
   * Training loops await it at every step boundary ({@link stepBoundary}). Absent: never paused.
   */
  readonly untilResumed?: () => Promise<void>;
  /**
   * The job's clock in milliseconds: wall time less the time it was paused (jobs/pauseGate.ts).
   * Speed, time remaining and training time are measured with it ({@link jobNow}). Absent: Date.now.
   */
  readonly now?: () => number;
  /**
   * Set when this job continues an interrupted run (`nas-shrink resume`): the newest valid
   * checkpoint the method's ResumeSupport accepts (jobs/resumeSupport.ts). The runner restores
   * its weights, RNGs, sampler, schedule position and own state from it and carries on; work
   * after that checkpoint is done again. Null: resume was asked but no checkpoint exists yet
   * (start from the beginning). Absent: a fresh run.
   */
  readonly resumeFrom?: LoadedCheckpoint | null;
}

/** What a runner returns; stored as experiment.json's `summary` and sent as the `result` event. */
export type JobSummaryData = Record<string, unknown>;

export type JobRunner = (ctx: JobContext) => Promise<JobSummaryData>;

/**
 * Lets the job process handle its messages (cancel, lock, drop) and timers. Training loops call
 * it once per step: tfjs's CPU backends resolve `data()` as a microtask, so without it a loop
 * never yields to the event loop and a cancel message would wait until the run ends.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * What a training loop does between two steps: let messages in (cancel, commands, pause), then
 * wait while the user has the job paused. A cancel releases the wait; callers check
 * `ctx.cancelled()` after it.
 */
export async function stepBoundary(ctx: JobContext): Promise<void> {
  await yieldToEventLoop();
  if (ctx.untilResumed) await ctx.untilResumed();
}

/** The job's active clock in ms (paused time excluded), or the wall clock when the job cannot pause. */
export function jobNow(ctx: JobContext): number {
  return ctx.now ? ctx.now() : Date.now();
}
