/**
 * The training loop shared by every method that trains a weight-sharing supernet (plain
 * supernet training, ABS between shrink steps, later GM-NAS sub-supernets): one global LR
 * schedule over the whole run (ABS never re-initialises the supernet while shrinking, A4),
 * seeded sampling inside the current space state, progress and metric events, checkpoints.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { batchCount, batches } from '../data';
import type { ExperimentConfig } from '../config/experimentConfig';
import type { JobContext } from '../jobs/jobContext';
import { jobNow, stepBoundary } from '../jobs/jobContext';
import { SeededRng } from '../random/seededRng';
import type { ArchSampler, SamplerState } from '../sampler/archSampler';
import { createSampler } from '../sampler/registry';
import type { SearchSpace } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';
import type { CheckpointMeta, LoadedCheckpoint } from '../store/checkpoint';
import { saveTensorCheckpoint } from '../store/checkpointTensors';
import { recalibrateBn } from '../supernet/bnRecalibration';
import { createSupernet } from '../supernet/createSupernet';
import type { Supernet } from '../supernet/supernet';
import { assertFiniteLoss, type StepLocation } from '../train/finiteGuard';
import { createSchedule } from '../train/schedules';
import type { LrSchedule, ScheduleHorizon } from '../train/schedules';
import { SgdNesterov } from '../train/sgdNesterov';
import { evaluateSubset } from './evaluateSubset';
import type { ExperimentData } from './experimentData';
import { restoreSupernetMomentum, restoreSupernetWeights, supernetTensors } from './supernetCheckpoint';
import { supernetTrainStep } from './supernetTrainStep';
import type { StepOptions, StepResult } from './supernetTrainStep';

const METRIC_EVERY = 10;
const VAL_ARCHS = 5;
const CALIBRATION_IMAGES = 512;

/**
 * One weight step of the trainer, with supernetTrainStep's signature and contract (a non-finite
 * loss comes back without an update; the trainer stops the run). GM+DARTS replaces the
 * single-path step with a mixed-mode one (runners/gmDartsTraining.ts), which ignores `paths`.
 * `at`: where training is (zero-based epoch and step within it, the last checkpoint), for a
 * step that can stop the run itself (GM+DARTS's alpha step names it in its NAN_LOSS message).
 */
export type WeightStep = (net: Supernet, optimizer: SgdNesterov, x: tf.Tensor4D, labels: tf.Tensor1D, paths: readonly (readonly string[])[], lr: number, options: StepOptions, at?: StepLocation) => StepResult;

/** Tensors and JSON a trainer adds to each of its checkpoints (GM+DARTS: alpha and its Adam state). */
export interface CheckpointExtras {
  /** Borrowed references, read while the checkpoint is written; the trainer never disposes them. */
  readonly tensors: Record<string, tf.Tensor>;
  readonly meta: Record<string, unknown>;
}

/** What a trainer takes from elsewhere than the experiment config (GM-NAS sub-supernets, ABS's downstream supernet); defaults give the one-network trainer. */
export interface SupernetTrainerOptions {
  /** The tree node this trainer trains: tagged on metric events (`node`) and in the progress phase. */
  readonly node?: number;
  /** The LR schedule's horizon (B5 restarts: a new cosine from the split epoch); default {epochs: totalEpochs}. */
  readonly horizon?: ScheduleHorizon;
  /** The epoch training starts at (a child starts at its parent's split epoch). */
  readonly startEpoch?: number;
  /**
   * Seed of the weights, the sampler, the data order and evaluation draws (default config.seed).
   * ABS's downstream supernet uses another seed so that its initial weights are not the
   * shrinking supernet's angle reference (a fresh supernet, ALGORITHMS.md E7).
   */
  readonly seed?: number;
  /**
   * Seed of the initial weights alone (default: `seed`). GM-NAS gives every sub-supernet its own
   * data/sampler stream but the config's weight seed, so re-initialised siblings start equal.
   */
  readonly weightSeed?: number;
  /** Sampler config or name (default config.sampler). */
  readonly sampler?: unknown;
  /** The weight step (default supernetTrainStep: the sampled paths, single-path forward). */
  readonly weightStep?: WeightStep;
  /** Called at every checkpoint: more tensors and meta to save with the weights. */
  readonly checkpointExtras?: () => CheckpointExtras;
}

export class SupernetTrainer {
  readonly net: Supernet;
  readonly optimizer: SgdNesterov;
  private readonly schedule: LrSchedule;
  private readonly sampler: ArchSampler;
  private dataRng: SeededRng;
  private evalRng: SeededRng;
  readonly stepsPerEpoch: number;
  epoch = 0;
  globalStep = 0;
  images = 0;
  lastLoss = Number.NaN;
  lastCheckpoint: string | null = null;
  /** When training started on the job's clock (paused time excluded). */
  private readonly started: number;

