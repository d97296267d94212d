/**
 * Jobs and their events: what a running experiment streams to every viewer.
 * Events are plain data, appended to events.jsonl and sent in batches (see DESIGN.md).
 */
import { z } from 'zod';
import { nasErrorSchema } from '../errors';
import { splitCertaintySchema, subSupernetTreeSchema } from './splitTree';
import { tauRecordSchema } from './tau';

export const JOB_STATUSES = ['queued', 'running', 'finished', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const base = { seq: z.number().int().nonnegative(), time: z.number() };

/** An operator a shrink step removed: by its score, or because the user force-dropped it. */
export const droppedOperatorSchema = z.object({
  key: z.string(),
  choiceId: z.string(),
  op: z.string(),
  score: z.number().nullable(),
  reason: z.enum(['score', 'user']),
});

/**
 * What the user can ask a running search to do with one operator (`choice:op` key). Applied at
 * the job's next shrink step; `undo` withdraws a lock or force-drop not yet applied.
 */
export const operatorCommandSchema = z.object({
  kind: z.enum(['lock', 'force-drop', 'undo']),
  key: z.string().min(3).max(200),
});
export type OperatorCommand = z.infer<typeof operatorCommandSchema>;

export const jobEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('status'), status: z.enum(JOB_STATUSES), backend: z.string().optional() }),
  z.object({ ...base, type: z.literal('log'), level: z.enum(['info', 'warn']), message: z.string() }),
  z.object({
    ...base,
    type: z.literal('progress'),
    phase: z.string(),
    epoch: z.number().int(),
    epochs: z.number().int(),
    step: z.number().int(),
    steps: z.number().int(),
    imagesPerSec: z.number(),
    etaSec: z.number().nullable(),
  }),
  z.object({
    ...base,
    type: z.literal('metric'),
    split: z.enum(['train', 'val', 'test']),
    epoch: z.number(),
    step: z.number().int(),
    loss: z.number(),
    accuracy: z.number(),
    /** GM-NAS / few-shot: the sub-supernet (tree node id) this metric belongs to; absent for one-network runs. */
    node: z.number().int().nonnegative().optional(),
    /**
     * Only in a display stream (experiments.open, shared/model/displayEvents.ts): this point is
     * the mean of `points` consecutive recorded metric events of its series. Absent: one event.
     */
    points: z.number().int().positive().optional(),
  }),
  z.object({ ...base, type: z.literal('error'), error: nasErrorSchema }),
  /** One ABS shrink step: every operator's score, what was dropped and why, the space after it. */
  z.object({
    ...base,
    type: z.literal('shrink'),
    step: z.number().int().positive(),
    epoch: z.number(),
    metric: z.string(),
    scores: z.record(z.string(), z.number()),
    dropped: z.array(droppedOperatorSchema),
    keptLocked: z.array(z.string()),
    sizeBefore: z.number(),
    sizeAfter: z.number(),
    remaining: z.array(z.array(z.string())),
  }),
  /**
   * One GM-NAS / few-shot split (ALGORITHMS.md B5): node `parentId` split on choice `choiceId`
   * into `childIds` (one per group). `candidates` holds every edge scored for this decision
   * (choice id -> the rule's score), empty for exhaustive or predefined splits. `tree` is the
   * whole tree after the split.
   */
  z.object({
    ...base,
    type: z.literal('split'),
    parentId: z.number().int().nonnegative(),
    childIds: z.array(z.number().int().nonnegative()),
    epoch: z.number(),
    choiceId: z.string(),
    /** 'gm' (gradient matching), 'exhaustive' (few-shot), 'random' or 'predefined'. */
    rule: z.string(),
    groups: z.array(z.array(z.string())),
    distance: z.array(z.array(z.number())).nullable(),
    certainty: splitCertaintySchema.nullable(),
    candidates: z.record(z.string(), z.number()),
    tree: subSupernetTreeSchema,
  }),
  /** A user command (lock, force-drop, undo) as the job received and applied it. */
  z.object({ ...base, type: z.literal('command'), command: operatorCommandSchema, accepted: z.boolean(), message: z.string() }),
  z.object({ ...base, type: z.literal('result'), summary: z.record(z.string(), z.unknown()) }),
  /** The job stopped at a training step boundary on the user's request; nothing is lost. */
  z.object({ ...base, type: z.literal('paused') }),
  /** The job continues in the same process after a pause of `pausedSec` (0: continued before it reached a step boundary). */
  z.object({ ...base, type: z.literal('continued'), pausedSec: z.number().nonnegative() }),
  /**
   * The first event of a resumed job (ADR 0008): it continues from `checkpoint` (null: none was
   * usable, the run starts again), written after `epoch` epochs and `step` optimizer steps.
   * The events numbered from `redoFrom` up to this one were recorded after that checkpoint by
   * the interrupted run; the resumed run records that work again, so readers drop them
   * (shared/model/supersededEvents.ts). null: nothing is superseded (a method that continues
   * from its own files, or a checkpoint from a version that did not count events).
   */
  z.object({
    ...base,
    type: z.literal('resumed'),
    checkpoint: z.string().nullable(),
    epoch: z.number().int().nonnegative(),
    step: z.number().int().nonnegative(),
    redoFrom: z.number().int().nonnegative().nullable(),
  }),
]);
export type JobEvent = z.infer<typeof jobEventSchema>;
/** Every event type, for requests that pick some. */
export const JOB_EVENT_TYPES = ['status', 'log', 'progress', 'metric', 'error', 'shrink', 'split', 'command', 'result', 'resumed', 'paused', 'continued'] as const satisfies readonly JobEvent['type'][];
/** An event before the job numbers and timestamps it. */
export type JobEventInput = JobEvent extends infer E ? (E extends JobEvent ? Omit<E, 'seq' | 'time'> : never) : never;

