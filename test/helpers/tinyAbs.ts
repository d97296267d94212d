/**
 * A tiny ABS experiment for tests that run real job processes: C=2 NB201 supernet on 320
 * images of the bundled sample (240 for training), 15 steps per epoch, two epochs before the first shrink step and
 * one between steps (three steps, six operators each, down to 36 architectures), a two-
 * generation evolutionary search. About 20 s on the wasm path.
 */
import { resolveConfig } from '../../electron/engine/config/resolveConfig';
import type { ExperimentConfig } from '../../electron/engine/config/experimentConfig';

export function tinyAbsConfig(): ExperimentConfig {
  const base = resolveConfig('nb201-fashion-abs', {});
  const abs = base.abs;
  if (!abs) throw new Error('nb201-fashion-abs has no abs section');
  return {
    ...base,
    name: 'tiny-abs',
    maxTrainImages: 320,
    valFraction: 0.25,
    network: { ...base.network, channels: 2, cellsPerStage: 1 },
    training: { ...base.training, epochs: 2, batchSize: 16 },
    abs: {
      ...abs,
      policy: { kind: 'global', count: 6 },
      targetSize: 200,
      epochsPerStep: 1,
      search: { ...abs.search, population: 4, generations: 2, parents: 2, crossovers: 1, topK: 2 } as typeof abs.search,
      searchValImages: 32,
    },
  };
}
