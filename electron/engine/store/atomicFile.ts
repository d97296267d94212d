/**
 * Crash-safe file writes: write to a temporary name in the same folder, fsync, rename.
 * A reader never sees a half-written file: it sees the old one or the new one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      if (typeof data === 'string') fs.writeSync(fd, data);
      else fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw storeError(`write ${file}`, error);
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Wraps an fs error into a NasError that names the file and suggests the usual fixes. */
export function storeError(action: string, error: unknown): NasError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = error instanceof Error ? error.message : String(error);
  const fix =
    code === 'ENOSPC'
      ? 'The disk is full: free some space or choose another output folder with --out.'
      : code === 'EACCES' || code === 'EPERM'
        ? 'No permission to write there: choose another output folder with --out.'
        : 'Check that the folder exists and is writable.';
  return new NasError('STORE_IO', `Could not ${action}: ${why}`, { fix, cause: error });
}
