/**
 * The complete, validated description of an experiment: what a preset is, what a config file
 * holds, what experiment.json records. Every field is checked here, once, with a message per
 * bad field, before a job process starts.
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { scheduleConfigSchema } from '../train/schedules';
import { clipConfigSchema } from '../train/gradientClipping';
import { createSearchSpace, spaceConfigSchema } from '../space/registry';
import { fullState, stateSize } from '../space/spaceState';
import { shrinkPolicySchema } from '../shrink/shrinkPolicy';
import { strategyConfigSchema } from '../search/searchConfig';
import { metricNames } from '../metrics/registry';
import { gmConfigSchema } from '../split/gmConfig';
import { gmSearchIssues } from '../split/gmDartsConfig';
import { splitEpochs } from '../split/splitSchedule';

const path = z.string().min(1);

/** Where the images come from (the split is chosen by the runner). */
export const datasetConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bundled') }),
  z.strictObject({ kind: z.literal('idx'), path, name: z.string().min(1).optional() }),
  z.strictObject({ kind: z.literal('cifar10'), path }),
  z.strictObject({ kind: z.literal('cifar100'), path }),
  z.strictObject({ kind: z.literal('folder'), path }),
]);
export type DatasetConfig = z.infer<typeof datasetConfigSchema>;

/** One training recipe: used for supernet training, stand-alone training and the CNN job. */
export const trainingConfigSchema = z.strictObject({
  epochs: z.number().int().min(1).max(10_000),
  batchSize: z.number().int().min(1).max(4096),
  schedule: scheduleConfigSchema,
  momentum: z.number().min(0).lt(1).default(0.9),
  nesterov: z.boolean().default(true),
  /** L2 weight decay, applied to conv kernels and the classifier only (ALGORITHMS.md E3). */
  weightDecay: z.number().min(0).max(1).default(0),
  labelSmoothing: z.number().min(0).lt(1).default(0),
  clip: clipConfigSchema.default({ kind: 'none' }),
});
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

/** The supernet's size (the NB201 skeleton: C channels in the first stage, N cells per stage). */
export const networkConfigSchema = z.strictObject({
  channels: z.number().int().min(1).max(512),
  cellsPerStage: z.number().int().min(1).max(20),
});

/**
 * The downstream supernet of ABS (ALGORITHMS.md A4 "Combination with the downstream NAS", E7):
 * a freshly initialised supernet trained only on the shrunk space, by FairNAS strict fairness
 * or uniform single-path sampling, with the experiment's training recipe; the search then runs
 * on it. Without this section the search runs on the shrinking supernet.
 */
export const absDownstreamConfigSchema = z.strictObject({
  sampler: z.enum(['fairnas', 'uniform']),
  /** Epochs of the fresh supernet (FairNAS: each epoch has 1/m of the steps, m paths each). */
  epochs: z.number().int().min(1).max(10_000),
});
export type AbsDownstreamConfig = z.infer<typeof absDownstreamConfigSchema>;

