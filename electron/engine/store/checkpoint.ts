/**
 * Checkpoints: named arrays plus JSON meta, crash-safe, readable without tfjs.
 *
 * Layout inside an experiment directory:
 *   checkpoints/<label>/tensors.bin     every array's raw little-endian bytes, back to back
 *   checkpoints/<label>/manifest.json   format version, label, created, meta, and per array its
 *                                       name, shape, dtype, offset, byteLength; the data file's
 *                                       size and sha256
 * Writing (saveCheckpoint) goes to a hidden sibling `.tmp-<label>-<nonce>/`: data, then the
 * manifest, each fsynced, then the folder; only then is it renamed to `<label>`. An existing
 * `<label>` is first renamed to `.old-<label>-<nonce>` and deleted after the new one is in place.
 * So a crash leaves either the old or the new checkpoint under the final name, never a half
 * one; in the one window where neither is (between the two renames) listCheckpoints falls back
 * to the complete `.old-` folder. Leftover `.tmp-` folders are never listed.
 * Reading (loadCheckpoint) verifies the manifest's fields, every array's extent and the data
 * file's size and sha256, and throws a NasError STORE_IO that {@link isCorruptCheckpoint}
 * recognises, so callers can fall back to an older checkpoint (latestValidCheckpoint).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { storeError, writeFileAtomic } from './atomicFile';

export const CHECKPOINTS_DIR = 'checkpoints';
export const CHECKPOINT_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const DATA_FILE = 'tensors.bin';

export type CheckpointDtype = 'float32' | 'int32';

/** One array in a checkpoint: row-major data of `shape` (4 bytes per element). */
export interface NamedArray {
  readonly shape: readonly number[];
  readonly dtype: CheckpointDtype;
  readonly data: Float32Array | Int32Array;
}

const rngStateSchema = z.object({ seed: z.number(), state: z.number() });

/** The JSON half of a checkpoint: where training was, RNG states, schedule position, extras. */
export const checkpointMetaSchema = z.object({
  /** Completed epochs (the epoch to resume at). */
  epoch: z.number().int().nonnegative(),
  /** Global optimizer steps taken so far. */
  step: z.number().int().nonnegative(),
  /** SeededRng states by role (sampler, data order, ...). */
  rng: z.record(z.string(), rngStateSchema),
  /** Absolute fractional epoch of the LR schedule and its config, or null without a schedule. */
  schedule: z.object({ position: z.number().nonnegative(), config: z.unknown() }).nullable(),
  /** Anything else (Adam step counts, space state, angle-reference label, ...). */
  extra: z.record(z.string(), z.unknown()),
  /**
   * How many events the run had recorded when this checkpoint was written, all on disk by
   * then (the events numbered below it): a resume from here supersedes the ones from this
   * number on (ADR 0008). Absent in checkpoints written outside a job process or by older
   * versions.
   */
  events: z.number().int().nonnegative().optional(),
});
export type CheckpointMeta = z.infer<typeof checkpointMetaSchema>;

const tensorEntrySchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32']),
  offset: z.number().int().nonnegative(),
  byteLength: z.number().int().nonnegative(),
});

export const checkpointManifestSchema = z.object({
  formatVersion: z.literal(CHECKPOINT_FORMAT_VERSION),
  label: z.string(),
  created: z.number(),
  byteOrder: z.literal('little-endian'),
  dataFile: z.literal(DATA_FILE),
  dataBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tensors: z.array(tensorEntrySchema),
  meta: checkpointMetaSchema,
});
export type CheckpointManifest = z.infer<typeof checkpointManifestSchema>;

