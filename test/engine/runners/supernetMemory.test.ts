/**
 * Memory over a long run: hundreds of supernet training steps leave exactly the weights and
 * one momentum buffer per updated weight alive (no tensor leaks per step), and the operators
 * ABS drops free their weights and momentum (Nb201Supernet.releaseOp, SgdNesterov.forget).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { SgdNesterov } from '../../../electron/engine/train/sgdNesterov';
import { supernetTrainStep } from '../../../electron/engine/runners/supernetTrainStep';
import { createSampler } from '../../../electron/engine/sampler/registry';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { fullState } from '../../../electron/engine/space/spaceState';
import type { SpaceState } from '../../../electron/engine/space/spaceState';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { setUpBackends } from '../cpu/helpers';

const opts = { labelSmoothing: 0, clip: { kind: 'none' as const } };

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

function setUp() {
  const net = new Nb201Supernet({ channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 4, seed: 5 });
  const optimizer = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
  const rng = new SeededRng(9);
  const x = tf.tensor4d(Float32Array.from({ length: 8 * 8 * 8 }, () => rng.normal()), [8, 8, 8, 1]);
  const y = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32');
  const sampler = createSampler(NB201_SPACE, 'uniform', new SeededRng(11));
  const buffers = (): number => net.params.all().filter((v) => optimizer.buffer(v.name) !== undefined).length;
  const train = (steps: number, state: SpaceState): void => {
    for (let i = 0; i < steps; i++) supernetTrainStep(net, optimizer, x, y, sampler.next(state), 0.01, opts);
  };
  const dispose = (): void => {
    tf.dispose([x, y]);
    optimizer.dispose();
    net.dispose();
  };
  return { net, optimizer, buffers, train, dispose };
}

describe('supernet memory over a long run', () => {
  it('300 training steps: the live tensors are the weights plus one momentum buffer per updated weight, at every step', () => {
    const { net, buffers, train, dispose } = setUp();
    const state = fullState(NB201_SPACE);
    const before = tf.memory().numTensors;
    const weights = net.params.all().length;
    const counts: number[] = [];
    for (let block = 0; block < 6; block++) {
      train(50, state);
      expect(tf.memory().numTensors - buffers(), `after ${(block + 1) * 50} steps`).toBe(before);
      counts.push(tf.memory().numTensors);
    }
    // Every weight of the full space has been updated long before the end, so the count is flat.
    expect(buffers()).toBeLessThanOrEqual(weights);
    expect(counts.slice(3)).toEqual([counts[5], counts[5], counts[5]]);
    dispose();
    expect(tf.memory().numTensors).toBe(before - weights - 2);
  });

  it("dropping an operator frees its weights and momentum in every cell; training goes on in the shrunk space without leaks", () => {
    const { net, optimizer, buffers, train, dispose } = setUp();
    train(100, fullState(NB201_SPACE));
    const edge = 0; // 1<-0
    const op = 'nor_conv_3x3';
    const owned = net.params.entries().filter(([name]) => /^cell\d+\/e0\/nor_conv_3x3\//.test(name));
    // Three cells (one per stage), each with the conv kernel and its affine-free BN's running mean and variance.
    expect(owned.length).toBe(9);
    const withMomentum = owned.filter(([, v]) => optimizer.buffer(v.name) !== undefined).length;
    expect(withMomentum).toBeGreaterThan(0);
    const live = tf.memory().numTensors;

    const released = net.releaseOp(edge, op);
    expect(released.sort()).toEqual(owned.map(([, v]) => v.name).sort());
    optimizer.forget(released);
    expect(tf.memory().numTensors).toBe(live - owned.length - withMomentum);
    expect(owned.every(([name]) => !net.params.has(name))).toBe(true);
    expect(released.every((name) => optimizer.buffer(name) === undefined)).toBe(true);
    // Releasing twice frees nothing more; a forward through the dropped op says why it fails.
    expect(net.releaseOp(edge, op)).toEqual([]);
    const x = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => net.forward(x, ['nor_conv_3x3', 'skip_connect', 'skip_connect', 'skip_connect', 'skip_connect', 'skip_connect'], false)).toThrow("has no weights for op 'nor_conv_3x3' on edge 0");
    x.dispose();

    const shrunk: SpaceState = { ...fullState(NB201_SPACE), remaining: NB201_SPACE.choices.map((c, i) => (i === edge ? c.ops.filter((o) => o !== op) : [...c.ops])) };
    const after = tf.memory().numTensors - buffers();
    train(200, shrunk);
    expect(tf.memory().numTensors - buffers()).toBe(after);
    dispose();
  });
});
