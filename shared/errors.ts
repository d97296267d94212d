/**
 * The error shape that crosses every process boundary (job -> host -> renderer).
 *
 * Electron forwards only `message` of a thrown Error through `ipcMain.handle`, so errors are
 * serialised on purpose into `{ code, message, fix, details }`: `code` is stable and machine
 * readable, `message` names the problem, `fix` tells the user what to do about it.
 */
import { z } from 'zod';

export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'UNKNOWN_PRESET',
  'UNKNOWN_JOB',
  'INVALID_CONFIG',
  'DATASET_MISSING',
  'DATASET_CORRUPT',
  'JOB_CRASHED',
  'JOB_CANCELLED',
  'NAN_LOSS',
  'BACKEND_UNAVAILABLE',
  'STORE_IO',
  /** Another live job writes that experiment directory (its job.lock names the owner). */
  'EXPERIMENT_LOCKED',
  'UNAUTHORIZED',
  /** Client side only: the transport is not connected to a host. */
  'NOT_CONNECTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const nasErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  fix: z.string().optional(),
  details: z.unknown().optional(),
});

/** Plain-data form of a {@link NasError}; safe to JSON-encode and send anywhere. */
export type NasErrorData = z.infer<typeof nasErrorSchema>;

/** An error with a stable code, a message naming the problem and a suggested fix. */
export class NasError extends Error {
  readonly code: ErrorCode;
  readonly fix: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { fix?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NasError';
    this.code = code;
    this.fix = options.fix;
    this.details = options.details;
  }

  toData(): NasErrorData {
    const data: NasErrorData = { code: this.code, message: this.message };
    if (this.fix !== undefined) data.fix = this.fix;
    if (this.details !== undefined) data.details = this.details;
    return data;
  }

  static fromData(data: NasErrorData): NasError {
    return new NasError(data.code, data.message, { fix: data.fix, details: data.details });
  }
}

/** Converts anything thrown into the wire shape; unknown errors become INTERNAL. */
export function toErrorData(error: unknown): NasErrorData {
  if (error instanceof NasError) return error.toData();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message, fix: 'This is a bug in NAS Shrink Studio; please report it with the experiment directory.' };
}

/** One line for a terminal: the message, then the fix. */
export function formatError(data: NasErrorData): string {
  return data.fix ? `${data.message} Fix: ${data.fix}` : data.message;
}