export interface LoadedCheckpoint {
  readonly label: string;
  readonly dir: string;
  readonly created: number;
  readonly meta: CheckpointMeta;
  /** Fresh copies, in manifest order. */
  readonly arrays: Record<string, NamedArray>;
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

let lastCreated = 0;
/**
 * Save times strictly increase within a process (a millisecond later than the previous save
 * when two land in the same one), so "the newest checkpoint" that resume picks is well defined:
 * a GM run writes a node checkpoint and, moments later, a progress checkpoint.
 */
function nextCreated(): number {
  lastCreated = Math.max(Date.now(), lastCreated + 1);
  return lastCreated;
}
/** Hidden work folders: `.tmp-<label>-<pid>-<hex>` (being written), `.old-<label>-...` (replaced). */
export const WORK_DIR = /^\.(tmp|old)-(.+)-(\d+)-([0-9a-f]{8})$/;

/** The folder that holds an experiment's checkpoints. */
export function checkpointsRoot(experimentDir: string): string {
  return path.join(experimentDir, CHECKPOINTS_DIR);
}

/** A corrupt or incomplete checkpoint: STORE_IO with `details.corruptCheckpoint`. */
export function isCorruptCheckpoint(error: unknown): error is NasError {
  return error instanceof NasError && error.code === 'STORE_IO' && (error.details as { corruptCheckpoint?: unknown } | undefined)?.corruptCheckpoint !== undefined;
}

function corrupt(dir: string, file: string, why: string): NasError {
  return new NasError('STORE_IO', `Checkpoint ${dir} is unusable: ${file} ${why}.`, {
    fix: 'It was probably cut short by a crash or damaged on disk: resume from an older checkpoint (the newest valid one is chosen automatically), or delete this folder.',
    details: { corruptCheckpoint: dir, file },
  });
}

function requireLittleEndian(): void {
  if (os.endianness() !== 'LE') throw new NasError('STORE_IO', 'Checkpoints are little-endian; this machine is big-endian.', { fix: 'Use a little-endian machine (x86-64, ARM64).' });
}

function fsyncDir(dir: string): void {
  // Makes the renames durable. Windows cannot open a directory for fsync; skip there.
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

function validateArrays(arrays: Readonly<Record<string, NamedArray>>): void {
  for (const [name, a] of Object.entries(arrays)) {
    const size = a.shape.reduce((x, y) => x * y, 1);
    const typeOk = a.dtype === 'float32' ? a.data instanceof Float32Array : a.data instanceof Int32Array;
    if (!typeOk || a.data.length !== size || a.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`saveCheckpoint: '${name}' has shape ${JSON.stringify(a.shape)} / ${a.dtype} but ${a.data.constructor.name}(${a.data.length})`);
    }
  }
}

function writeData(file: string, arrays: Readonly<Record<string, NamedArray>>): { entries: CheckpointManifest['tensors']; bytes: number; sha256: string } {
  const hash = createHash('sha256');
  const entries: CheckpointManifest['tensors'] = [];
  let offset = 0;
  const fd = fs.openSync(file, 'w');
  try {
    for (const [name, a] of Object.entries(arrays)) {
      const bytes = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
      hash.update(bytes);
      for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
      entries.push({ name, shape: [...a.shape], dtype: a.dtype, offset, byteLength: bytes.length });
      offset += bytes.length;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { entries, bytes: offset, sha256: hash.digest('hex') };
}

/**
 * Writes `arrays` and `meta` as checkpoint `label` of the experiment, replacing an older
 * checkpoint of that label only once the new one is complete. Returns the checkpoint folder.
 * The arrays are read, not kept. Throws NasError INVALID_CONFIG for a bad label or meta and
 * STORE_IO when the disk refuses.
 */
export function saveCheckpoint(experimentDir: string, label: string, arrays: Readonly<Record<string, NamedArray>>, meta: CheckpointMeta): string {
  if (!LABEL.test(label)) {
    throw new NasError('INVALID_CONFIG', `Checkpoint label '${label}' is not allowed.`, { fix: 'Use letters, digits, dot, dash or underscore, starting with a letter or digit.' });
  }
  const parsedMeta = checkpointMetaSchema.safeParse(meta);
  if (!parsedMeta.success) throw new NasError('INVALID_CONFIG', `Checkpoint meta is invalid: ${parsedMeta.error.message}`, { fix: 'This is a bug in the caller.' });
  requireLittleEndian();
  validateArrays(arrays);
  const root = checkpointsRoot(experimentDir);
  const nonce = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(root, `.tmp-${label}-${nonce}`);
  const final = path.join(root, label);
  const old = path.join(root, `.old-${label}-${nonce}`);
  try {
    fs.mkdirSync(tmp, { recursive: true });
    const data = writeData(path.join(tmp, DATA_FILE), arrays);
    const manifest: CheckpointManifest = {
      formatVersion: CHECKPOINT_FORMAT_VERSION, label, created: nextCreated(), byteOrder: 'little-endian',
      dataFile: DATA_FILE, dataBytes: data.bytes, sha256: data.sha256, tensors: data.entries, meta: parsedMeta.data,
    };
    writeFileAtomic(path.join(tmp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
    fsyncDir(tmp);
    const replacing = fs.existsSync(final);
    if (replacing) fs.renameSync(final, old);
    fs.renameSync(tmp, final);
    fsyncDir(root);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    try {
      if (!fs.existsSync(final) && fs.existsSync(old)) fs.renameSync(old, final);
    } catch {
      // The old checkpoint stays complete under its `.old-` name; listCheckpoints still finds it.
    }
    throw error instanceof NasError ? error : storeError(`write checkpoint '${label}' in ${root}`, error);
  }
  removeLeftovers(root, label);
  return final;
}

/**
 * Deletes the replaced version and work folders of `label` left by crashed writers (one writer
 * per experiment). Best effort: the new checkpoint is already in place, and leftovers are
 * never listed, so a failure here must not fail the save.
 */
function removeLeftovers(root: string, label: string): void {
  try {
    for (const name of fs.readdirSync(root)) {
      const m = WORK_DIR.exec(name);
      if (m && m[2] === label) fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  } catch {
    /* retried on the next save of this label */
  }
}

/** Reads and validates `dir/manifest.json` (not the data). Throws a corrupt-checkpoint error. */
export function readManifest(dir: string): CheckpointManifest {
  const file = path.join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw corrupt(dir, MANIFEST_FILE, missing ? 'is missing (an incomplete checkpoint)' : `is not valid JSON (truncated or damaged): ${(error as Error).message}`);
  }
  const parsed = checkpointManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw corrupt(dir, MANIFEST_FILE, `does not have the expected fields: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const m = parsed.data;
  let offset = 0;
  const names = new Set<string>();
  for (const t of m.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (names.has(t.name)) throw corrupt(dir, MANIFEST_FILE, `lists '${t.name}' twice`);
    if (t.offset !== offset || t.byteLength !== size * 4) throw corrupt(dir, MANIFEST_FILE, `gives '${t.name}' (shape ${JSON.stringify(t.shape)}, ${t.dtype}) offset ${t.offset} and ${t.byteLength} bytes; expected offset ${offset} and ${size * 4}`);
    names.add(t.name);
    offset += t.byteLength;
  }
  if (offset !== m.dataBytes) throw corrupt(dir, MANIFEST_FILE, `sums to ${offset} bytes of tensors but declares ${m.dataBytes}`);
  return m;
}

/** Loads and fully verifies the checkpoint in folder `dir`. Throws a corrupt-checkpoint error. */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  requireLittleEndian();
  const manifest = readManifest(dir);
  let data: Buffer;
  try {
    data = fs.readFileSync(path.join(dir, DATA_FILE));
  } catch (error) {
    throw corrupt(dir, DATA_FILE, `cannot be read: ${(error as Error).message}`);
  }
  if (data.length !== manifest.dataBytes) throw corrupt(dir, DATA_FILE, `has ${data.length} bytes; the manifest expects ${manifest.dataBytes}`);
  const sha = createHash('sha256').update(data).digest('hex');
  if (sha !== manifest.sha256) throw corrupt(dir, DATA_FILE, `fails its sha256 check (${sha} instead of ${manifest.sha256})`);
  const arrays: Record<string, NamedArray> = {};
  for (const t of manifest.tensors) {
    // slice() copies into a fresh, 4-byte aligned ArrayBuffer.
    const bytes = data.buffer.slice(data.byteOffset + t.offset, data.byteOffset + t.offset + t.byteLength);
    arrays[t.name] = { shape: t.shape, dtype: t.dtype, data: t.dtype === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes) };
  }
  return { label: manifest.label, dir, created: manifest.created, meta: manifest.meta, arrays };
}
