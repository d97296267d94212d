/** Shared fixtures of the metric tests: tiny supernets, reference snapshots, synthetic data. */
import * as tf from '@tensorflow/tfjs';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import type { NamedArray } from '../../../electron/engine/store/checkpoint';
import { Nb201Supernet, type Nb201SupernetConfig } from '../../../electron/engine/supernet/nb201Supernet';
import type { Supernet } from '../../../electron/engine/supernet/supernet';
import type { ImageDataset } from '../../../electron/engine/data';
import type { ExperimentData } from '../../../electron/engine/runners/experimentData';

/** The supernet's weights as a 'reference' checkpoint would hold them: `model/<logical>` arrays. */
export function referenceArrays(net: Pick<Supernet, 'params'>): Record<string, NamedArray> {
  const out: Record<string, NamedArray> = {};
  for (const [name, v] of net.params.entries()) out[`model/${name}`] = { shape: [...v.shape], dtype: 'float32', data: Float32Array.from(v.dataSync()) };
  return out;
}

/**
 * Adds seeded noise (times `scale`) to the weights; running statistics get large noise too when
 * `stats`, so tests can check they never enter the angle.
 */
export function perturb(net: Pick<Supernet, 'params'>, seed: number, scale: number, stats = false): void {
  const rng = new SeededRng(seed);
  for (const [name, v] of net.params.entries()) {
    const isStat = /running_(mean|var)$/.test(name);
    if (isStat && !stats) continue;
    const noise = Float32Array.from({ length: v.size }, () => rng.normal() * (isStat ? 3 : scale));
    tf.tidy(() => v.assign(isStat ? tf.abs(tf.add(v, tf.tensor(noise, v.shape))) : tf.add(v, tf.tensor(noise, v.shape))));
  }
}

/** A tiny NB201 supernet (1-channel input, 3 classes). */
export function tinyNet(channels: number, cellsPerStage: number, seed = 1): Nb201Supernet {
  const config: Nb201SupernetConfig = { channels, cellsPerStage, inputChannels: 1, numClasses: 3, seed };
  return new Nb201Supernet(config);
}

/** A random NB201 architecture from `rng`. */
export function randomArch(rng: SeededRng, ops: readonly string[]): string[] {
  return Array.from({ length: 6 }, () => ops[rng.int(ops.length)] as string);
}

/**
 * A synthetic 8x8x1, 3-class dataset whose class is readable from the pixels (bright rows), as
 * ExperimentData with the first `train` images for training and the rest for validation.
 */
export function syntheticData(size: number, train: number, seed = 3): ExperimentData {
  const rng = new SeededRng(seed);
  const labels = Uint8Array.from({ length: size }, () => rng.int(3));
  const images = new Uint8Array(size * 64);
  for (let n = 0; n < size; n++) {
    for (let i = 0; i < 64; i++) {
      const row = Math.floor(i / 8);
      const bright = Math.floor(row / 3) === labels[n];
      images[n * 64 + i] = Math.min(255, (bright ? 160 : 40) + rng.int(60));
    }
  }
  const dataset: ImageDataset = { name: 'synthetic', split: 'train', height: 8, width: 8, channels: 1, numClasses: 3, classNames: ['a', 'b', 'c'], size, images, labels };
  return {
    train: dataset,
    test: dataset,
    trainIndices: Int32Array.from({ length: train }, (_, i) => i),
    valIndices: Int32Array.from({ length: size - train }, (_, i) => train + i),
    normalize: { mean: [0.4], std: [0.25] },
    augment: null,
  };
}
