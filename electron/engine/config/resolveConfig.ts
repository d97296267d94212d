/**
 * Turns what the user gave (a preset name or a config file, plus command-line overrides) into
 * one validated ExperimentConfig, the only thing a job process receives.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import { getPreset } from '../presets/presets';
import { parseExperimentConfig } from './experimentConfig';
import type { DatasetConfig, ExperimentConfig } from './experimentConfig';

export interface ConfigOverrides {
  epochs?: number | undefined;
  seed?: number | undefined;
  maxTrainImages?: number | undefined;
  /** A dataset folder; its kind is detected from the files in it. */
  dataPath?: string | undefined;
}

/** True when `ref` names a config file rather than a preset. */
export function isConfigFile(ref: string): boolean {
  return ref.endsWith('.json') || ref.includes('/') || ref.includes('\\');
}

/** Reads and validates a config file, with messages that name the file. */
export function readConfigFile(file: string): ExperimentConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new NasError('INVALID_CONFIG', `Cannot read the config file ${file}: ${(error as Error).message}`, { fix: 'Check the path, or use a preset name (`nas-shrink presets`).' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new NasError('INVALID_CONFIG', `${file} is not valid JSON: ${(error as Error).message}`, { fix: 'Fix the JSON syntax; `nas-shrink presets --json` prints valid configs.' });
  }
  return parseExperimentConfig(raw, file);
}

/** Guesses a dataset folder's kind from the files in it. */
export function detectDataset(dir: string): DatasetConfig {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    throw new NasError('DATASET_MISSING', `The dataset folder ${dir} does not exist or cannot be read.`, { fix: 'Pass an existing folder with --data.' });
  }
  const has = (re: RegExp): boolean => names.some((n) => re.test(n));
  if (has(/^train-images-idx3-ubyte(\.gz)?$/)) return { kind: 'idx', path: dir };
  if (has(/^data_batch_1\.bin$/)) return { kind: 'cifar10', path: dir };
  if (has(/^train\.bin$/) && has(/^test\.bin$/)) return { kind: 'cifar100', path: dir };
  if (names.some((n) => fs.statSync(path.join(dir, n), { throwIfNoEntry: false })?.isDirectory())) return { kind: 'folder', path: dir };
  throw new NasError('DATASET_MISSING', `${dir} holds no dataset this app reads.`, {
    fix: 'Use a folder of IDX files (train-images-idx3-ubyte[.gz] ...), CIFAR-10/100 binary batches, or one sub-folder of images per class.',
  });
}

/** The config of a preset or a config file, with the overrides applied and validated again. */
export function resolveConfig(ref: string, overrides: ConfigOverrides = {}): ExperimentConfig {
  const base = isConfigFile(ref) ? readConfigFile(path.resolve(ref)) : getPreset(ref);
  return applyOverrides(base, overrides, isConfigFile(ref) ? ref : `preset ${ref}`);
}

/** Applies command-line overrides to a config. `epochs` sets the recipe the method trains. */
export function applyOverrides(base: ExperimentConfig, overrides: ConfigOverrides, source: string): ExperimentConfig {
  const next: Record<string, unknown> = { ...base };
  if (overrides.seed !== undefined) next['seed'] = overrides.seed;
  if (overrides.maxTrainImages !== undefined) next['maxTrainImages'] = overrides.maxTrainImages;
  if (overrides.dataPath !== undefined) next['dataset'] = detectDataset(path.resolve(overrides.dataPath));
  if (overrides.epochs !== undefined) {
    if ((base.method === 'standalone' || base.method === 'ground-truth') && base.standalone) next['standalone'] = { ...base.standalone, epochs: overrides.epochs };
    else next['training'] = { ...base.training, epochs: overrides.epochs };
  }
  return parseExperimentConfig(next, source);
}
