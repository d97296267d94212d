/**
 * GM+DARTS inside the GM runner (gm.search 'darts'; ALGORITHMS.md B2, B5, B6; ADR 0007): the
 * per-run part (the weight/alpha cut of the training split, every node's alpha record for
 * results.json and the tree) and, per sub-supernet, a {@link GmDartsNode} that owns its
 * architecture state, hands the trainer its mixed-mode weight step and checkpoint extras, and
 * derives the leaf's candidate. gmRunner.ts calls it at a few delimited places only.
 *
 * B5 inheritance of the architecture state: children of a non-final split load alpha and the
 * arch-Adam state from the parent's split checkpoint (`Inheritance.alpha/archOptimizer` =
 * parent); children of the final split (restart) start with alpha = 0 and a fresh Adam.
 */
import { NasError } from '../../../shared/errors';
import type { NodeArchDto, SubSupernetTreeDto } from '../../../shared/model/splitTree';
import type { ExperimentConfig } from '../config/experimentConfig';
import { SeededRng } from '../random/seededRng';
import type { SearchSpace } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';
import type { GmConfig } from '../split/gmConfig';
import type { GmDartsConfig } from '../split/gmDartsConfig';
import { gmSearchIssues } from '../split/gmDartsConfig';
import type { Inheritance } from '../split/splitSchedule';
import type { LoadedCheckpoint } from '../store/checkpoint';
import type { ExperimentData } from './experimentData';
import { archRecord, searchLeafByAlpha, withArchRecords } from './gmAlphaSearch';
import { NodeArchState } from './gmArchState';
import { dartsDataSplit, dartsWeightStep, endlessBatches } from './gmDartsTraining';
import type { DartsDataSplit } from './gmDartsTraining';
import type { LeafCandidate } from './gmSearch';
import type { SupernetTrainer, SupernetTrainerOptions } from './supernetTrainer';

/** Seed offsets of GM+DARTS's own streams (the runner's nodeSeed + these). */
const DATA_CUT_SEED = 7919;
const ALPHA_BATCHES_SEED = 31;

export interface NodeStart {
  readonly id: number;
  readonly state: SpaceState;
  /** The node trains at the last level (a leaf: alpha unfrozen under `until-final-split`). */
  readonly leaf: boolean;
  readonly inherit: Inheritance | null;
  /** The parent's split checkpoint, when the node inherits from it. */
  readonly parent: LoadedCheckpoint | null;
  /** The node's seed (the runner's nodeSeed). */
  readonly seed: number;
}

export class GmDartsRun {
  readonly split: DartsDataSplit;
  private readonly records = new Map<number, NodeArchDto>();
  private readonly history = new Map<number, { epoch: number; weights: number[][] }[]>();
  private readonly options: GmDartsConfig;

