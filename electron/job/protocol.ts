/**
 * Messages between the host (job supervisor) and a job process. Both sides parse what they
 * receive: the job process may be an older build, or may die halfway through a message.
 */
import { z } from 'zod';
import { nasErrorSchema } from '../../shared/errors';
import { JOB_STATUSES, jobEventSchema, operatorCommandSchema } from '../../shared/model/job';
import { BACKEND_NAMES, backendReportSchema } from '../../shared/model/environment';

/** Everything a job process needs to run one experiment. */
export const jobSpecSchema = z.object({
  jobId: z.string().min(1),
  /** The experiment directory, created by the host before the job starts. */
  dir: z.string().min(1),
  /** The resolved experiment config; the job validates it again (experimentConfigSchema). */
  config: z.unknown(),
  backend: z.enum(BACKEND_NAMES).optional(),
  /** Continue an interrupted run from its newest valid checkpoint (`nas-shrink resume`). */
  resume: z.boolean().optional(),
  /** The pid that holds the directory's lock for this job (the host); the job takes it over. */
  lockHolder: z.number().int().positive().optional(),
  /** Warnings of the host about this start (a stale lock taken over), recorded as log events. */
  notices: z.array(z.string()).optional(),
});
export type JobSpec = z.infer<typeof jobSpecSchema>;

export const toJobMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), spec: jobSpecSchema }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('command'), command: operatorCommandSchema }),
  /** Pause (true) at the next training step, or continue (false) in the same process. */
  z.object({ type: z.literal('pause'), paused: z.boolean() }),
]);
export type ToJobMessage = z.infer<typeof toJobMessageSchema>;

export const fromJobMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('events'), events: z.array(jobEventSchema) }),
  z.object({ type: z.literal('done'), status: z.enum(JOB_STATUSES), error: nasErrorSchema.nullable() }),
  /** The answer of a backend probe (electron/job/probeMain.ts). */
  z.object({ type: z.literal('backend'), report: backendReportSchema.nullable(), error: nasErrorSchema.nullable() }),
]);
export type FromJobMessage = z.infer<typeof fromJobMessageSchema>;

/** How long a job has to stop after a cancel message before it is killed. */
export const CANCEL_GRACE_MS = 5_000;
/** How often a job flushes its events to the host (DESIGN.md: about every 250 ms). */
export const EVENT_BATCH_MS = 250;
