/**
 * The alpha-batch stream of a GM+DARTS node (synthetic 8x8 RGB images with crop-and-flip
 * augmentation, so every batch draws from the RNG): pass after pass it yields what batches()
 * yields over the alpha indices with one seeded RNG shuffling each pass (the stream GM+DARTS
 * always trained on), and a stream rebuilt from its saved state after any number of batches,
 * mid-pass and at a pass's end included, continues with the very batches the original does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { batches } from '../../../electron/engine/data';
import type { Batch } from '../../../electron/engine/data';
import { CIFAR_AUGMENTATION } from '../../../electron/engine/data/augment';
import type { ImageDataset } from '../../../electron/engine/data/imageDataset';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { AlphaBatchStream, alphaBatchStateSchema } from '../../../electron/engine/runners/alphaBatchStream';
import type { AlphaBatchState } from '../../../electron/engine/runners/alphaBatchStream';
import type { ExperimentData } from '../../../electron/engine/runners/experimentData';
import { setUpBackends } from '../cpu/helpers';

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

const N = 40;
const BATCH = 8;
/** 29 alpha images: 3 batches per pass (dropLast), the 5 left over differ from pass to pass. */
const ALPHA = Int32Array.from({ length: 29 }, (_, i) => (i * 7 + 3) % N);

function data(): ExperimentData {
  const rng = new SeededRng(11);
  const train: ImageDataset = { name: 'synthetic', split: 'train', height: 8, width: 8, channels: 3, numClasses: 3, classNames: ['a', 'b', 'c'], size: N, images: Uint8Array.from({ length: N * 8 * 8 * 3 }, () => rng.int(256)), labels: Uint8Array.from({ length: N }, (_, i) => i % 3) };
  return { train, test: train, trainIndices: Int32Array.from({ length: N }, (_, i) => i), valIndices: new Int32Array(0), normalize: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, augment: CIFAR_AUGMENTATION };
}

interface Drawn {
  indices: number[];
  x: number[];
  y: number[];
}

function take(b: Batch): Drawn {
  const drawn = { indices: [...b.indices], x: [...b.x.dataSync()], y: [...b.y.dataSync()] };
  tf.dispose([b.x, b.y]);
  return drawn;
}

function draw(stream: AlphaBatchStream, n: number): Drawn[] {
  return Array.from({ length: n }, () => take(stream.next()));
}

describe('AlphaBatchStream', () => {
  it('yields, pass after pass, what batches() yields with one seeded RNG shuffling each pass', () => {
    const d = data();
    const before = tf.memory().numTensors;
    const got = draw(new AlphaBatchStream(d, ALPHA, BATCH, new SeededRng(5)), 10);
    const rng = new SeededRng(5);
    const expected: Drawn[] = [];
    while (expected.length < 10) {
      for (const b of batches(d.train, ALPHA, { batchSize: BATCH, shuffle: true, rng, normalize: d.normalize, augment: CIFAR_AUGMENTATION, dropLast: true })) expected.push(take(b));
    }
    expect(got).toEqual(expected.slice(0, 10));
    // Each pass is a new order of the alpha images only, each image at most once per pass.
    for (let p = 0; p < 3; p++) {
      const seen = got.slice(3 * p, 3 * p + 3).flatMap((b) => b.indices);
      expect(new Set(seen).size).toBe(24);
      seen.forEach((i) => expect(ALPHA).toContain(i));
    }
    expect(got[0]!.indices).not.toEqual(got[3]!.indices);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('restored from its saved state after any number of batches (JSON round trip) continues with the same batches', () => {
    const d = data();
    for (let k = 0; k <= 7; k++) {
      const original = new AlphaBatchStream(d, ALPHA, BATCH, new SeededRng(9));
      draw(original, k);
      const saved = alphaBatchStateSchema.parse(JSON.parse(JSON.stringify(original.saveState())));
      expect(saved.taken, `after ${k}`).toBe(k === 0 ? 0 : ((k - 1) % 3) + 1);
      expect(saved.pass === null, `after ${k}`).toBe(k === 0);
      // The seed passed in is ignored when a state is given: the state says everything.
      const restored = new AlphaBatchStream(d, ALPHA, BATCH, new SeededRng(12345), saved);
      expect(draw(restored, 5), `after ${k}`).toEqual(draw(original, 5));
    }
  });

  it('refuses a state that took more batches than a pass holds, saying what to do', () => {
    const saved: AlphaBatchState = { pass: { seed: 1, state: 2 }, taken: 4, rng: { seed: 1, state: 3 } };
    expect(() => new AlphaBatchStream(data(), ALPHA, BATCH, new SeededRng(1), saved)).toThrow("The checkpoint's alpha-batch stream has taken 4 batch(es) of a pass of 3.");
  });
});
