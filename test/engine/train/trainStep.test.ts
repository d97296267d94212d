/** The full step (grads, guards, zero-grad dropping, clipping, update) on a tiny linear model by hand. */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import { AdamByName } from '../../../electron/engine/train/adamByName';
import { FiniteTracker } from '../../../electron/engine/train/finiteGuard';
import { softmaxCrossEntropy } from '../../../electron/engine/train/losses';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import { archStep, trainStep } from '../../../electron/engine/train/trainStep';

// logits [1,3] = x0 * w0 + x1 * w1 with x = [1, 0]: w1 never influences the loss, so its
// gradient is exactly zero. From w0 = 0: softmax = 1/3 each, dL/dw0 = softmax - target.
let w0: tf.Variable;
let w1: tf.Variable;
let labels: tf.Tensor1D;
const at = { epoch: 0, step: 0 };

function loss(x: [number, number], smoothing = 0): () => tf.Scalar {
  return () => softmaxCrossEntropy(tf.add(tf.mul(x[0], w0), tf.mul(x[1], w1)) as tf.Tensor2D, labels, smoothing);
}
const vals = (t: tf.Tensor | undefined): number[] => Array.from(t?.dataSync() ?? []);

beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  w0 = tf.variable(tf.zeros([1, 3]), true, 'step/w0');
  w1 = tf.variable(tf.tensor2d([[0.5, -0.5, 1]]), true, 'step/w1');
  labels = tf.tensor1d([0], 'int32');
});
afterEach(() => {
  tf.dispose([w0, w1, labels]);
});

describe('trainStep (cpu backend)', () => {
  it('updates the sampled weights; an all-zero gradient gets no momentum and no weight decay (E3)', () => {
    const sgd = new SgdNesterov({ momentum: 0.9, weightDecay: 0.1, decayed: new Set(['step/w0', 'step/w1']) });
    const before = tf.memory().numTensors;
    const r = trainStep({ loss: loss([1, 0]), variables: [w0, w1], optimizer: sgd, lr: 0.1, at });
    // d = [-2/3, 1/3, 1/3] (w0 = 0 so decay adds nothing); first Nesterov step: w -= lr (1 + m) d = 0.19 d
    expect(r.loss).toBeCloseTo(Math.log(3), 6);
    expect(vals(w0)).toEqual([expect.closeTo(0.19 * (2 / 3), 6), expect.closeTo(-0.19 / 3, 6), expect.closeTo(-0.19 / 3, 6)]);
    expect(r.dropped).toEqual(['step/w1']);
    expect(vals(w1)).toEqual([0.5, -0.5, 1]); // no decay although decayed and in the list
    expect(sgd.buffer('step/w1')).toBeUndefined();
    expect(r.gradNorm).toBeCloseTo(Math.sqrt(6) / 3, 6); // |[-2/3, 1/3, 1/3]|
    expect(tf.memory().numTensors).toBe(before + 1); // w0's momentum buffer only
    trainStep({ loss: loss([1, 0]), variables: [w0, w1], optimizer: sgd, lr: 0.1, at });
    expect(tf.memory().numTensors).toBe(before + 1); // a later step leaves nothing behind
    sgd.dispose();
  });

  it('applies label smoothing and clipping by global norm before the update', () => {
    const sgd = new SgdNesterov({ momentum: 0.9, weightDecay: 0, decayed: new Set() });
    // eps = 0.1: target = [0.9333, 0.0333, 0.0333] so d = [-0.6, 0.3, 0.3], |d| = sqrt(0.54) = 0.7348469
    // clip to 0.5: d' = d * 0.5 / (0.7348469 + 1e-6) = [-0.4082479, 0.2041240, 0.2041240]; w0 = -0.19 d'
    const r = trainStep({ loss: loss([1, 0], 0.1), variables: [w0], optimizer: sgd, lr: 0.1, clip: { kind: 'norm', maxNorm: 0.5 }, at });
    expect(r.gradNorm).toBeCloseTo(0.7348469, 6);
    expect(r.clipped).toBe(true);
    expect(vals(w0)).toEqual([expect.closeTo(0.19 * 0.4082479, 6), expect.closeTo(-0.19 * 0.204124, 6), expect.closeTo(-0.19 * 0.204124, 6)]);
    sgd.dispose();
  });

  it('clips by value (ABS, c = 5 scaled down here to 0.5)', () => {
    const sgd = new SgdNesterov({ momentum: 0, weightDecay: 0, decayed: new Set() });
    // x0 = 3 makes dL/dw0 = 3 [-2/3, 1/3, 1/3] = [-2, 1, 1] -> clipped to [-0.5, 0.5, 0.5]; w0 = -lr d
    trainStep({ loss: loss([3, 0]), variables: [w0], optimizer: sgd, lr: 1, clip: { kind: 'value', clip: 0.5 }, at });
    expect(vals(w0)).toEqual([0.5, -0.5, -0.5]);
    sgd.dispose();
  });

  it('stops with NAN_LOSS before any update, keeps the tracker from saving, and leaks nothing', () => {
    const sgd = new SgdNesterov({ momentum: 0.9, weightDecay: 0.1, decayed: new Set(['step/w0']) });
    const tracker = new FiniteTracker();
    trainStep({ loss: loss([1, 0]), variables: [w0], optimizer: sgd, lr: 0.1, at, tracker });
    tracker.saved('epoch-1');
    const w = vals(w0);
    const buf = vals(sgd.buffer('step/w0'));
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      trainStep({ loss: loss([Number.NaN, 0]), variables: [w0], optimizer: sgd, lr: 0.1, at: { epoch: 1, step: 4 }, tracker });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NasError);
    expect((caught as NasError).code).toBe('NAN_LOSS');
    expect((caught as NasError).message).toMatch(/loss is NaN at epoch 2, step 5\. The last good checkpoint 'epoch-1' is kept\./);
    expect(vals(w0)).toEqual(w);
    expect(vals(sgd.buffer('step/w0'))).toEqual(buf);
    expect(tracker.canSave()).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    sgd.dispose();
  });
});

describe('archStep (cpu backend)', () => {
  it('moves only the alphas, with Adam on their own gradient', () => {
    // The alphas are the logits here: from 0, g = [-2/3, 1/3, 1/3]; Adam's first step is lr * sign(g).
    const alpha = tf.variable(tf.zeros([1, 3]), true, 'step/alpha');
    const adam = new AdamByName({ lr: 3e-4 });
    const before = tf.memory().numTensors;
    const r = archStep({ loss: () => softmaxCrossEntropy(tf.add(alpha, tf.mul(0, w0)) as tf.Tensor2D, labels), variables: [alpha], optimizer: adam, lr: 3e-4, at });
    expect(r.dropped).toEqual([]);
    expect(vals(alpha)).toEqual([expect.closeTo(3e-4, 9), expect.closeTo(-3e-4, 9), expect.closeTo(-3e-4, 9)]);
    expect(vals(w0)).toEqual([0, 0, 0]);
    expect(tf.memory().numTensors).toBe(before + 2); // Adam's m and v for the alphas
    let caught: unknown;
    try {
      archStep({ loss: () => softmaxCrossEntropy(tf.mul(alpha, Number.NaN) as tf.Tensor2D, labels), variables: [alpha], optimizer: adam, lr: 3e-4, at });
    } catch (error) {
      caught = error;
    }
    expect((caught as NasError).message).toMatch(/\(architecture\)/);
    adam.dispose();
    alpha.dispose();
  });
});
