/**
 * Learning-rate schedules as pure functions of the training position.
 *
 * The position `t` is measured in (fractional) epochs from the schedule's start: an integer
 * epoch index for per-epoch stepping, `epoch + step / stepsPerEpoch` for per-step stepping
 * (see {@link trainingPosition}). Working in epochs keeps one unit for both granularities: the
 * ratio t / T is the same whether T counts epochs or iterations.
 *
 * - cosine: PyTorch `CosineAnnealingLR`, lr(t) = lrMin + (lr - lrMin)(1 + cos(pi t / T)) / 2.
 *   `granularity: 'epoch'` floors t, which is PyTorch stepping the scheduler once per epoch
 *   (GM-NAS train_search.py); `'step'` uses the fractional position, which is AutoDL's per-
 *   iteration `update(epoch, step / len)` used by NB201 supernet training (a smooth curve).
 *   Past T the value stays at lrMin (PyTorch's closed form would rise again; we never train
 *   past T, and a resume must not jump the lr up).
 * - linear: ABS (ALGORITHMS.md A4): lr(t) = lr * (1 - t / D) with D = T / (1 - lrMin / lr), so
 *   it reaches lrMin exactly at t = T; ABS stops stepping there, hence max(lrMin, ...).
 * - constant: lr.
 *
 * Schedules are registered by name (STYLE.md convention 6); configs are validated with zod.
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';

const granularity = z.enum(['epoch', 'step']).default('step');
const lrBounds = (c: { lr: number; lrMin: number }): boolean => c.lrMin <= c.lr;
const lrBoundsMessage = { message: 'lrMin must not exceed lr', path: ['lrMin'] };

export const cosineScheduleSchema = z
  .object({ kind: z.literal('cosine'), lr: z.number().positive(), lrMin: z.number().nonnegative(), granularity })
  .refine(lrBounds, lrBoundsMessage);
export const linearScheduleSchema = z
  .object({ kind: z.literal('linear'), lr: z.number().positive(), lrMin: z.number().nonnegative(), granularity })
  .refine(lrBounds, lrBoundsMessage);
export const constantScheduleSchema = z.object({ kind: z.literal('constant'), lr: z.number().positive() });

/** Every built-in schedule config: `{kind:'cosine', lr, lrMin, granularity?}`, ... */
export const scheduleConfigSchema = z.union([cosineScheduleSchema, linearScheduleSchema, constantScheduleSchema]);
export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>;
export type CosineScheduleConfig = z.infer<typeof cosineScheduleSchema>;
export type LinearScheduleConfig = z.infer<typeof linearScheduleSchema>;

/** Where the schedule runs: `epochs` = T, and the epoch at which t = 0 (for B5 restarts). */
export interface ScheduleHorizon {
  readonly epochs: number;
  readonly startEpoch?: number;
}

/** A learning rate as a function of the absolute fractional epoch. */
export interface LrSchedule {
  readonly kind: string;
  /** The learning rate to use for the step taken at absolute fractional epoch `epoch`. */
  lrAt(epoch: number): number;
}

/** Cosine annealing (PyTorch CosineAnnealingLR closed form), clamped to lrMin past T. */
export function cosineLr(t: number, T: number, lr: number, lrMin: number): number {
  if (t >= T) return lrMin;
  return lrMin + ((lr - lrMin) * (1 + Math.cos((Math.PI * Math.max(0, t)) / T))) / 2;
}

/** ABS linear decay: lr (1 - t / D), D = T / (1 - lrMin / lr), stopping at lrMin. */
export function linearLr(t: number, T: number, lr: number, lrMin: number): number {
  if (lrMin >= lr) return lr;
  const delta = T / (1 - lrMin / lr);
  return Math.max(lrMin, lr * (1 - Math.max(0, t) / delta));
}

/** The position for step `step` of epoch `epoch` when an epoch has `stepsPerEpoch` steps. */
export function trainingPosition(epoch: number, step: number, stepsPerEpoch: number): number {
  return epoch + step / stepsPerEpoch;
}

type ScheduleFactory = (config: ScheduleConfig, horizon: ScheduleHorizon) => LrSchedule;
interface ScheduleEntry {
  readonly schema: z.ZodType<ScheduleConfig>;
  readonly create: ScheduleFactory;
}

const registry = new Map<string, ScheduleEntry>();

/** Registers a schedule under a unique snake_case kind; duplicates are a programming error. */
export function registerSchedule(kind: string, schema: z.ZodType<ScheduleConfig>, create: ScheduleFactory): void {
  if (registry.has(kind)) throw new Error(`LR schedule '${kind}' is already registered`);
  registry.set(kind, { schema, create });
}

/** The registered kinds, in registration order. */
export function scheduleKinds(): string[] {
  return [...registry.keys()];
}

function relative(horizon: ScheduleHorizon, epoch: number, floor: boolean): number {
  const t = epoch - (horizon.startEpoch ?? 0);
  return floor ? Math.floor(t) : t;
}

registerSchedule('cosine', cosineScheduleSchema, (config, horizon) => {
  const c = config as CosineScheduleConfig;
  return { kind: 'cosine', lrAt: (e) => cosineLr(relative(horizon, e, c.granularity === 'epoch'), horizon.epochs, c.lr, c.lrMin) };
});
registerSchedule('linear', linearScheduleSchema, (config, horizon) => {
  const c = config as LinearScheduleConfig;
  return { kind: 'linear', lrAt: (e) => linearLr(relative(horizon, e, c.granularity === 'epoch'), horizon.epochs, c.lr, c.lrMin) };
});
registerSchedule('constant', constantScheduleSchema, (config) => ({ kind: 'constant', lrAt: () => config.lr }));

/**
 * Validates `raw` against the schema of the schedule its `kind` names. Throws NasError
 * INVALID_CONFIG naming the kind or the bad field.
 */
export function parseScheduleConfig(raw: unknown): ScheduleConfig {
  const kind = (raw as { kind?: unknown } | null)?.kind;
  const entry = typeof kind === 'string' ? registry.get(kind) : undefined;
  if (!entry) {
    throw new NasError('INVALID_CONFIG', `Unknown learning-rate schedule '${String(kind)}'.`, { fix: `Use one of: ${scheduleKinds().join(', ')}.` });
  }
  const parsed = entry.schema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'schedule'}: ${i.message}`).join('; ');
    throw new NasError('INVALID_CONFIG', `Invalid '${kind}' learning-rate schedule: ${why}.`, { fix: 'Give lr > 0 and 0 <= lrMin <= lr.' });
  }
  return parsed.data;
}

/** Builds the schedule for a (raw or parsed) config over `horizon.epochs` epochs. */
export function createSchedule(raw: unknown, horizon: ScheduleHorizon): LrSchedule {
  const config = parseScheduleConfig(raw);
  if (!(horizon.epochs > 0) || !Number.isFinite(horizon.epochs)) {
    throw new NasError('INVALID_CONFIG', `A learning-rate schedule needs a positive number of epochs, got ${horizon.epochs}.`, { fix: 'Set epochs to at least 1.' });
  }
  return (registry.get(config.kind) as ScheduleEntry).create(config, horizon);
}