  /**
   * @param totalEpochs the length of the one LR schedule (all training of the run).
   */
  constructor(
    readonly space: SearchSpace,
    private readonly config: ExperimentConfig,
    readonly data: ExperimentData,
    private readonly ctx: JobContext,
    readonly totalEpochs: number,
    private readonly options: SupernetTrainerOptions = {},
  ) {
    const recipe = config.training;
    const seed = options.seed ?? config.seed;
    const rng = new SeededRng(seed);
    this.epoch = options.startEpoch ?? 0;
    this.dataRng = rng.fork();
    this.sampler = createSampler(space, options.sampler ?? config.sampler, rng.fork());
    this.evalRng = rng.fork();
    this.net = createSupernet(space, config.network, { inputChannels: data.train.channels, numClasses: data.train.numClasses, seed: options.weightSeed ?? seed });
    this.optimizer = new SgdNesterov({ momentum: recipe.momentum, weightDecay: recipe.weightDecay, decayed: this.net.params.decayed });
    this.schedule = createSchedule(recipe.schedule, options.horizon ?? { epochs: totalEpochs });
    this.stepsPerEpoch = batchCount(data.trainIndices.length, recipe.batchSize, true);
    this.started = jobNow(ctx);
  }

  get imagesPerSec(): number {
    return this.images / Math.max(this.seconds, 1e-3);
  }

  get seconds(): number {
    return (jobNow(this.ctx) - this.started) / 1000;
  }

  private meta(extra: Record<string, unknown> = {}): CheckpointMeta {
    return {
      epoch: this.epoch,
      step: this.globalStep,
      rng: { data: this.dataRng.saveState(), eval: this.evalRng.saveState() },
      schedule: { position: this.epoch, config: this.config.training.schedule },
      extra: { sampler: this.sampler.saveState(), ...extra },
      ...(this.ctx.syncEvents ? { events: this.ctx.syncEvents() } : {}),
    };
  }

  /** Saves the weights (and momentum) as checkpoint `label`. */
  async checkpoint(label: string, extra: Record<string, unknown> = {}): Promise<void> {
    const more = this.options.checkpointExtras?.();
    await saveTensorCheckpoint(this.ctx.dir, label, { ...supernetTensors(this.net.params, this.optimizer), ...more?.tensors }, this.meta({ ...more?.meta, ...extra }));
    this.lastCheckpoint = label;
  }

  /** `{ node }` for metric events of a sub-supernet, nothing otherwise. */
  private get nodeTag(): { node?: number } {
    return this.options.node === undefined ? {} : { node: this.options.node };
  }

  /** The sampler's name (e.g. `fairnas`), for logs and results. */
  get samplerName(): string {
    return this.sampler.name;
  }

  /**
   * Optimizer steps of one epoch in `state`: every batch for a single-path sampler, 1/m of
   * them for a sampler of m paths per step (FairNAS runs m forward/backward passes per step,
   * so an epoch keeps the forward/backward budget of one pass: A4, iterations = epochs*iters/m).
   */
  stepsIn(state: SpaceState): number {
    return Math.max(1, Math.floor(this.stepsPerEpoch / this.sampler.pathsPerStep(state)));
  }

  /**
   * Frees the weights and momentum of operators shrinking dropped (ABS), so a long run does not
   * carry them to the end. Returns how many variables were released.
   */
  releaseOps(dropped: readonly { readonly choiceId: string; readonly op: string }[]): number {
    let count = 0;
    for (const { choiceId, op } of dropped) {
      const index = this.space.choices.findIndex((c) => c.id === choiceId);
      const names = index < 0 || !this.net.releaseOp ? [] : this.net.releaseOp(index, op);
      this.optimizer.forget(names);
      count += names.length;
    }
    return count;
  }

  /**
   * Continues from a checkpoint written by {@link checkpoint} at the end of an epoch: weights, BN
   * running statistics, momentum, the data-order, evaluation and sampler RNGs, the epoch and
   * step counters (the LR schedule's position). Training on from here draws exactly what an
   * uninterrupted run would have drawn. Must be called on a fresh trainer.
   * @throws NasError STORE_IO when the checkpoint belongs to another network or lacks a state.
   */
  restore(checkpoint: LoadedCheckpoint): void {
    const { meta } = checkpoint;
    const data = meta.rng['data'];
    const evaluation = meta.rng['eval'];
    const sampler = meta.extra['sampler'] as SamplerState | undefined;
    if (!data || !evaluation || !sampler) {
      throw new NasError('STORE_IO', `Checkpoint '${checkpoint.label}' has no training state (RNGs, sampler) to resume from.`, { fix: 'Resume needs an epoch checkpoint written by supernet training; start the experiment again.' });
    }
    restoreSupernetWeights(this.net.params, checkpoint.arrays);
    restoreSupernetMomentum(this.net.params, this.optimizer, checkpoint.arrays);
    this.dataRng = SeededRng.fromState(data);
    this.evalRng = SeededRng.fromState(evaluation);
    this.sampler.loadState(sampler);
    this.epoch = meta.epoch;
    this.globalStep = meta.step;
    this.lastCheckpoint = checkpoint.label;
  }

