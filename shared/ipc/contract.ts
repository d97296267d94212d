/**
 * The IPC contract: every channel declared once, with zod schemas for what crosses it.
 *
 * Two shapes only (as VS Code's IChannel has `call` and `listen`):
 * - `invoke`: one request, one response;
 * - `subscribe`: one request, then a stream of events until unsubscribe or the stream ends.
 *
 * Both transports (Electron preload and the `serve` WebSocket) carry exactly this contract;
 * the host parses every request with these schemas before acting on it.
 */
import { z } from 'zod';
import { environmentSchema } from '../model/environment';
import { JOB_EVENT_TYPES, experimentDetailSchema, experimentEventsSchema, experimentSummarySchema, jobEventSchema, jobSummarySchema, operatorCommandSchema, presetSummarySchema } from '../model/job';
import { truthSourceSchema, truthTableSchema } from '../model/truth';
import { draftDefaultsByMethodSchema, draftValidationSchema, experimentDraftSchema } from '../model/experimentDraft';

const jobIdSchema = z.object({ jobId: z.string().min(1).max(100) });

export const invokeChannels = {
  /** The environment of the host process: backend, devices, versions. */
  'env.get': { request: z.object({}).strict(), response: environmentSchema },
  /** The built-in presets. */
  'presets.list': { request: z.object({}).strict(), response: z.array(presetSummarySchema) },
  /** Starts a job for a preset; returns at once with its id. */
  'jobs.start': {
    request: z
      .object({
        preset: z.string().min(1).max(100),
        epochs: z.number().int().positive().max(10_000).optional(),
        seed: z.number().int().nonnegative().optional(),
        maxTrainImages: z.number().int().positive().optional(),
      })
      .strict(),
    response: jobSummarySchema,
  },
  /** Asks a job to stop: a message first, a kill after the grace period. */
  'jobs.cancel': { request: jobIdSchema.strict(), response: jobSummarySchema },
  /**
   * Pauses a running job at its next training step (`paused: true`) or lets it continue in the
   * same process (`false`); it answers with `paused` / `continued` events. Speed and time remaining
   * exclude the paused time.
   */
  'jobs.pause': { request: z.object({ jobId: z.string().min(1).max(100), paused: z.boolean() }).strict(), response: jobSummarySchema },
  /** Sends a lock, force-drop or undo to a running job; it answers in a `command` event. */
  'jobs.command': { request: z.object({ jobId: z.string().min(1).max(100), command: operatorCommandSchema }).strict(), response: jobSummarySchema },
  /**
   * Continues an interrupted experiment of the workspace (killed, crashed, failed, cancelled)
   * from its newest valid checkpoint in a new job process; returns at once with the job.
   */
  'jobs.resume': { request: z.object({ id: z.string().min(1).max(200) }).strict(), response: jobSummarySchema },
  /** Jobs started by this host, running or ended. */
  'jobs.list': { request: z.object({}).strict(), response: z.array(jobSummarySchema) },
  /** One experiment directory read from disk (running or finished, from this or another machine). */
  'experiments.open': { request: z.object({ id: z.string().min(1).max(200) }).strict(), response: experimentDetailSchema },
  /**
   * Every event of one experiment directory as the run recorded it once (a resume's superseded
   * events left out, nothing thinned), optionally only some types: for exports that need every
   * value, e.g. the curves CSV (experiments.open sends a display stream).
   */
  'experiments.events': {
    request: z.object({ id: z.string().min(1).max(200), types: z.array(z.enum(JOB_EVENT_TYPES)).min(1).optional() }).strict(),
    response: experimentEventsSchema,
  },
  /** Experiment directories in the workspace. */
  'experiments.list': { request: z.object({}).strict(), response: z.array(experimentSummarySchema) },
  /** The New experiment form's starting values per method (each method's preset recipe in the form's fields). */
  'drafts.defaults': { request: z.object({}).strict(), response: draftDefaultsByMethodSchema },
  /**
   * A ground-truth table to rank the runs against: a ground-truth experiment of the workspace
   * or an absolute path of a .csv file on the host (checked: a regular .csv file, size-capped).
   */
  'truth.read': { request: z.object({ source: truthSourceSchema }).strict(), response: truthTableSchema },
  /** Checks an experiment built in the form (dataset path included): one message per field, the space size, a summary. */
  'drafts.validate': { request: z.object({ draft: experimentDraftSchema }).strict(), response: draftValidationSchema },
  /** Starts an experiment built in the form; refused with INVALID_CONFIG (details per field) when drafts.validate would fail. */
  'drafts.start': { request: z.object({ draft: experimentDraftSchema }).strict(), response: jobSummarySchema },
} as const;

export const subscribeChannels = {
  /** A job's events: first everything so far, then new ones in batches (about every 250 ms). */
  'jobs.events': { request: jobIdSchema.strict(), event: z.array(jobEventSchema) },
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type SubscribeChannel = keyof typeof subscribeChannels;
export type Channel = InvokeChannel | SubscribeChannel;

export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['response']>;
export type SubscribeRequest<C extends SubscribeChannel> = z.input<(typeof subscribeChannels)[C]['request']>;
export type SubscribeEvent<C extends SubscribeChannel> = z.infer<(typeof subscribeChannels)[C]['event']>;

export const INVOKE_CHANNELS = Object.keys(invokeChannels) as InvokeChannel[];
export const SUBSCRIBE_CHANNELS = Object.keys(subscribeChannels) as SubscribeChannel[];

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(invokeChannels, name);
}

export function isSubscribeChannel(name: unknown): name is SubscribeChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(subscribeChannels, name);
}

/** The API every transport offers the renderer: `window.nas` in Electron, a WebSocket client in a browser. */
export interface NasApi {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  /** Returns the function that unsubscribes. `onEnd` runs when the stream ends or fails. */
  subscribe<C extends SubscribeChannel>(
    channel: C,
    request: SubscribeRequest<C>,
    onEvent: (event: SubscribeEvent<C>) => void,
    onEnd?: (error?: import('../errors').NasErrorData) => void,
  ): () => void;
}