export const jobSummarySchema = z.object({
  jobId: z.string(),
  preset: z.string(),
  dir: z.string(),
  status: z.enum(JOB_STATUSES),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  error: nasErrorSchema.nullable(),
  /** True while the job is paused (its loop held at a step boundary); absent from older hosts. */
  paused: z.boolean().optional(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export const presetSummarySchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  method: z.string(),
  dataset: z.string(),
  epochs: z.number().int(),
});
export type PresetSummary = z.infer<typeof presetSummarySchema>;

export const experimentSummarySchema = z.object({
  id: z.string(),
  dir: z.string(),
  preset: z.string(),
  status: z.enum(JOB_STATUSES),
  created: z.number(),
  finalAccuracy: z.number().nullable(),
  /** The config's method (abs, supernet, cnn, …); absent from older hosts. */
  method: z.string().nullable().optional(),
  /** Best validation accuracy the run reported (ABS: of the searched architectures); absent from older hosts. */
  bestValAccuracy: z.number().nullable().optional(),
});
export type ExperimentSummary = z.infer<typeof experimentSummarySchema>;

/** One experiment directory opened read-only (no job process needed): everything the UI shows. */
export const experimentDetailSchema = z.object({
  id: z.string(),
  dir: z.string(),
  preset: z.string(),
  status: z.enum(JOB_STATUSES),
  created: z.number(),
  config: z.record(z.string(), z.unknown()),
  backend: z.string().nullable(),
  error: nasErrorSchema.nullable(),
  summary: z.record(z.string(), z.unknown()).nullable(),
  /**
   * The events to show, in order: every readable line of events.jsonl except those a resume
   * superseded, thinned for display (shared/model/displayEvents.ts: only the last progress
   * event, long metric series as bucket means). `experiments.events` has them all.
   */
  events: z.array(jobEventSchema),
  /** How `events` was made from the file; absent from older hosts (which sent every line). */
  eventCounts: z
    .object({
      /** Readable lines of events.jsonl. */
      recorded: z.number().int().nonnegative(),
      /** Of those, left out because a resume did their work again (ADR 0008). */
      superseded: z.number().int().nonnegative(),
      /** Progress events left out (only the last is sent). */
      progressDropped: z.number().int().nonnegative(),
      /** Metric events merged into the bucket means sent instead. */
      metricMerged: z.number().int().nonnegative(),
    })
    .optional(),
  /** Line numbers of events.jsonl that could not be read (a crash mid-write). */
  skippedLines: z.array(z.number()),
  /** space.json (ABS): the choices, the current state and the shrink history; null when absent. */
  space: z.record(z.string(), z.unknown()).nullable(),
  /** results.json: the final summary; null when absent. */
  results: z.record(z.string(), z.unknown()).nullable(),
  /** tau-<checkpoint>.json files (`nas-shrink tau`), by checkpoint; absent in older hosts. */
  tau: z.array(tauRecordSchema).optional(),
  /**
   * True when `jobs.resume` can continue it: not finished, its method resumes, and no live job
   * holds its folder. Absent from hosts older than resume.
   */
  resumable: z.boolean().optional(),
});
export type ExperimentDetail = z.infer<typeof experimentDetailSchema>;

/** The reply to `experiments.events`: the run's events, a resume's superseded ones left out. */
export const experimentEventsSchema = z.object({
  id: z.string(),
  events: z.array(jobEventSchema),
  /** Line numbers of events.jsonl that could not be read. */
  skippedLines: z.array(z.number()),
  /** Events left out because a resume did their work again. */
  superseded: z.number().int().nonnegative(),
});
export type ExperimentEvents = z.infer<typeof experimentEventsSchema>;
