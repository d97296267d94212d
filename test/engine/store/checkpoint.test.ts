/** Checkpoints: bit-exact round trip, corruption detection, crash leftovers, replace semantics. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import {
  DATA_FILE,
  MANIFEST_FILE,
  checkpointsRoot,
  isCorruptCheckpoint,
  loadCheckpoint,
  readManifest,
  saveCheckpoint,
} from '../../../electron/engine/store/checkpoint';
import type { CheckpointMeta, NamedArray } from '../../../electron/engine/store/checkpoint';
import { latestValidCheckpoint, listCheckpoints } from '../../../electron/engine/store/checkpointList';
import { modelTensors, restoreVariables, saveTensorCheckpoint } from '../../../electron/engine/store/checkpointTensors';

let dir: string;

function meta(epoch: number, step: number, extra: Record<string, unknown> = {}): CheckpointMeta {
  return { epoch, step, rng: { sampler: { seed: 7, state: 123456789 } }, schedule: { position: epoch, config: { kind: 'cosine', lr: 0.025, lrMin: 0.001 } }, extra };
}

function arrays(seed: number): Record<string, NamedArray> {
  // Awkward values on purpose: NaN payload, -0, denormal, extremes.
  const w = new Float32Array([seed, -0, Number.NaN, 1e-45, 3.4028234663852886e38, -1.5, 0.1, 2 ** -126]);
  return {
    'model/conv': { shape: [2, 2, 1, 2], dtype: 'float32', data: w },
    'model/count': { shape: [3], dtype: 'int32', data: new Int32Array([1, -2, 2147483647]) },
    'model/empty': { shape: [0, 4], dtype: 'float32', data: new Float32Array(0) },
  };
}

function bytesOf(a: NamedArray | undefined): number[] {
  if (!a) throw new Error('missing array');
  return Array.from(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));
}

function error(f: () => unknown): NasError {
  try {
    f();
  } catch (e) {
    if (e instanceof NasError) return e;
    throw e;
  }
  throw new Error('expected a NasError');
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-ckpt-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('checkpoint format', () => {
  it('round-trips arrays bit for bit, with meta and a manifest readable without tfjs', () => {
    const saved = saveCheckpoint(dir, 'epoch-3', arrays(1), meta(3, 300, { adamSteps: { alpha: 3 } }));
    expect(saved).toBe(path.join(checkpointsRoot(dir), 'epoch-3'));
    expect(fs.readdirSync(saved).sort()).toEqual([MANIFEST_FILE, DATA_FILE]);
    const manifest = JSON.parse(fs.readFileSync(path.join(saved, MANIFEST_FILE), 'utf8'));
    expect(manifest.tensors).toEqual([
      { name: 'model/conv', shape: [2, 2, 1, 2], dtype: 'float32', offset: 0, byteLength: 32 },
      { name: 'model/count', shape: [3], dtype: 'int32', offset: 32, byteLength: 12 },
      { name: 'model/empty', shape: [0, 4], dtype: 'float32', offset: 44, byteLength: 0 },
    ]);
    expect(manifest.dataBytes).toBe(44);
    expect(fs.statSync(path.join(saved, DATA_FILE)).size).toBe(44);

    const loaded = loadCheckpoint(saved);
    const original = arrays(1);
    for (const name of Object.keys(original)) {
      expect(loaded.arrays[name]?.shape).toEqual(original[name]?.shape);
      expect(loaded.arrays[name]?.dtype).toBe(original[name]?.dtype);
      expect(bytesOf(loaded.arrays[name])).toEqual(bytesOf(original[name]));
    }
    expect(loaded.arrays['model/count']?.data).toBeInstanceOf(Int32Array);
    expect(loaded.meta).toEqual(meta(3, 300, { adamSteps: { alpha: 3 } }));
    expect(loaded.label).toBe('epoch-3');
  });

  it('rejects bad labels, bad meta and arrays whose length does not fit their shape', () => {
    expect(error(() => saveCheckpoint(dir, '../x', arrays(1), meta(0, 0))).code).toBe('INVALID_CONFIG');
    expect(error(() => saveCheckpoint(dir, '.hidden', arrays(1), meta(0, 0))).code).toBe('INVALID_CONFIG');
    expect(error(() => saveCheckpoint(dir, 'ok', arrays(1), { ...meta(0, 0), epoch: -1 })).code).toBe('INVALID_CONFIG');
    expect(() => saveCheckpoint(dir, 'ok', { x: { shape: [3], dtype: 'float32', data: new Float32Array(2) } }, meta(0, 0))).toThrow(/'x' has shape \[3\]/);
    expect(() => saveCheckpoint(dir, 'ok', { x: { shape: [2], dtype: 'int32', data: new Float32Array(2) } }, meta(0, 0))).toThrow(/int32/);
    expect(listCheckpoints(dir)).toEqual([]);
  });

  it('detects a flipped byte in the data file by its sha256, naming the file', () => {
    const saved = saveCheckpoint(dir, 'epoch-1', arrays(1), meta(1, 10));
    const file = path.join(saved, DATA_FILE);
    const bytes = fs.readFileSync(file);
    bytes[5] = (bytes[5] as number) ^ 0x01;
    fs.writeFileSync(file, bytes);
    const e = error(() => loadCheckpoint(saved));
    expect(e.code).toBe('STORE_IO');
    expect(e.message).toMatch(new RegExp(`Checkpoint .*epoch-1 is unusable: ${DATA_FILE} fails its sha256 check`));
    expect(e.fix).toMatch(/older checkpoint/);
    expect(isCorruptCheckpoint(e)).toBe(true);
    expect(e.details).toEqual({ corruptCheckpoint: saved, file: DATA_FILE });
  });

  it('detects a truncated data file and a truncated or missing manifest', () => {
    const a = saveCheckpoint(dir, 'a', arrays(1), meta(1, 10));
    fs.truncateSync(path.join(a, DATA_FILE), 40);
    expect(error(() => loadCheckpoint(a)).message).toMatch(/tensors\.bin has 40 bytes; the manifest expects 44/);

    const b = saveCheckpoint(dir, 'b', arrays(1), meta(1, 10));
    const text = fs.readFileSync(path.join(b, MANIFEST_FILE), 'utf8');
    fs.writeFileSync(path.join(b, MANIFEST_FILE), text.slice(0, Math.floor(text.length / 2)));
    const e = error(() => loadCheckpoint(b));
    expect(e.message).toMatch(/manifest\.json is not valid JSON \(truncated or damaged\)/);
    expect(isCorruptCheckpoint(e)).toBe(true);

    const c = saveCheckpoint(dir, 'c', arrays(1), meta(1, 10));
    fs.rmSync(path.join(c, MANIFEST_FILE));
    expect(error(() => readManifest(c)).message).toMatch(/manifest\.json is missing/);
  });

  it('detects a manifest whose entries do not add up', () => {
    const saved = saveCheckpoint(dir, 'x', arrays(1), meta(1, 10));
    const file = path.join(saved, MANIFEST_FILE);
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    m.tensors[1].shape = [4];
    fs.writeFileSync(file, JSON.stringify(m));
    expect(error(() => loadCheckpoint(saved)).message).toMatch(/gives 'model\/count' \(shape \[4\], int32\) offset 32 and 12 bytes; expected offset 32 and 16/);
    m.tensors[1].shape = [3];
    m.meta.step = 'ten';
    fs.writeFileSync(file, JSON.stringify(m));
    expect(error(() => loadCheckpoint(saved)).message).toMatch(/meta\.step/);
  });
});

describe('listing, leftovers and replacement', () => {
  it('lists newest first, ignores leftover temporary folders, and picks the newest valid checkpoint', async () => {
    saveCheckpoint(dir, 'epoch-1', arrays(1), meta(1, 10));
    await new Promise((r) => setTimeout(r, 5));
    saveCheckpoint(dir, 'epoch-2', arrays(2), meta(2, 20));
    await new Promise((r) => setTimeout(r, 5));
    const newest = saveCheckpoint(dir, 'epoch-3', arrays(3), meta(3, 30));
    // A writer that crashed mid-save: a half-written temporary folder.
    const tmp = path.join(checkpointsRoot(dir), `.tmp-epoch-4-999-0123abcd`);
    fs.mkdirSync(tmp);
    fs.writeFileSync(path.join(tmp, DATA_FILE), Buffer.alloc(7));
    fs.writeFileSync(path.join(checkpointsRoot(dir), 'notes.txt'), 'not a checkpoint');

    expect(listCheckpoints(dir).map((e) => [e.label, e.epoch, e.step, e.problem])).toEqual([
      ['epoch-3', 3, 30, null],
      ['epoch-2', 2, 20, null],
      ['epoch-1', 1, 10, null],
    ]);
    expect(latestValidCheckpoint(dir).checkpoint?.label).toBe('epoch-3');

    // Damage the newest: the previous one is chosen, with a warning naming what was skipped.
    const data = path.join(newest, DATA_FILE);
    const bytes = fs.readFileSync(data);
    bytes[0] = (bytes[0] as number) ^ 0xff;
    fs.writeFileSync(data, bytes);
    const latest = latestValidCheckpoint(dir);
    expect(latest.checkpoint?.label).toBe('epoch-2');
    expect(latest.checkpoint?.meta.epoch).toBe(2);
    expect(latest.warnings).toHaveLength(1);
    expect(latest.warnings[0]).toMatch(/Skipped checkpoint 'epoch-3': .*sha256/);
    expect(latestValidCheckpoint(dir, (label) => label === 'epoch-1').checkpoint?.label).toBe('epoch-1');
  });

  it('lists a checkpoint with a broken manifest with its problem, and returns null when none is valid', () => {
    const saved = saveCheckpoint(dir, 'only', arrays(1), meta(1, 10));
    fs.writeFileSync(path.join(saved, MANIFEST_FILE), '{"formatVersion": 1, "lab');
    const [entry] = listCheckpoints(dir);
    expect(entry).toMatchObject({ label: 'only', created: null, epoch: null, recovered: false });
    expect(entry?.problem).toMatch(/not valid JSON/);
    expect(latestValidCheckpoint(dir)).toMatchObject({ checkpoint: null, warnings: [expect.stringMatching(/Skipped checkpoint 'only'/)] });
    expect(listCheckpoints(path.join(dir, 'nowhere'))).toEqual([]);
  });

  it('replaces a checkpoint of the same label only with a complete new one, and cleans leftovers', () => {
    saveCheckpoint(dir, 'latest', arrays(1), meta(1, 10));
    const root = checkpointsRoot(dir);
    fs.mkdirSync(path.join(root, '.tmp-latest-1-deadbeef')); // a crashed earlier write of the same label
    saveCheckpoint(dir, 'latest', arrays(2), meta(2, 20));
    expect(fs.readdirSync(root)).toEqual(['latest']);
    const loaded = loadCheckpoint(path.join(root, 'latest'));
    expect(loaded.meta.epoch).toBe(2);
    expect(bytesOf(loaded.arrays['model/conv'])).toEqual(bytesOf(arrays(2)['model/conv']));

    // A rejected save (an array that cannot be stored) leaves the old checkpoint untouched.
    const bad = { ...arrays(3), 'model/bad': { shape: [1], dtype: 'float32', data: new Float32Array(2) } } as Record<string, NamedArray>;
    expect(() => saveCheckpoint(dir, 'latest', bad, meta(3, 30))).toThrow();
    expect(fs.readdirSync(root)).toEqual(['latest']);
    expect(loadCheckpoint(path.join(root, 'latest')).meta.epoch).toBe(2);
  });

  it('recovers the previous version when a crash came between the two renames of a replace', () => {
    const saved = saveCheckpoint(dir, 'latest', arrays(1), meta(1, 10));
    const root = checkpointsRoot(dir);
    // Simulate the crash window: the old one moved aside, the new one still under its temporary name.
    fs.renameSync(saved, path.join(root, '.old-latest-42-0badc0de'));
    fs.mkdirSync(path.join(root, '.tmp-latest-42-0badc0de'));
    const [entry] = listCheckpoints(dir);
    expect(entry).toMatchObject({ label: 'latest', recovered: true, epoch: 1 });
    const latest = latestValidCheckpoint(dir);
    expect(latest.checkpoint?.meta.epoch).toBe(1);
    expect(latest.warnings[0]).toMatch(/restored from .*\.old-latest-42-0badc0de/);
    // The next save of that label puts a complete one in place and removes both leftovers.
    saveCheckpoint(dir, 'latest', arrays(2), meta(2, 20));
    expect(fs.readdirSync(root)).toEqual(['latest']);
    expect(listCheckpoints(dir).map((e) => [e.label, e.recovered])).toEqual([['latest', false]]);
  });
});

describe('tensors in checkpoints (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('saves variables and restores them by name, bit for bit, without leaks', async () => {
    const a = tf.variable(tf.tensor2d([[0.1, -0.2, 1e-30]]), true, 'ckpt-test/a');
    const b = tf.variable(tf.tensor1d([3, 4], 'int32'), false, 'ckpt-test/b');
    const before = tf.memory().numTensors;
    const saved = await saveTensorCheckpoint(dir, 'epoch-0', modelTensors([a, b]), meta(0, 0));
    expect(tf.memory().numTensors).toBe(before);
    const original = { a: Array.from(a.dataSync()), b: Array.from(b.dataSync()) };
    a.assign(tf.zerosLike(a));
    b.assign(tf.zerosLike(b));
    const mid = tf.memory().numTensors;
    const loaded = loadCheckpoint(saved);
    restoreVariables(loaded.arrays, [a, b]);
    expect(tf.memory().numTensors).toBe(mid);
    expect({ a: Array.from(a.dataSync()), b: Array.from(b.dataSync()) }).toEqual(original);
    expect(b.dtype).toBe('int32');

    const c = tf.variable(tf.zeros([2]), true, 'ckpt-test/c');
    expect(error(() => restoreVariables(loaded.arrays, [a, c])).message).toMatch(/no saved tensor for 'ckpt-test\/c'/);
    expect(error(() => restoreVariables(loaded.arrays, [a])).message).toMatch(/has 'ckpt-test\/b', which this network lacks/);
    const wrong = tf.variable(tf.zeros([3]), true, 'ckpt-test/wrong');
    const renamed = { 'model/ckpt-test/wrong': loaded.arrays['model/ckpt-test/a'] as NamedArray };
    expect(error(() => restoreVariables(renamed, [wrong])).message).toMatch(/float32 \[1,3\] in the checkpoint but float32 \[3\] here/);
    tf.dispose([a, b, c, wrong]);
  });
});
