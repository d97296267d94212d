/**
 * What a viewer knows about one job, built from its event stream (shared/model/job.ts).
 *
 * The stream starts with everything so far and is replayed from the start after a reconnect,
 * so events are applied in `seq` order and any `seq` already seen is ignored.
 */
import type { JobEvent, JobStatus } from '../../../shared/model/job';
import type { NasErrorData } from '../../../shared/errors';
import { DISPLAY_MAX_POINTS } from '../../../shared/model/displayEvents';
import { DownsampledSeries } from './downsampledSeries';

export type MetricSplit = 'train' | 'val' | 'test';
export type ProgressEvent = Extract<JobEvent, { type: 'progress' }>;
export type LogEvent = Extract<JobEvent, { type: 'log' }>;
export type ShrinkEvent = Extract<JobEvent, { type: 'shrink' }>;
export type CommandEvent = Extract<JobEvent, { type: 'command' }>;
export type SplitEvent = Extract<JobEvent, { type: 'split' }>;

/** Loss and accuracy against epoch, for one split. */
export interface SplitSeries {
  loss: DownsampledSeries;
  accuracy: DownsampledSeries;
}

export interface JobTimeline {
  /** Latest status from a `status` event; null until the first one. */
  status: JobStatus | null;
  backend: string | null;
  progress: ProgressEvent | null;
  /** Only splits that have had a metric event without a `node`. Not reactive: watch `revision`. */
  metrics: Partial<Record<MetricSplit, SplitSeries>>;
  /**
   * GM-NAS / few-shot: metric events that name a sub-supernet (`node`), per node. Kept apart
   * from `metrics`: the sub-supernets train one after another, and one line through all of them
   * would zigzag between unrelated networks. Not reactive: watch `revision`.
   */
  nodeMetrics: Record<number, Partial<Record<MetricSplit, SplitSeries>>>;
  errors: NasErrorData[];
  /** The last {@link MAX_LOGS} log lines. */
  logs: LogEvent[];
  result: Record<string, unknown> | null;
  /** ABS shrink steps, in order (small: one per step). */
  shrinks: ShrinkEvent[];
  /** The job's answers to operator commands (lock, force-drop, undo), in order. */
  commands: CommandEvent[];
  /** GM-NAS / few-shot splits, in order (small: one per split). */
  splits: SplitEvent[];
  /** True while the job is paused at a step boundary (`paused` until `continued` or the end). */
  paused: boolean;
  /** Seconds paused so far (completed pauses; the viewer adds the current one). */
  pausedSec: number;
  /** Highest `seq` applied; -1 before the first event. */
  lastSeq: number;
  /** Bumped whenever an applied batch changed anything. */
  revision: number;
}

export const MAX_LOGS = 200;

export function createTimeline(): JobTimeline {
  return { status: null, backend: null, progress: null, metrics: {}, nodeMetrics: {}, errors: [], logs: [], result: null, shrinks: [], commands: [], splits: [], paused: false, pausedSec: 0, lastSeq: -1, revision: 0 };
}

/**
 * Applies a batch of events in place; returns how many were new.
 * @param maxPoints cap per series (see DownsampledSeries).
 */
export function applyJobEvents(timeline: JobTimeline, batch: readonly JobEvent[], maxPoints = DISPLAY_MAX_POINTS): number {
  let applied = 0;
  const ordered = [...batch].sort((a, b) => a.seq - b.seq);
  for (const event of ordered) {
    if (event.seq <= timeline.lastSeq) continue;
    applyOne(timeline, event, maxPoints);
    timeline.lastSeq = event.seq;
    applied += 1;
  }
  if (applied > 0) timeline.revision += 1;
  return applied;
}

function applyOne(timeline: JobTimeline, event: JobEvent, maxPoints: number): void {
  switch (event.type) {
    case 'status':
      timeline.status = event.status;
      if (event.status !== 'running' && event.status !== 'queued') timeline.paused = false;
      if (event.backend !== undefined) timeline.backend = event.backend;
      return;
    case 'progress':
      timeline.progress = event;
      return;
    case 'metric': {
      const target = event.node === undefined ? timeline.metrics : (timeline.nodeMetrics[event.node] ??= {});
      const series = (target[event.split] ??= {
        loss: new DownsampledSeries(maxPoints),
        accuracy: new DownsampledSeries(maxPoints),
      });
      series.loss.push(event.epoch, event.loss, event.points);
      series.accuracy.push(event.epoch, event.accuracy, event.points);
      return;
    }
    case 'error':
      timeline.errors.push(event.error);
      return;
    case 'log':
      timeline.logs.push(event);
      if (timeline.logs.length > MAX_LOGS) timeline.logs.splice(0, timeline.logs.length - MAX_LOGS);
      return;
    case 'result':
      timeline.result = event.summary;
      return;
    case 'shrink':
      timeline.shrinks.push(event);
      return;
    case 'command':
      timeline.commands.push(event);
      return;
    case 'split':
      timeline.splits.push(event);
      return;
    case 'paused':
      timeline.paused = true;
      return;
    case 'continued':
      timeline.paused = false;
      timeline.pausedSec += event.pausedSec;
      return;
    case 'resumed':
      // Nothing to undo here: experiments.open leaves the events a resume superseded out
      // (shared/model/supersededEvents.ts), and a resumed job's live stream holds only its own
      // events. The job's log line says where it resumed.
      return;
  }
}

/**
 * Fraction done in [0, 1] from a progress event. Epochs are counted from 1 (epoch e of E is
 * running, step s of S within it), so epoch 1 step 0 is 0 and epoch E step S is 1.
 */
export function progressFraction(progress: ProgressEvent | null, status: JobStatus | null): number {
  if (status === 'finished') return 1;
  if (!progress || progress.epochs <= 0) return 0;
  const within = progress.steps > 0 ? progress.step / progress.steps : 0;
  const done = (Math.max(progress.epoch, 1) - 1 + within) / progress.epochs;
  return Math.min(1, Math.max(0, done));
}
