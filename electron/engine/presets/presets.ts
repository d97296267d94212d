/**
 * Built-in presets: named, complete experiment configurations. `nas-shrink presets` lists them
 * and the UI shows them as cards. Each names the method whose runner executes it
 * (electron/engine/jobs/runners.ts).
 */
import type { PresetSummary } from '../../../shared/model/job';
import { NasError } from '../../../shared/errors';

export const METHODS = ['cnn'] as const;
export type Method = (typeof METHODS)[number];

export interface PresetDefinition extends PresetSummary {
  method: Method;
  /** Default seed of the preset (`--seed` overrides it). */
  seed: number;
  batchSize: number;
  learningRate: number;
}

const presets: PresetDefinition[] = [
  {
    name: 'cnn-fashion',
    title: 'Plain CNN on Fashion-MNIST',
    description:
      'A small two-layer CNN trained for one epoch on the bundled Fashion-MNIST sample, streaming loss and accuracy: proves the job pipeline end to end until the NAS presets land.',
    method: 'cnn',
    dataset: 'bundled Fashion-MNIST sample',
    epochs: 1,
    seed: 0,
    batchSize: 32,
    learningRate: 0.05,
  },
];

export function listPresets(): readonly PresetDefinition[] {
  return presets;
}

/** The preset called `name`, or a NasError that lists the known ones. */
export function getPreset(name: string): PresetDefinition {
  const preset = presets.find((p) => p.name === name);
  if (!preset) {
    throw new NasError('UNKNOWN_PRESET', `Unknown preset '${name}'.`, {
      fix: `Use one of: ${presets.map((p) => p.name).join(', ')} (see \`nas-shrink presets\`).`,
    });
  }
  return preset;
}

export function presetSummary(p: PresetDefinition): PresetSummary {
  return { name: p.name, title: p.title, description: p.description, method: p.method, dataset: p.dataset, epochs: p.epochs };
}
