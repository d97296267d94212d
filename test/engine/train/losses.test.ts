/** Cross-entropy with label smoothing and top-1 counts on a 2x3 example computed by hand. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { softmaxCrossEntropy, top1Correct } from '../../../electron/engine/train/losses';

// Row 0: logits [1, 2, 3], label 2. logsumexp = 3 + ln(1 + e^-1 + e^-2) = 3.4076059645,
//   so log-probs are [-2.4076059645, -1.4076059645, -0.4076059645].
// Row 1: logits [0, 0, 0], label 1. Every log-prob is -ln 3 = -1.0986122887.
const LSE0 = 3.4076059645;
const LN3 = 1.0986122887;

describe('softmax cross-entropy (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches the hand computation without and with smoothing (PyTorch semantics)', () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const labels = tf.tensor1d([2, 1], 'int32');
    const before = tf.memory().numTensors;

    // Plain: mean(0.4076059645, 1.0986122887) = 0.7531091266
    const plain = softmaxCrossEntropy(logits, labels);
    expect(plain.dataSync()[0]).toBeCloseTo((LSE0 - 3 + LN3) / 2, 6);
    expect(plain.dataSync()[0]).toBeCloseTo(0.7531091266, 6);

    // eps = 0.1, K = 3: target = 0.9 onehot + 0.0333...
    // Row 0: 0.9 * 0.4076059645 + (0.1 / 3) * (2.4076059645 + 1.4076059645 + 0.4076059645)
    //      = 0.3668453681 + 0.1407606 = 0.5076059645
    // Row 1: the targets sum to 1, so -ln 3 * -1 = 1.0986122887 whatever eps.
    // Mean: 0.8031091266
    const smooth = softmaxCrossEntropy(logits, labels, 0.1);
    expect(smooth.dataSync()[0]).toBeCloseTo(0.8031091266, 6);

    tf.dispose([plain, smooth]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
  });

  it('is differentiable and leaks nothing under variableGrads', () => {
    const w = tf.variable(tf.tensor2d([[1, 2, 3]]));
    const labels = tf.tensor1d([0], 'int32');
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(w as unknown as tf.Tensor2D, labels, 0.1), [w]);
    // d/dz = softmax(z) - target; softmax([1,2,3]) = [0.0900306, 0.2447285, 0.6652410]; target = [0.9333, 0.0333, 0.0333]
    const g = Array.from(grads[w.name]?.dataSync() ?? []);
    expect(g[0]).toBeCloseTo(0.0900306 - (0.9 + 0.1 / 3), 5);
    expect(g[1]).toBeCloseTo(0.2447285 - 0.1 / 3, 5);
    expect(g[2]).toBeCloseTo(0.665241 - 0.1 / 3, 5);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, labels]);
  });

  it('rejects bad smoothing and mismatched batch sizes', () => {
    const logits = tf.zeros([2, 3]) as tf.Tensor2D;
    const labels = tf.tensor1d([0], 'int32');
    expect(() => softmaxCrossEntropy(logits, labels)).toThrow(/2 logits rows but 1 labels/);
    expect(() => softmaxCrossEntropy(logits, labels, 1)).toThrow(/\[0, 1\)/);
    tf.dispose([logits, labels]);
  });
});

describe('top-1 count (cpu backend)', () => {
  it('counts rows whose arg-max is the label; ties go to the lowest index', () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
      [5, 1, 1],
    ]);
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([2, 1, 0], 'int32');
    const b = tf.tensor1d([2, 0, 1], 'int32');
    expect(top1Correct(logits, a)).toBe(2); // row 1 is a tie, arg-max 0 != 1
    expect(top1Correct(logits, b)).toBe(2);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    logits.dispose();
  });
});
