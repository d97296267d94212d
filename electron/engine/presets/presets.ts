/**
 * Built-in presets: named, complete experiment configs. `nas-shrink presets` lists them, the UI
 * shows them as cards, `nas-shrink presets --json` prints them as starting points for config
 * files. Each is validated by the same schema as a config file when this module loads.
 */
import type { PresetSummary } from '../../../shared/model/job';
import { NasError } from '../../../shared/errors';
import { parseExperimentConfig } from '../config/experimentConfig';
import type { ExperimentConfig, ExperimentConfigInput } from '../config/experimentConfig';

export type PresetDefinition = ExperimentConfig;

/** Stand-alone training of one NB201 architecture (ALGORITHMS.md "Project decisions"). */
const NB201_STANDALONE = {
  epochs: 5,
  batchSize: 128,
  schedule: { kind: 'cosine', lr: 0.1, lrMin: 0, granularity: 'step' },
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
} as const;

/** NB201 supernet training (ALGORITHMS.md "Project decisions", preset nb201-fashion). */
const NB201_SUPERNET_TRAINING = {
  batchSize: 64,
  schedule: { kind: 'cosine', lr: 0.025, lrMin: 0.001, granularity: 'step' },
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
} as const;

const inputs: ExperimentConfigInput[] = [
  {
    name: 'cnn-fashion',
    title: 'Plain CNN on Fashion-MNIST',
    description:
      'A small two-layer CNN trained for one epoch on the bundled Fashion-MNIST sample, streaming loss and accuracy: proves the job pipeline end to end.',
    method: 'cnn',
    seed: 0,
    dataset: { kind: 'bundled' },
    training: { epochs: 1, batchSize: 32, schedule: { kind: 'constant', lr: 0.05 }, momentum: 0.9, nesterov: true, weightDecay: 0 },
  },
  {
    name: 'nb201-fashion',
    title: 'NB201 supernet on Fashion-MNIST',
    description:
      'Trains the NAS-Bench-201 weight-sharing supernet (C=8, N=1, 15,625 architectures) by uniform single-path sampling on Fashion-MNIST 28x28, as ABS does before it scores operators. `nas-shrink eval ARCH --preset nb201-fashion` trains one cell stand-alone.',
    method: 'supernet',
    seed: 0,
    dataset: { kind: 'bundled' },
    valFraction: 1 / 6,
    space: { kind: 'nb201' },
    network: { channels: 8, cellsPerStage: 1 },
    training: { ...NB201_SUPERNET_TRAINING, epochs: 5 },
    standalone: NB201_STANDALONE,
    sampler: 'uniform',
  },
  {
    name: 'nb201-fashion-abs',
    title: 'ABS on NB201 with Fashion-MNIST',
    description:
      'Angle-based search-space shrinking: trains the NB201 supernet, scores all 15,625 architectures by the angle of their cell weights, drops 20 of the 30 operators in one step as ABS does on NB201, then runs an evolutionary search in the shrunk space with accuracy after BN recalibration as fitness.',
    method: 'abs',
    seed: 0,
    dataset: { kind: 'bundled' },
    valFraction: 1 / 6,
    space: { kind: 'nb201' },
    network: { channels: 8, cellsPerStage: 1 },
    training: { ...NB201_SUPERNET_TRAINING, epochs: 3 },
    standalone: NB201_STANDALONE,
    sampler: 'uniform',
    abs: {
      // angle-cells, not the official vector: on this small supernet (C=8, N=1) the fixed parts
      // dominate the official vector and its ranking is near random (ALGORITHMS.md "Two angle
      // vectors": tau -0.1..0.17 against 0.57..0.60 for the cells-only vector).
      metric: 'angle-cells',
      policy: { kind: 'global', count: 20 },
      targetSize: 1000,
      search: { name: 'evolution', population: 20, generations: 8, parents: 5, crossovers: 8, mutationProbability: 0.5, triesPerCandidate: 10, topK: 2 },
      searchValImages: 1000,
    },
  },
];

inputs.push({
  name: 'nb201-fashion-truth',
  title: 'Ground truth: 30 NB201 cells trained stand-alone',
  description:
    'Trains 30 distinct NB201 cells (uniformly sampled, seeded) stand-alone on Fashion-MNIST with the nb201-fashion recipe and writes ground-truth.csv, the table `nas-shrink tau` ranks the supernet metrics against.',
  method: 'ground-truth',
  seed: 0,
  dataset: { kind: 'bundled' },
  space: { kind: 'nb201' },
  network: { channels: 8, cellsPerStage: 1 },
  training: { epochs: 1, batchSize: 64, schedule: { kind: 'constant', lr: 0.1 } },
  standalone: { ...NB201_STANDALONE, epochs: 2 },
  groundTruth: { count: 30, sampleSeed: 0 },
});

/**
 * GM-NAS, few-shot NAS and the one-shot baseline (method gm, ADR 0007): the same supernet recipe,
 * data and search budget; they differ only in the split schedule. Budget = the sum over
 * sub-supernets of the epochs each trains (node-epochs): GM 1 + 2x1 + 4x1 = 7, few-shot 2 + 5x1 =
 * 7, one-shot 7. Search: 100 RSPS evaluations in all (4x25, 5x20, 1x100). GM+DARTS has the same
 * 7 node-epochs (its epochs pass over the weight half of the training split, B5) and derives
 * one candidate per leaf from alpha instead of searching.
 */
const NB201_GM_BASE = {
  seed: 0,
  dataset: { kind: 'bundled' },
  valFraction: 1 / 6,
  space: { kind: 'nb201' },
  network: { channels: 8, cellsPerStage: 1 },
  standalone: NB201_STANDALONE,
  sampler: 'uniform',
} as const;
const GM_SEARCH = { searchValImages: 1000, finalPick: { halvingEpochs: 1, halvingTrainImages: 2000 } } as const;