  /** @throws NasError INVALID_CONFIG for a gm section GM+DARTS cannot run (also checked by the config schema). */
  constructor(readonly space: SearchSpace, config: ExperimentConfig, data: ExperimentData, gm: GmConfig) {
    const issues = gmSearchIssues(gm, config.sampler);
    if (issues.length > 0) throw new NasError('INVALID_CONFIG', `GM+DARTS cannot run this config: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, { fix: 'Start from the nb201-fashion-gm-darts preset (`nas-shrink presets --json`).' });
    this.options = gm.darts;
    this.split = dartsDataSplit(data, gm.darts.alphaFraction, config.training.batchSize, config.seed + DATA_CUT_SEED);
  }

  /** The architecture state and trainer hooks of one sub-supernet; the caller disposes it. */
  startNode(start: NodeStart, batchSize: number): GmDartsNode {
    const o = this.options;
    const arch = new NodeArchState(this.space, { lr: o.archLr, beta1: o.archBeta1, beta2: o.archBeta2, weightDecay: o.archWeightDecay });
    try {
      if (start.inherit && start.parent && (start.inherit.alpha === 'parent') !== (start.inherit.archOptimizer === 'parent')) {
        throw new NasError('INVALID_CONFIG', 'GM+DARTS inherits alpha and its optimizer together; this split setting separates them.', { fix: 'Use setting nb201-gm-darts.' });
      }
      if (start.inherit?.alpha === 'parent' && start.parent) arch.load(start.parent.arrays, start.parent.meta.extra);
    } catch (error) {
      arch.dispose();
      throw error;
    }
    const frozen = o.freezeAlpha === 'until-final-split' && !start.leaf;
    const node = new GmDartsNode(this, start, arch, frozen, endlessBatches(this.split.weights, this.split.alphaIndices, batchSize, new SeededRng(start.seed + ALPHA_BATCHES_SEED)));
    this.record(node);
    return node;
  }

  /** Stores the node's current alpha (and, after an epoch, a snapshot of its weights). */
  record(node: GmDartsNode, epoch?: number, derived: NodeArchDto['derived'] = null): void {
    const dto = archRecord(this.space, node.state, node.arch, node.frozen, derived ?? this.records.get(node.id)?.derived ?? null);
    this.records.set(node.id, dto);
    if (epoch !== undefined) this.history.set(node.id, [...(this.history.get(node.id) ?? []), { epoch, weights: dto.weights }]);
  }

  /** The tree with every node's alpha record (shared/model/splitTree.ts `arch`). */
  tree(dto: SubSupernetTreeDto): SubSupernetTreeDto {
    return withArchRecords(dto, this.records);
  }

  /** results.json's `darts` section: the recipe and, per node, alpha now and after each epoch. */
  results(): Record<string, unknown> {
    return {
      darts: {
        order: 'first',
        ...this.options,
        weightImages: this.split.weights.trainIndices.length,
        alphaImages: this.split.alphaIndices.length,
        nodes: Object.fromEntries([...this.records].map(([id, r]) => [id, { ...r, history: this.history.get(id) ?? [] }])),
      },
    };
  }
}

export class GmDartsNode {
  readonly id: number;
  readonly state: SpaceState;

  constructor(private readonly run: GmDartsRun, start: NodeStart, readonly arch: NodeArchState, readonly frozen: boolean, private readonly nextAlphaBatch: ReturnType<typeof endlessBatches>) {
    this.id = start.id;
    this.state = start.state;
  }

  /** The weight part of the training split: what the node's trainer iterates. */
  get data(): ExperimentData {
    return this.run.split.weights;
  }

  /**
   * The trainer options of this node: the mixed-mode weight step and alpha in every checkpoint.
   * `trainer` is read at each alpha step (where training is, for a NAN_LOSS message); it is set
   * once the trainer exists.
   */
  trainerOptions(trainer: () => SupernetTrainer | undefined): Pick<SupernetTrainerOptions, 'weightStep' | 'checkpointExtras'> {
    return {
      weightStep: dartsWeightStep({
        state: this.state,
        arch: this.arch,
        frozen: this.frozen,
        nextAlphaBatch: this.nextAlphaBatch,
        where: () => ({ epoch: trainer()?.epoch ?? 0, lastCheckpoint: trainer()?.lastCheckpoint ?? null }),
      }),
      checkpointExtras: () => this.arch.checkpointExtras(),
    };
  }

  /** After each trained epoch: alpha's snapshot for results.json. */
  endEpoch(epoch: number): void {
    this.run.record(this, epoch);
  }

  /** B6: the leaf's candidate, argmax alpha within its space, with its validation accuracy. */
  async search(trainer: SupernetTrainer, valImages: number, valSeed: number): Promise<LeafCandidate[]> {
    const candidates = await searchLeafByAlpha(trainer, this.id, this.state, this.arch, valImages, valSeed);
    const best = candidates[0];
    if (best) this.run.record(this, undefined, { architecture: best.architecture, valAccuracy: best.fitness });
    return candidates;
  }

  /** A one-line summary of alpha's weights per edge, for the log. */
  describe(): string {
    const r = archRecord(this.run.space, this.state, this.arch, this.frozen);
    return r.choices.map((id, c) => `${id} ${(r.ops[c] ?? []).map((op, k) => `${op} ${((r.weights[c]?.[k] ?? 0) * 100).toFixed(1)}%`).join(', ')}`).join('; ');
  }

  dispose(): void {
    this.arch.dispose();
  }
}
