/** Adam keyed by name: PyTorch numbers by hand, per-name state, save/load, no leaks. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCH_ADAM_DEFAULTS, AdamByName } from '../../../electron/engine/train/adamByName';

const OPTS = { lr: 0.1, beta1: 0.5, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

function vals(t: tf.Tensor | undefined): number[] {
  if (!t) throw new Error('missing tensor');
  return Array.from(t.dataSync());
}

describe('AdamByName (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('defaults to the architecture optimizer of ALGORITHMS.md (3e-4, (0.5, 0.999), wd 1e-3)', () => {
    expect(new AdamByName().options).toEqual(ARCH_ADAM_DEFAULTS);
    expect(ARCH_ADAM_DEFAULTS).toMatchObject({ lr: 3e-4, beta1: 0.5, beta2: 0.999, weightDecay: 1e-3 });
    expect(() => new AdamByName({ beta1: 1 })).toThrow(/Invalid Adam options/);
  });

  it('takes two steps exactly as torch.optim.Adam (hand-computed)', () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'adam-test/w');
    const vars = new Map([[w.name, w]]);
    const adam = new AdamByName(OPTS);
    const g1 = tf.tensor1d([0.5, 0.1]);
    const g2 = tf.tensor1d([-0.3, 0.2]);
    const before = tf.memory().numTensors;

    // Step 1: g = grad + 0.01 w = [0.51, 0.08]; m = 0.5 g = [0.255, 0.04]; v = 0.001 g^2 = [2.601e-4, 6.4e-6];
    // bias corrections 1 - 0.5 = 0.5 and 1 - 0.999 = 0.001, so sqrt(v) / sqrt(0.001) = |g| and
    // w -= (0.1 / 0.5) * m / (|g| + 1e-8) = 0.1 sign(g) (to 1e-8): w = [0.9, -2.1].
    adam.apply(vars, { [w.name]: g1 });
    expect(vals(w)[0]).toBeCloseTo(0.9000000019607843, 6);
    expect(vals(w)[1]).toBeCloseTo(-2.0999999875, 6);
    expect(vals(adam.state(w.name)?.m)).toEqual([expect.closeTo(0.255, 7), expect.closeTo(0.04, 7)]);
    expect(vals(adam.state(w.name)?.v)[0]).toBeCloseTo(2.601e-4, 9);
    const afterFirst = tf.memory().numTensors; // + m and v of the new slot

    // Step 2: g = [-0.3 + 0.009, 0.2 - 0.021] = [-0.291, 0.179]; m = 0.5 m + 0.5 g = [-0.018, 0.1095];
    // v = 0.999 v + 0.001 g^2 = [3.445209e-4, 3.84346e-5]; bias corrections 0.75 and 0.001999;
    // w0 = 0.9 - (0.1 / 0.75) (-0.018) / (sqrt(3.445209e-4) / sqrt(0.001999) + 1e-8) = 0.9057810934
    adam.apply(vars, { [w.name]: g2 });
    expect(vals(w)[0]).toBeCloseTo(0.9057810934386872, 5);
    expect(vals(w)[1]).toBeCloseTo(-2.2052926332796514, 5);
    expect(vals(adam.state(w.name)?.m)[0]).toBeCloseTo(-0.018, 6);
    expect(vals(adam.state(w.name)?.v)[1]).toBeCloseTo(3.843460004475003e-5, 9);
    expect(adam.state(w.name)?.step).toBe(2);
    expect(tf.memory().numTensors).toBe(afterFirst); // a step leaves nothing behind
    expect(afterFirst).toBe(before + 2);

    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, g1, g2]);
  });

  it('keeps state per name: updating B never moves A, and shapes may differ', () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'adam-test/a');
    const b = tf.variable(tf.tensor2d([[1, 2, 3]]), true, 'adam-test/b');
    const vars = new Map<string, tf.Variable>([
      [a.name, a],
      [b.name, b],
    ]);
    const adam = new AdamByName(OPTS);
    const ga = tf.tensor1d([0.5, -0.5]);
    const gb = tf.tensor2d([[1, 1, 1]]);
    adam.apply(vars, { [a.name]: ga });
    const aState = { m: vals(adam.state(a.name)?.m), v: vals(adam.state(a.name)?.v), w: vals(a) };
    adam.apply(vars, { [b.name]: gb });
    adam.apply(vars, { [b.name]: gb });
    expect(adam.state(a.name)?.step).toBe(1);
    expect(adam.state(b.name)?.step).toBe(2);
    expect({ m: vals(adam.state(a.name)?.m), v: vals(adam.state(a.name)?.v), w: vals(a) }).toEqual(aState);
    expect(adam.names()).toEqual([a.name, b.name]);
    expect(() => adam.apply(vars, { nope: ga })).toThrow(/unknown variable 'nope'/);
    adam.dispose();
    tf.dispose([a, b, ga, gb]);
  });

  it('saves and loads state so that the next step is identical, without leaks', () => {
    const w1 = tf.variable(tf.tensor1d([1, -2]), true, 'adam-test/w1');
    const w2 = tf.variable(tf.tensor1d([1, -2]), true, 'adam-test/w2');
    const g = tf.tensor1d([0.5, 0.1]);
    const original = new AdamByName(OPTS);
    original.apply(new Map([[w1.name, w1]]), { [w1.name]: g });
    w2.assign(w1);
    const saved = original.saveState();
    expect(Object.keys(saved.tensors)).toEqual([`m/${w1.name}`, `v/${w1.name}`]);
    expect(saved.steps).toEqual({ [w1.name]: 1 });

    // Rename the state to w2 (a warm start copies the parent's state onto the child's names).
    const renamed = {
      tensors: { [`m/${w2.name}`]: saved.tensors[`m/${w1.name}`] as tf.Tensor, [`v/${w2.name}`]: saved.tensors[`v/${w1.name}`] as tf.Tensor },
      steps: { [w2.name]: 1 },
    };
    const before = tf.memory().numTensors;
    const restored = new AdamByName(OPTS);
    restored.loadState(renamed);
    tf.dispose(Object.values(saved.tensors));
    expect(tf.memory().numTensors).toBe(before - 2 + 2); // the inputs gone, the restored m and v remain

    original.apply(new Map([[w1.name, w1]]), { [w1.name]: g });
    restored.apply(new Map([[w2.name, w2]]), { [w2.name]: g });
    expect(vals(w2)).toEqual(vals(w1));
    expect(restored.state(w2.name)?.step).toBe(2);

    expect(() => restored.loadState({ tensors: {}, steps: { x: 1 } })).toThrow(/'x' has a step count but no m\/v/);
    expect(() => restored.loadState({ tensors: {}, steps: { x: 0 } })).toThrow(/positive integers/);
    expect(restored.state(w2.name)?.step).toBe(2); // a failed load changes nothing
    original.dispose();
    restored.dispose();
    tf.dispose([w1, w2, g]);
  });
});
