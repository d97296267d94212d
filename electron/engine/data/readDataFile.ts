/**
 * Reads a dataset file, gunzipping it when its first bytes are the gzip magic (1f 8b).
 *
 * The magic decides, not the name: mirrors and manual downloads often leave a `.gz` name on an
 * already-decompressed file (browsers transparently decompress) or the other way round.
 */
import * as fs from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import { NasError } from '../../../shared/errors';

const gunzip = promisify(zlib.gunzip);

/** True when `bytes` starts with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The contents of `file`, decompressed if gzipped.
 * @throws NasError DATASET_MISSING if the file cannot be read, DATASET_CORRUPT if its gzip stream is broken.
 */
export async function readDataFile(file: string): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await fs.readFile(file);
  } catch (error) {
    throw new NasError('DATASET_MISSING', `Cannot read dataset file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {
      fix: 'Check the path and that the file is readable.',
      cause: error,
    });
  }
  if (!isGzip(raw)) return raw;
  try {
    return await gunzip(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NasError('DATASET_CORRUPT', `${file}: expected a complete gzip stream (it starts with the gzip magic 1f 8b), but decompression failed: ${reason}.`, {
      fix: 'The download is probably incomplete; download the file again.',
      cause: error,
    });
  }
}
