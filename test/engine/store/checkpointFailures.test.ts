/** Checkpoint writes that fail midway (disk errors injected into node:fs) never lose the old one. */
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const faults = vi.hoisted(() => ({ renameTmpToFinal: false, fsync: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    renameSync: (from: string, to: string) => {
      if (faults.renameTmpToFinal && path.basename(from).startsWith('.tmp-')) {
        faults.renameTmpToFinal = false;
        throw Object.assign(new Error('EIO: simulated rename failure'), { code: 'EIO' });
      }
      return real.renameSync(from, to);
    },
    fsyncSync: (fd: number) => {
      if (faults.fsync > 0 && --faults.fsync === 0) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return real.fsyncSync(fd);
    },
  };
});

const fs = await import('node:fs');
const { checkpointsRoot, loadCheckpoint, saveCheckpoint } = await import('../../../electron/engine/store/checkpoint');
type Meta = Parameters<typeof saveCheckpoint>[3];

const meta = (epoch: number): Meta => ({ epoch, step: epoch * 10, rng: {}, schedule: null, extra: {} });
const arrays = (v: number) => ({ 'model/w': { shape: [2], dtype: 'float32' as const, data: new Float32Array([v, -v]) } });

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-ckpt-fail-'));
  faults.renameTmpToFinal = false;
  faults.fsync = 0;
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('checkpoint write failures', () => {
  it('a failing data fsync (disk full) leaves the old checkpoint and no temporary folder', () => {
    saveCheckpoint(dir, 'latest', arrays(1), meta(1));
    faults.fsync = 1; // the first fsync of the next save: the data file
    let caught: unknown;
    try {
      saveCheckpoint(dir, 'latest', arrays(2), meta(2));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'STORE_IO', message: expect.stringMatching(/Could not write checkpoint 'latest'.*ENOSPC/) });
    expect((caught as { fix?: string }).fix).toMatch(/disk is full/);
    expect(fs.readdirSync(checkpointsRoot(dir))).toEqual(['latest']);
    expect(loadCheckpoint(path.join(checkpointsRoot(dir), 'latest')).meta.epoch).toBe(1);
  });

  it('a failing final rename puts the old checkpoint back under its name', () => {
    saveCheckpoint(dir, 'latest', arrays(1), meta(1));
    faults.renameTmpToFinal = true;
    expect(() => saveCheckpoint(dir, 'latest', arrays(2), meta(2))).toThrow(/simulated rename failure/);
    expect(fs.readdirSync(checkpointsRoot(dir))).toEqual(['latest']);
    const loaded = loadCheckpoint(path.join(checkpointsRoot(dir), 'latest'));
    expect(loaded.meta.epoch).toBe(1);
    expect(Array.from(loaded.arrays['model/w']?.data ?? [])).toEqual([1, -1]);
  });
});
