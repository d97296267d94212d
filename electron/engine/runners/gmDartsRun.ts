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
 *
 * Resume (ADR 0008): a node's checkpoints hold alpha, its Adam moments and step (gmArchState.ts)
 * and its alpha-batch stream (`meta.extra.alphaBatches`, alphaBatchStream.ts); every GM
 * checkpoint's progress holds all nodes' alpha records and histories ({@link GmDartsRun.saveState}).
 * The node a resume restores takes all of it from its own checkpoint, never from its parent's.
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
import { AlphaBatchStream, alphaBatchStateSchema } from './alphaBatchStream';
import type { ExperimentData } from './experimentData';
import type { AlphaSnapshot, GmDartsProgress } from './gmDartsProgress';
import { archRecord, searchLeafByAlpha, withArchRecords } from './gmAlphaSearch';
import { NodeArchState } from './gmArchState';
import { dartsDataSplit, dartsWeightStep } from './gmDartsTraining';
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
  /** The node's own checkpoint when a resume restores it (then `parent` is not read). */
  readonly resume?: LoadedCheckpoint | null;
}

/** The alpha-batch stream state saved in a GM+DARTS node checkpoint (`meta.extra.alphaBatches`). */
export const ALPHA_BATCHES_EXTRA = 'alphaBatches';

/** Refusal of a checkpoint that lacks GM+DARTS resume state. */
function missingDartsState(label: string, what: string): NasError {
  return new NasError('STORE_IO', `Checkpoint '${label}' has no GM+DARTS ${what} to resume from.`, {
    fix: 'It was written by an older version, which could not resume GM+DARTS runs; start the experiment again with `nas-shrink run`.',
  });
}

export class GmDartsRun {
  readonly split: DartsDataSplit;
  private readonly records = new Map<number, NodeArchDto>();
  private readonly history = new Map<number, AlphaSnapshot[]>();
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
    let alphaBatches: AlphaBatchStream;
    try {
      if (start.inherit && start.parent && (start.inherit.alpha === 'parent') !== (start.inherit.archOptimizer === 'parent')) {
        throw new NasError('INVALID_CONFIG', 'GM+DARTS inherits alpha and its optimizer together; this split setting separates them.', { fix: 'Use setting nb201-gm-darts.' });
      }
      const { resume } = start;
      if (resume) arch.load(resume.arrays, resume.meta.extra);
      else if (start.inherit?.alpha === 'parent' && start.parent) arch.load(start.parent.arrays, start.parent.meta.extra);
      // Every node has a stream of its own (not inherited): restored from its checkpoint, or fresh.
      const saved = resume ? alphaBatchStateSchema.safeParse(resume.meta.extra[ALPHA_BATCHES_EXTRA]) : null;
      if (resume && !saved?.success) throw missingDartsState(resume.label, 'alpha-batch stream (meta.extra.alphaBatches)');
      alphaBatches = new AlphaBatchStream(this.split.weights, this.split.alphaIndices, batchSize, new SeededRng(start.seed + ALPHA_BATCHES_SEED), saved?.data);
    } catch (error) {
      arch.dispose();
      throw error;
    }
    const frozen = o.freezeAlpha === 'until-final-split' && !start.leaf;
    const node = new GmDartsNode(this, start, arch, frozen, alphaBatches);
    this.record(node);
    return node;
  }

  /** Stores the node's current alpha (and, after an epoch, a snapshot of its weights). */
  record(node: GmDartsNode, epoch?: number, derived: NodeArchDto['derived'] = null): void {
    const dto = archRecord(this.space, node.state, node.arch, node.frozen, derived ?? this.records.get(node.id)?.derived ?? null);
    this.records.set(node.id, dto);
    if (epoch !== undefined) this.history.set(node.id, [...(this.history.get(node.id) ?? []), { epoch, weights: dto.weights }]);
  }

  /** Every node's alpha record and history so far, for the GM progress of each checkpoint (plain JSON). */
  saveState(): GmDartsProgress {
    return { nodes: [...this.records].map(([id, arch]) => ({ id, arch, history: this.history.get(id) ?? [] })) };
  }

  /**
   * Takes the records and histories of a resumed run's progress (before any node starts).
   * @throws NasError STORE_IO naming `label` when the progress has none (written by a version
   *   that could not resume GM+DARTS).
   */
  restore(saved: GmDartsProgress | undefined, label: string): void {
    if (!saved) throw missingDartsState(label, 'alpha records (progress.darts)');
    this.records.clear();
    this.history.clear();
    for (const n of saved.nodes) {
      this.records.set(n.id, n.arch);
      this.history.set(n.id, [...n.history]);
    }
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

  constructor(private readonly run: GmDartsRun, start: NodeStart, readonly arch: NodeArchState, readonly frozen: boolean, private readonly alphaBatches: AlphaBatchStream) {
    this.id = start.id;
    this.state = start.state;
  }

  /** The weight part of the training split: what the node's trainer iterates. */
  get data(): ExperimentData {
    return this.run.split.weights;
  }

  /**
   * The trainer options of this node: the mixed-mode weight step, and alpha, its Adam state and
   * the alpha-batch stream in every checkpoint.
   */
  trainerOptions(): Pick<SupernetTrainerOptions, 'weightStep' | 'checkpointExtras'> {
    return {
      weightStep: dartsWeightStep({
        state: this.state,
        arch: this.arch,
        frozen: this.frozen,
        nextAlphaBatch: () => this.alphaBatches.next(),
      }),
      checkpointExtras: () => {
        const extras = this.arch.checkpointExtras();
        return { tensors: extras.tensors, meta: { ...extras.meta, [ALPHA_BATCHES_EXTRA]: this.alphaBatches.saveState() } };
      },
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