/** ABS: train, score, drop until the space is small enough, then search it (ALGORITHMS.md A4). */
export const absConfigSchema = z.strictObject({
  /** The metric that ranks operators: `angle` (official vector) or `angle-cells` (cells only), or an accuracy/magnitude baseline. */
  metric: z.string().min(1).default('angle'),
  policy: shrinkPolicySchema,
  /** Stop shrinking once the space holds at most this many architectures. */
  targetSize: z.number().int().positive(),
  /** Supernet epochs between later shrink steps (the first step comes after training.epochs). */
  epochsPerStep: z.number().int().min(0).default(0),
  /** The search in the shrunk space, fitness = validation accuracy after BN recalibration. */
  search: strategyConfigSchema.default({ name: 'evolution', population: 50, generations: 20, parents: 10, crossovers: 25, mutationProbability: 0.5, triesPerCandidate: 10, topK: 2 }),
  /**
   * Children per operator when the space is too large to enumerate (DARTS, MobileNet-like) or
   * the metric needs a forward pass per child (A1 sampled mode). Default: 1000 for the angle
   * metrics (ABS's sample_num), 25 for accuracy.
   */
  sampledChildren: z.number().int().positive().max(100_000).optional(),
  /** Validation images per fitness evaluation (a fixed random subset; all when larger). */
  searchValImages: z.number().int().positive().default(1000),
  /**
   * The metrics results.json gives for each best architecture (default: every metric). The
   * magnitude metric trains alpha in mixed mode, slow on DARTS and MobileNet supernets.
   */
  bestMetrics: z.array(z.string().min(1)).optional(),
  /** A fresh supernet on the shrunk space for the search (absent: search the shrinking supernet). */
  downstream: absDownstreamConfigSchema.optional(),
  /** Train this many of the best architectures stand-alone with the `standalone` recipe (0: none). */
  standaloneTopK: z.number().int().min(0).max(100).default(0),
});
export type AbsConfig = z.infer<typeof absConfigSchema>;

/** A ground-truth job: which architectures to train stand-alone. */
export const groundTruthConfigSchema = z.strictObject({
  /** Explicit architectures (canonical strings); else `count` distinct uniform samples. */
  architectures: z.array(z.string().min(1)).min(1).optional(),
  count: z.number().int().min(1).max(15_625).default(30),
  sampleSeed: z.number().int().min(0).default(0),
});

export const METHODS = ['cnn', 'supernet', 'standalone', 'abs', 'ground-truth', 'gm'] as const;
export type Method = (typeof METHODS)[number];

