/** Maps a config's dataset (no split) to the loader's spec for one split. */
import type { DatasetSpec } from '../data';
import type { DatasetConfig } from './experimentConfig';

export function datasetSpec(config: DatasetConfig, split: 'train' | 'test', maxImages?: number): DatasetSpec {
  return config.kind === 'bundled' ? { kind: 'bundled', split, maxImages } : { ...config, split, maxImages };
}
