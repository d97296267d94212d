/**
 * A tiny GM+RSPS experiment for resume tests (in process and as real job processes): C=2 NB201
 * on 80 bundled images (64 for training, 4 steps per epoch), 4 epochs with splits at 1 and 2
 * (three GM decisions), four leaves trained 2 epochs each (so a leaf has an epoch checkpoint),
 * R=2, 3 architectures searched per leaf, successive halving over the 4 candidates (4
 * trainings, then 2). The root space keeps 3 ops on 3 edges and 1 on the others (as an
 * ABS-shrunk space, gm.initialState): the GM score runs every op of every open edge, and on the
 * full space the three decisions took half of the run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseExperimentConfig } from '../../electron/engine/config/experimentConfig';
import type { ExperimentConfig } from '../../electron/engine/config/experimentConfig';
import { getPreset } from '../../electron/engine/presets/presets';

export const TINY_GM_ROOT_SPACE = [
  ['none', 'skip_connect', 'nor_conv_3x3'],
  ['skip_connect', 'nor_conv_1x1', 'avg_pool_3x3'],
  ['nor_conv_3x3', 'nor_conv_1x1', 'skip_connect'],
  ['nor_conv_3x3'],
  ['skip_connect'],
  ['nor_conv_1x1'],
];

/** The tiny run of `preset` (default GM+RSPS; also nb201-fashion-fewshot and -oneshot) over `epochs`. */
export function tinyGmConfig(preset = 'nb201-fashion-gm', epochs = 4): ExperimentConfig {
  const base = getPreset(preset);
  return parseExperimentConfig(
    {
      ...base,
      name: `tiny-${preset}`,
      maxTrainImages: 80,
      valFraction: 0.2,
      network: { channels: 2, cellsPerStage: 1 },
      training: { ...base.training, epochs, batchSize: 16 },
      standalone: { ...base.standalone!, batchSize: 16 },
      gm: { ...base.gm!, initialState: { remaining: TINY_GM_ROOT_SPACE }, repeats: 2, bootstrap: 20, archsPerLeaf: 3, searchValImages: 16, finalPick: { halvingEpochs: 1, halvingTrainImages: 32 } },
    },
    'test',
  );
}

/** Writes the tiny config as a config file in `dir` and returns its path. */
export function writeTinyGmConfig(dir: string): string {
  const file = path.join(dir, 'tiny-gm.json');
  fs.writeFileSync(file, JSON.stringify(tinyGmConfig(), null, 1));
  return file;
}
