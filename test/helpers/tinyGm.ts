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

/** Writes the tiny config (default: GM+RSPS) as a config file in `dir` and returns its path. */
export function writeTinyGmConfig(dir: string, config: ExperimentConfig = tinyGmConfig()): string {
  const file = path.join(dir, 'tiny-gm.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 1));
  return file;
}

/**
 * The tiny GM+DARTS run of the resume tests: the tiny GM run's space, R and halving, on the
 * nb201-gm-darts schedule over 4 epochs (splits at 1 and 2; four leaves train 2 epochs each with
 * alpha unfrozen), 120 bundled images (96 for training). alphaFraction 0.55 cuts them into 43
 * for the weights (2 steps per epoch) and 53 for alpha (3 batches per pass), so an epoch's end
 * falls inside an alpha pass, as on real data, and a leaf's second epoch starts a new pass.
 */
export function tinyGmDartsConfig(): ExperimentConfig {
  const base = tinyGmConfig('nb201-fashion-gm-darts', 4);
  return parseExperimentConfig({ ...base, name: 'tiny-nb201-fashion-gm-darts', maxTrainImages: 120, gm: { ...base.gm!, darts: { ...base.gm!.darts, alphaFraction: 0.55 } } }, 'test');
}
