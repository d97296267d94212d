/**
 * Jobs and their events: what a running experiment streams to every viewer.
 * Events are plain data, appended to events.jsonl and sent in batches (see DESIGN.md).
 */
import { z } from 'zod';
import { nasErrorSchema } from '../errors';

export const JOB_STATUSES = ['queued', 'running', 'finished', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const base = { seq: z.number().int().nonnegative(), time: z.number() };

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
  }),
  z.object({ ...base, type: z.literal('error'), error: nasErrorSchema }),
  z.object({ ...base, type: z.literal('result'), summary: z.record(z.string(), z.unknown()) }),
]);
export type JobEvent = z.infer<typeof jobEventSchema>;
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
});
export type ExperimentSummary = z.infer<typeof experimentSummarySchema>;
