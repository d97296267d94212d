/** Parses an optional whole-number form field; empty means "use the default". */

export type ParsedField = { ok: true; value: number | undefined } | { ok: false; error: string };

/**
 * @param text what the user typed
 * @param min smallest allowed value, @param max largest allowed value
 */
export function parseOptionalInteger(text: string, min: number, max: number): ParsedField {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: undefined };
  if (!/^-?\d+$/.test(trimmed)) return { ok: false, error: 'Enter a whole number.' };
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return { ok: false, error: `Enter a whole number from ${min} to ${max.toLocaleString('en-US')}.` };
  }
  return { ok: true, value };
}

/** The limits of `jobs.start` (shared/ipc/contract.ts). */
export const EPOCHS_RANGE = { min: 1, max: 10_000 } as const;
export const SEED_RANGE = { min: 0, max: Number.MAX_SAFE_INTEGER } as const;
/** `maxTrainImages` of `jobs.start`: a positive whole number (the dataset caps it further). */
export const MAX_TRAIN_IMAGES_RANGE = { min: 1, max: 10_000_000 } as const;
