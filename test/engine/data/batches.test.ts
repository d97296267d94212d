import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { batchCount, batches } from '../../../electron/engine/data/batches';
import type { ImageDataset } from '../../../electron/engine/data/imageDataset';
import { FASHION_MNIST_STATS } from '../../../electron/engine/data/stats';

/** n images of h x w x c where pixel byte = (image * 10 + offset) mod 256; label = image mod 3. */
function synthetic(n: number, h: number, w: number, c: number): ImageDataset {
  const bytes = h * w * c;
  const images = new Uint8Array(n * bytes);
  for (let i = 0; i < n; i++) for (let p = 0; p < bytes; p++) images[i * bytes + p] = (i * 10 + p) % 256;
  return { name: 'synthetic', split: 'train', height: h, width: w, channels: c, numClasses: 3, classNames: ['a', 'b', 'c'], size: n, images, labels: Uint8Array.from({ length: n }, (_, i) => i % 3) };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('batch iterator', () => {
  it('yields [B,H,W,C] float32 and [B] int32, a smaller last batch unless dropLast', () => {
    const ds = synthetic(10, 4, 5, 3);
    const indices = Array.from({ length: 10 }, (_, i) => i);
    const shapes: number[][] = [];
    for (const b of batches(ds, indices, { batchSize: 4 })) {
      expect(b.x.dtype).toBe('float32');
      expect(b.y.dtype).toBe('int32');
      shapes.push(b.x.shape);
      tf.dispose([b.x, b.y]);
    }
    expect(shapes).toEqual([[4, 4, 5, 3], [4, 4, 5, 3], [2, 4, 5, 3]]);
    expect([...batches(ds, indices, { batchSize: 4, dropLast: true })].map((b) => (tf.dispose([b.x, b.y]), b.indices.length))).toEqual([4, 4]);
    expect(batchCount(10, 4)).toBe(3);
    expect(batchCount(10, 4, true)).toBe(2);
  });

  it('normalises as (pixel/255 - mean) / std, checked by hand', () => {
    const ds = synthetic(3, 2, 2, 1);
    const [b] = [...batches(ds, [2, 0], { batchSize: 2, normalize: FASHION_MNIST_STATS })];
    if (!b) throw new Error('no batch');
    const x = b.x.dataSync();
    // Image 2, pixel 3 = 23; image 0, pixel 1 = 1.
    expect(x[3]).toBeCloseTo((23 / 255 - 0.286) / 0.353, 5);
    expect(x[4 + 1]).toBeCloseTo((1 / 255 - 0.286) / 0.353, 5);
    expect(Array.from(b.y.dataSync())).toEqual([2, 0]);
    tf.dispose([b.x, b.y]);
    const [raw] = [...batches(ds, [1], { batchSize: 1 })];
    expect(raw?.x.dataSync()[2]).toBeCloseTo(12 / 255, 6);
    if (raw) tf.dispose([raw.x, raw.y]);
  });

  it('applies per-channel statistics to the right channel', () => {
    const ds = synthetic(1, 1, 2, 3); // bytes 0..5: pixel 0 = (0,1,2), pixel 1 = (3,4,5)
    const [b] = [...batches(ds, [0], { batchSize: 1, normalize: { mean: [0, 0.5, 1], std: [1, 2, 4] } })];
    const x = Array.from(b?.x.dataSync() ?? []);
    const expected = [0, 1, 2, 3, 4, 5].map((v, k) => (v / 255 - [0, 0.5, 1][k % 3]!) / [1, 2, 4][k % 3]!);
    x.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
    if (b) tf.dispose([b.x, b.y]);
  });

  it('shuffles and augments reproducibly from the seed', () => {
    const ds = synthetic(12, 6, 6, 3);
    const indices = Array.from({ length: 12 }, (_, i) => i);
    const run = (seed: number): number[][] =>
      [...batches(ds, indices, { batchSize: 5, shuffle: true, rng: new SeededRng(seed), augment: { cropPadding: 2, horizontalFlip: true } })].map((b) => {
        const values = [...Array.from(b.indices), ...Array.from(b.x.dataSync())];
        tf.dispose([b.x, b.y]);
        return values;
      });
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    expect(run(5)[0]?.slice(0, 5)).not.toEqual([0, 1, 2, 3, 4]);
  });

  it('crops with zero padding and flips as torchvision does', () => {
    // One 1x3 image (w=3, gray) [10, 20, 30]; find draws giving a pure flip and a shifted crop.
    const ds: ImageDataset = { ...synthetic(1, 1, 3, 1), images: Uint8Array.from([10, 20, 30]) };
    const seen = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const [b] = [...batches(ds, [0], { batchSize: 1, rng: new SeededRng(seed), augment: { cropPadding: 1, horizontalFlip: true } })];
      if (!b) continue;
      seen.add(Array.from(b.x.dataSync(), (v) => Math.round(v * 255)).join(','));
      tf.dispose([b.x, b.y]);
    }
    // dy != 0 moves the single row out of the image: all padding.
    expect(seen).toContain('0,0,0');
    expect(seen).toContain('10,20,30'); // identity
    expect(seen).toContain('30,20,10'); // flip only
    expect(seen).toContain('0,10,20'); // dx = -1: shifted right, zero on the left
    expect(seen).toContain('20,30,0'); // dx = +1
    expect(seen).toContain('20,10,0'); // dx = -1 then flip: crop [0,10,20] mirrored
    for (const s of seen) expect(['0,0,0', '10,20,30', '30,20,10', '0,10,20', '20,30,0', '20,10,0', '0,30,20']).toContain(s);
  });

  it('leaks no tensor, even when the loop stops early', () => {
    const ds = synthetic(20, 4, 4, 1);
    const indices = Array.from({ length: 20 }, (_, i) => i);
    const before = tf.memory().numTensors;
    for (const b of batches(ds, indices, { batchSize: 3, shuffle: true, rng: new SeededRng(1), augment: { horizontalFlip: true } })) tf.dispose([b.x, b.y]);
    for (const b of batches(ds, indices, { batchSize: 3 })) {
      tf.dispose([b.x, b.y]);
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('needs an rng to shuffle and rejects indices outside the dataset', () => {
    const ds = synthetic(2, 1, 1, 1);
    expect(() => batches(ds, [0], { batchSize: 1, shuffle: true }).next()).toThrow(/needs a seeded rng/);
    expect(() => batches(ds, [2], { batchSize: 1 }).next()).toThrow(/index 2 at position 0 is outside/);
    expect(() => batches(ds, [0], { batchSize: 1, normalize: { mean: [0, 0, 0], std: [1, 1, 1] } }).next()).toThrow(/expected 1 mean and std/);
  });
});
