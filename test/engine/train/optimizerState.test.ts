/** Optimizer state through a checkpoint: SGD-Nesterov momentum and Adam resume bit for bit. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../../electron/engine/store/checkpoint';
import type { CheckpointMeta, NamedArray } from '../../../electron/engine/store/checkpoint';
import { modelTensors, restoreVariables, saveTensorCheckpoint } from '../../../electron/engine/store/checkpointTensors';
import { AdamByName } from '../../../electron/engine/train/adamByName';
import { adamCheckpointState, momentumTensors, restoreAdam, restoreMomentum } from '../../../electron/engine/train/optimizerState';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';

const OPTS = { momentum: 0.9, weightDecay: 5e-4, decayed: new Set(['os/a']) };
const META: CheckpointMeta = { epoch: 2, step: 2, rng: {}, schedule: null, extra: {} };

function bits(t: tf.Tensor | undefined): number[] {
  if (!t) throw new Error('missing tensor');
  return Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));
}

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-optstate-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SGD-Nesterov momentum in checkpoints', () => {
  it('resumes exactly: step 3 after a restore equals step 3 without interruption', async () => {
    const a = tf.variable(tf.tensor2d([[0.3, -0.7], [1.1, 0.05]]), true, 'os/a'); // decayed
    const b = tf.variable(tf.tensor1d([0.2, -0.4]), true, 'os/b'); // not decayed
    const c = tf.variable(tf.tensor1d([9]), true, 'os/c'); // never sampled: no buffer
    const vars = new Map([a, b, c].map((v) => [v.name, v]));
    const names = [...vars.keys()];
    const grads = [0.5, -1.25, 2].map((k) => ({ 'os/a': tf.tensor2d([[k, -k], [0.1 * k, 3]]), 'os/b': tf.tensor1d([k, 0.25]) }));
    const before = tf.memory().numTensors;

    const first = new SgdNesterov(OPTS);
    first.apply(vars, grads[0] as Record<string, tf.Tensor>, 0.1);
    first.apply(vars, grads[1] as Record<string, tf.Tensor>, 0.05);
    const saved = momentumTensors(first, names);
    expect(Object.keys(saved)).toEqual(['sgd/os/a', 'sgd/os/b']);
    const ckpt = await saveTensorCheckpoint(dir, 'epoch-2', { ...modelTensors(vars.values()), ...saved }, META);
    first.apply(vars, grads[2] as Record<string, tf.Tensor>, 0.025);
    const reference = { a: bits(a), b: bits(b), bufA: bits(first.buffer('os/a')), bufB: bits(first.buffer('os/b')) };
    first.dispose(); // frees the `<name>/momentum` variable names for the second optimizer

    const loaded = loadCheckpoint(ckpt);
    restoreVariables(loaded.arrays, vars.values());
    const second = new SgdNesterov(OPTS);
    const restoredBefore = tf.memory().numTensors;
    restoreMomentum(second, loaded.arrays, names);
    expect(tf.memory().numTensors).toBe(restoredBefore + 2); // the two buffers, nothing else
    expect(second.buffer('os/c')).toBeUndefined();
    expect(bits(b)).not.toEqual(reference.b); // really rolled back
    second.apply(vars, grads[2] as Record<string, tf.Tensor>, 0.025);
    expect({ a: bits(a), b: bits(b), bufA: bits(second.buffer('os/a')), bufB: bits(second.buffer('os/b')) }).toEqual(reference);
    expect(Array.from(c.dataSync())).toEqual([9]); // never sampled, never moved
    second.dispose();
    expect(tf.memory().numTensors).toBe(before); // only the variables and grads from before remain
    tf.dispose([a, b, c, ...grads.flatMap((g) => Object.values(g))]);
  });

  it('creates buffers bit for bit, including -0 and denormals, and assigns existing ones in place', () => {
    const arrays: Record<string, NamedArray> = {
      'sgd/os/a': { shape: [2, 2], dtype: 'float32', data: new Float32Array([-0, 1.5, 1e-45, -3]) },
      'sgd/os/b': { shape: [2], dtype: 'float32', data: new Float32Array([0, -0]) },
    };
    const opt = new SgdNesterov(OPTS);
    const before = tf.memory().numTensors;
    restoreMomentum(opt, arrays, ['os/a', 'os/b']);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(bits(opt.buffer('os/a'))).toEqual(Array.from(new Uint32Array((arrays['sgd/os/a'] as NamedArray).data.buffer)));
    expect(bits(opt.buffer('os/b'))).toEqual([0, 0x80000000]);
    const existing = opt.buffer('os/b');
    restoreMomentum(opt, { 'sgd/os/b': { shape: [2], dtype: 'float32', data: new Float32Array([7, 8]) } }, ['os/b']);
    expect(opt.buffer('os/b')).toBe(existing);
    expect(Array.from(existing?.dataSync() ?? [])).toEqual([7, 8]);
    expect(tf.memory().numTensors).toBe(before + 2);

    expect(() => restoreMomentum(opt, {}, ['os/a'])).toThrow(/'os\/a' has a momentum buffer but the checkpoint has none/);
    expect(() => restoreMomentum(opt, { 'sgd/os/b': { shape: [3], dtype: 'float32', data: new Float32Array(3) } }, ['os/b'])).toThrow(/\[3\] in the checkpoint but \[2\] here/);
    opt.dispose();
  });

  it('uses loadBuffer when the optimizer has one', () => {
    const got: [string, number[]][] = [];
    const fake = {
      buffer: () => undefined,
      apply: () => {
        throw new Error('apply must not be used');
      },
      loadBuffer: (name: string, value: tf.Tensor) => got.push([name, Array.from(value.dataSync())]),
    };
    restoreMomentum(fake, { 'sgd/x': { shape: [1], dtype: 'float32', data: new Float32Array([4]) } }, ['x']);
    expect(got).toEqual([['x', [4]]]);
  });
});

describe('Adam state in checkpoints', () => {
  it('resumes exactly through a checkpoint file', async () => {
    const alpha = tf.variable(tf.tensor2d([[0.001, -0.002, 0]]), true, 'os/alpha');
    const vars = new Map([[alpha.name, alpha]]);
    const g = tf.tensor2d([[0.3, -0.1, 0.2]]);
    const first = new AdamByName();
    first.apply(vars, { [alpha.name]: g });
    first.apply(vars, { [alpha.name]: g });
    const state = adamCheckpointState(first);
    expect(Object.keys(state.tensors)).toEqual(['adam/m/os/alpha', 'adam/v/os/alpha']);
    const ckpt = await saveTensorCheckpoint(dir, 'arch', { ...modelTensors([alpha]), ...state.tensors }, { ...META, extra: { adamSteps: state.steps } });
    tf.dispose(Object.values(state.tensors));
    first.apply(vars, { [alpha.name]: g });
    const reference = bits(alpha);

    const loaded = loadCheckpoint(ckpt);
    restoreVariables(loaded.arrays, [alpha]);
    const second = new AdamByName();
    const before = tf.memory().numTensors;
    restoreAdam(second, loaded.arrays, loaded.meta.extra['adamSteps']);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(second.state(alpha.name)?.step).toBe(2);
    second.apply(vars, { [alpha.name]: g });
    expect(bits(alpha)).toEqual(reference);
    expect(() => restoreAdam(second, loaded.arrays, { [alpha.name]: 'two' })).toThrow(/positive integers/);
    expect(tf.memory().numTensors).toBe(before + 2);
    first.dispose();
    second.dispose();
    tf.dispose([alpha, g]);
  });
});
