/**
 * The error the renderer's API layer throws: a stable code, a message naming the problem and a
 * fix telling the user what to do. Host errors arrive as NasErrorData ({@link nasErrorSchema});
 * transport problems (no connection) get client-side codes that never cross the wire.
 */
import { nasErrorSchema, type ErrorCode, type NasErrorData } from '../../../shared/errors';

/** Codes the renderer produces itself, for failures of the transport rather than of the host. */
export type ClientErrorCode = 'NOT_CONNECTED';

/** What the UI shows for any failure: see components/ErrorNotice.vue. */
export interface DisplayError {
  code: ErrorCode | ClientErrorCode;
  message: string;
  fix?: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  readonly fix: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode | ClientErrorCode, message: string, options: { fix?: string; details?: unknown } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.fix = options.fix;
    this.details = options.details;
  }

  /** Rebuilds an error sent by the host. */
  static fromData(data: NasErrorData): ApiError {
    return new ApiError(data.code, data.message, { fix: data.fix, details: data.details });
  }
}

/**
 * Turns anything thrown or passed to `onEnd` into what the UI shows. Accepts ApiError, NasError
 * (same fields), plain NasErrorData (as a preload may reject with) and any other Error or value.
 */
export function toDisplayError(error: unknown): DisplayError {
  if (error instanceof ApiError) return withFix(error.code, error.message, error.fix);
  const parsed = nasErrorSchema.safeParse(error);
  if (parsed.success) return withFix(parsed.data.code, parsed.data.message, parsed.data.fix);
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

function withFix(code: DisplayError['code'], message: string, fix: string | undefined): DisplayError {
  return fix === undefined ? { code, message } : { code, message, fix };
}