  /** Trains one epoch on paths sampled inside `state`; returns early when cancelled. */
  async trainEpoch(state: SpaceState, phase = this.options.node === undefined ? 'supernet' : `sub-supernet ${this.options.node}`): Promise<void> {
    const recipe = this.config.training;
    const { data, ctx } = this;
    const steps = this.stepsIn(state);
    const epoch = this.epoch;
    let step = 0;
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (const batch of batches(data.train, data.trainIndices, { batchSize: recipe.batchSize, shuffle: true, rng: this.dataRng, normalize: data.normalize, augment: data.augment, dropLast: true })) {
      const paths = this.sampler.next(state);
      const lr = this.schedule.lrAt(epoch + step / steps);
      const at = { epoch, step, lastCheckpoint: this.lastCheckpoint };
      const result = (this.options.weightStep ?? supernetTrainStep)(this.net, this.optimizer, batch.x, batch.y, paths, lr, { labelSmoothing: recipe.labelSmoothing, clip: recipe.clip }, at);
      const size = batch.indices.length;
      tf.dispose([batch.x, batch.y]);
      assertFiniteLoss(result.loss, { ...at, phase: 'supernet weights' });
      step += 1;
      this.globalStep += 1;
      this.images += size;
      lossSum += result.loss * size;
      correct += result.correct;
      seen += size;
      this.lastLoss = result.loss;
      const rate = this.imagesPerSec;
      const remaining = ((this.totalEpochs - epoch - 1) * steps + (steps - step)) * recipe.batchSize;
      ctx.emit({ type: 'progress', phase, epoch: epoch + 1, epochs: this.totalEpochs, step, steps, imagesPerSec: rate, etaSec: remaining / Math.max(rate, 1e-3) });
      if (step % METRIC_EVERY === 0 || step === steps) {
        ctx.emit({ type: 'metric', split: 'train', epoch: epoch + step / steps, step: this.globalStep, loss: lossSum / seen, accuracy: correct / seen, ...this.nodeTag });
        lossSum = 0;
        correct = 0;
        seen = 0;
      }
      await stepBoundary(ctx);
      if (ctx.cancelled()) return;
      if (step >= steps) break;
    }
    this.epoch += 1;
  }

  /** A seeded random draw of training images as float32 batches for BN recalibration; the caller disposes them. */
  calibrationBatches(images = CALIBRATION_IMAGES): tf.Tensor4D[] {
    const order = this.evalRng.permutation(this.data.trainIndices.length).slice(0, images).map((i) => this.data.trainIndices[i] as number);
    return [...batches(this.data.train, order, { batchSize: 256, normalize: this.data.normalize })].map((b) => {
      b.y.dispose();
      return b.x;
    });
  }

  /**
   * Mean validation accuracy of a few uniformly sampled architectures of `state`, each after BN
   * recalibration; the supernet's own running statistics are restored afterwards.
   */
  validate(state: SpaceState): number | null {
    if (this.data.valIndices.length === 0) return null;
    const sampler = createSampler(this.space, 'uniform', this.evalRng.fork());
    const calibration = this.calibrationBatches();
    const saved = this.net.params.entries().filter(([name]) => /\/running_(mean|var)$/.test(name)).map(([, v]) => [v, tf.clone(v)] as const);
    let loss = 0;
    let accuracy = 0;
    try {
      for (let i = 0; i < VAL_ARCHS; i++) {
        const arch = sampler.next(state)[0] as readonly string[];
        recalibrateBn(this.net.params, (x) => this.net.forward(x, arch, true), calibration);
        const result = evaluateSubset((x) => this.net.forward(x, arch, false), this.data.train, this.data.normalize, 256, this.data.valIndices);
        loss += result.loss / VAL_ARCHS;
        accuracy += result.accuracy / VAL_ARCHS;
      }
    } finally {
      for (const [v, copy] of saved) {
        v.assign(copy);
        copy.dispose();
      }
      tf.dispose(calibration);
    }
    this.ctx.emit({ type: 'metric', split: 'val', epoch: this.epoch, step: this.globalStep, loss, accuracy, ...this.nodeTag });
    return accuracy;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.net.dispose();
  }
}