export const experimentConfigSchema = z
  .strictObject({
    /** Preset name, or the name given in a config file. */
    name: z.string().min(1).max(100),
    title: z.string().min(1),
    description: z.string(),
    method: z.enum(METHODS),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    dataset: datasetConfigSchema,
    /** Use at most this many training images (balanced over classes): quick trials. */
    maxTrainImages: z.number().int().positive().optional(),
    /** Fraction of the training images held out as the validation split. */
    valFraction: z.number().gt(0).max(0.5).default(0.1),
    space: spaceConfigSchema.default({ kind: 'nb201' }),
    /**
     * The supernet's size, per space: nb201 {channels, cellsPerStage}, darts {channels, cells,
     * stemMultiplier?, poolBnAffine?}, mobilenet {} (the space config sets the widths). Checked
     * against the space when the supernet is built (createSupernet).
     */
    network: z.record(z.string(), z.unknown()).default({ channels: 8, cellsPerStage: 1 }),
    /** Supernet training (method supernet), or the CNN's training (method cnn). */
    training: trainingConfigSchema,
    /** Stand-alone training of one architecture (method standalone, `nas-shrink eval`). */
    standalone: trainingConfigSchema.optional(),
    /** The architecture trained by method standalone (canonical string of the space). */
    architecture: z.string().min(1).optional(),
    /** Uniform single-path sampling (SPOS/RSPS) or FairNAS strict fairness. */
    sampler: z.enum(['uniform', 'fairnas']).default('uniform'),
    /** Angle-based shrinking (method abs). */
    abs: absConfigSchema.optional(),
    /** Stand-alone training of a set of architectures (method ground-truth). */
    groundTruth: groundTruthConfigSchema.optional(),
    /** GM-NAS, few-shot NAS or the one-shot baseline (method gm; split/gmConfig.ts). */
    gm: gmConfigSchema.optional(),
  })
  .superRefine((config, ctx) => {
    if (config.method === 'standalone' && !config.architecture) {
      ctx.addIssue({ code: 'custom', path: ['architecture'], message: 'method standalone needs the architecture to train' });
    }
    // Checked here, before a job (and its experiment folder) exists: an unknown op fails at once.
    if (config.architecture) {
      try {
        createSearchSpace(config.space).parse(config.architecture);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['architecture'], message: (error instanceof NasError ? `${error.message}${error.fix ? ` ${error.fix}` : ''}` : String(error)).replace(/\.$/, '') });
      }
    }
    if (config.space.kind === 'nb201') {
      const n = networkConfigSchema.safeParse(config.network);
      if (!n.success) for (const i of n.error.issues) ctx.addIssue({ code: 'custom', path: ['network', ...i.path.map(String)], message: i.message });
    }
    if (config.abs && !metricNames().includes(config.abs.metric)) {
      ctx.addIssue({ code: 'custom', path: ['abs', 'metric'], message: `unknown metric '${config.abs.metric}' (known: ${metricNames().join(', ')})` });
    }
    if (config.method === 'ground-truth' && (!config.groundTruth || !config.standalone)) {
      ctx.addIssue({ code: 'custom', path: ['groundTruth'], message: 'method ground-truth needs a groundTruth section and a standalone recipe' });
    }
    for (const [i, name] of (config.abs?.bestMetrics ?? []).entries()) {
      if (!metricNames().includes(name)) ctx.addIssue({ code: 'custom', path: ['abs', 'bestMetrics', i], message: `unknown metric '${name}' (known: ${metricNames().join(', ')})` });
    }
    if (config.abs && config.abs.standaloneTopK > 0 && !config.standalone) {
      ctx.addIssue({ code: 'custom', path: ['abs', 'standaloneTopK'], message: 'training the best architectures stand-alone needs a standalone recipe' });
    }
    if (config.method === 'abs' && !config.abs) {
      ctx.addIssue({ code: 'custom', path: ['abs'], message: 'method abs needs an abs section (metric, policy, targetSize)' });
    }
    if (config.method === 'gm') {
      if (!config.gm) ctx.addIssue({ code: 'custom', path: ['gm'], message: 'method gm needs a gm section (setting, rule, repeats, ...)' });
      else {
        try {
          splitEpochs(config.gm.setting, config.training.epochs);
        } catch (error) {
          ctx.addIssue({ code: 'custom', path: ['training', 'epochs'], message: (error as Error).message });
        }
        for (const issue of gmSearchIssues(config.gm, config.sampler)) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
        if (config.gm.initialState && config.gm.fromAbs) ctx.addIssue({ code: 'custom', path: ['gm', 'fromAbs'], message: 'give either gm.initialState or gm.fromAbs, not both' });
        if (config.gm.setting !== 'nb201-oneshot' && !config.gm.finalPick.truth && !config.standalone) {
          ctx.addIssue({ code: 'custom', path: ['standalone'], message: 'the final pick by successive halving needs a standalone recipe (or give gm.finalPick.truth)' });
        }
      }
    }
    if (config.abs) {
      let size: number | null = null;
      try {
        size = stateSize(fullState(createSearchSpace(config.space)));
      } catch {
        // An invalid space is reported by its own schema.
      }
      if (size !== null && config.abs.targetSize >= size) {
        ctx.addIssue({ code: 'custom', path: ['abs', 'targetSize'], message: `must be smaller than the space (${size} architectures), got ${config.abs.targetSize}` });
      }
    }
  });
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;
/** A config as written by hand (defaults not yet filled in). */
export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;

/** Formats zod issues as `path: message` lines, one per bad field. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${i.path.map(String).join('.') || '(config)'}: ${i.message}`);
}

/**
 * Validates a config; throws NasError INVALID_CONFIG listing every bad field.
 * @param source where the config came from (a file path or `preset NAME`), for the message.
 */
export function parseExperimentConfig(raw: unknown, source: string): ExperimentConfig {
  const parsed = experimentConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = describeIssues(parsed.error.issues);
  throw new NasError('INVALID_CONFIG', `Invalid experiment config (${source}): ${lines.join('; ')}.`, {
    fix: 'Correct the fields named; `nas-shrink presets --json` shows complete, valid configs to start from.',
    details: lines,
  });
}