inputs.push(
  {
    ...NB201_GM_BASE,
    name: 'nb201-fashion-gm',
    title: 'GM-NAS (GM+RSPS) on NB201 with Fashion-MNIST',
    description:
      'GM-NAS with random single-path training: trains the NB201 supernet, splits it at epochs 1 and 2 of 3 (GM+RSPS splits at 20 and 40 of 90, scaled by --epochs) on the edge whose operators disagree most on the shared weights (gradient matching over R=100 batches, as the paper), into 4 sub-supernets; the final split restarts them. Each leaf is searched by RSPS (25 random architectures, validation accuracy after BN recalibration); successive halving with short stand-alone training picks among the 4. Budget: 7 supernet node-epochs (1 + 2x1 + 4x1), the same as nb201-fashion-fewshot and nb201-fashion-oneshot.',
    method: 'gm',
    training: { ...NB201_SUPERNET_TRAINING, epochs: 3 },
    gm: { setting: 'nb201-gm-rsps', rule: 'gm', edgeRule: 'max-cross', repeats: 100, gmMode: 'rsps', bootstrap: 200, archsPerLeaf: 25, ...GM_SEARCH },
  },
  {
    ...NB201_GM_BASE,
    name: 'nb201-fashion-gm-darts',
    title: 'GM-NAS (GM+DARTS, first order) on NB201 with Fashion-MNIST',
    description:
      'GM-NAS with DARTS-style mixed training: trains the mixed NB201 supernet (every edge the softmax(alpha)-weighted sum of its operators; alpha frozen at uniform until the final split), splits it at epochs 1 and 2 of 3 (GM+DARTS splits at 15 and 30 of 60, scaled by --epochs) by gradient matching on the mixed supernet (R=10, not 100 as in the paper: a mixed-mode decision runs every operator of every edge, about 10x an RSPS one), into 4 sub-supernets that restart. After the final split each leaf trains its weights on one half of the training split and alpha on the other (first-order DARTS; Adam 3e-4, betas 0.5/0.999, wd 1e-3; gradient norm clipped at 5), and derives its candidate as argmax alpha per edge; successive halving with short stand-alone training picks among the 4. Budget: 7 supernet node-epochs (1 + 2x1 + 4x1), as nb201-fashion-gm, -fewshot and -oneshot.',
    method: 'gm',
    training: { ...NB201_SUPERNET_TRAINING, epochs: 3, clip: { kind: 'norm', maxNorm: 5 } },
    gm: { setting: 'nb201-gm-darts', search: 'darts', rule: 'gm', edgeRule: 'max-cross', repeats: 10, gmMode: 'mixed', bootstrap: 200, ...GM_SEARCH },
  },
  {
    ...NB201_GM_BASE,
    name: 'nb201-fashion-fewshot',
    title: 'Few-shot NAS on NB201 with Fashion-MNIST',
    description:
      'Few-shot NAS: trains the one-shot NB201 supernet for 2 of 3 epochs (600 of 900 in the paper, scaled by --epochs), then splits edge 1<-0 exhaustively into 5 sub-supernets (one per operator) that inherit its weights and train 1 epoch each with a new cosine. Each leaf is searched by RSPS (20 random architectures); successive halving picks among the 5. Budget: 7 supernet node-epochs (2 + 5x1), the same as nb201-fashion-gm and nb201-fashion-oneshot.',
    method: 'gm',
    training: { ...NB201_SUPERNET_TRAINING, epochs: 3 },
    gm: { setting: 'nb201-fewshot', rule: 'exhaustive', predefinedEdges: [0], archsPerLeaf: 20, ...GM_SEARCH },
  },
  {
    ...NB201_GM_BASE,
    name: 'nb201-fashion-oneshot',
    title: 'One-shot baseline (RSPS) on NB201 with Fashion-MNIST',
    description:
      'The one-shot baseline of nb201-fashion-gm and nb201-fashion-fewshot: one NB201 supernet trained by uniform single-path sampling for 7 epochs (their budget of 7 supernet node-epochs), never split, then RSPS search over 100 random architectures (validation accuracy after BN recalibration).',
    method: 'gm',
    training: { ...NB201_SUPERNET_TRAINING, epochs: 7 },
    gm: { setting: 'nb201-oneshot', archsPerLeaf: 100, ...GM_SEARCH },
  },
);

const presets: PresetDefinition[] = inputs.map((p) => parseExperimentConfig(p, `preset ${p.name}`));

export function listPresets(): readonly PresetDefinition[] {
  return presets;
}

/** The preset called `name`, or a NasError that lists the known ones. */
export function getPreset(name: string): PresetDefinition {
  const preset = presets.find((p) => p.name === name);
  if (!preset) {
    throw new NasError('UNKNOWN_PRESET', `Unknown preset '${name}'.`, {
      fix: `Use one of: ${presets.map((p) => p.name).join(', ')} (see \`nas-shrink presets\`), or pass a config file (config.json).`,
    });
  }
  return preset;
}

/** How the UI and `nas-shrink presets` describe a dataset config. */
export function describeDataset(config: ExperimentConfig): string {
  const d = config.dataset;
  return d.kind === 'bundled' ? 'bundled Fashion-MNIST sample' : `${d.kind} at ${d.path}`;
}

export function presetSummary(p: PresetDefinition): PresetSummary {
  const trainsStandalone = p.method === 'standalone' || p.method === 'ground-truth';
  return { name: p.name, title: p.title, description: p.description, method: p.method, dataset: describeDataset(p), epochs: trainsStandalone && p.standalone ? p.standalone.epochs : p.training.epochs };
}
