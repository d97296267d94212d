/**
 * The search across sub-supernets (ALGORITHMS.md B6): RSPS inside every leaf (distinct random
 * architectures of the leaf's own space, fitness = validation accuracy after BN recalibration,
 * absScoring's searchFitness), one candidate per leaf, then the final pick among the candidates:
 * by a ground-truth table when the config names one, else by successive halving with short
 * stand-alone training (the stand-alone trainer, evaluated on the validation split).
 */
import { NasError } from '../../../shared/errors';
import { readTruthTable } from '../groundTruth/truthTable';
import type { JobContext } from '../jobs/jobContext';
import { SeededRng } from '../random/seededRng';
import { createStrategy } from '../search/registry';
import type { GmConfig } from '../split/gmConfig';
import type { SearchSpace } from '../space/searchSpace';
import { architectureKey } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';
import { searchFitness } from './absScoring';
import type { ExperimentData } from './experimentData';
import { trainStandalone } from './standaloneRunner';
import type { SupernetTrainer } from './supernetTrainer';

export interface LeafCandidate {
  readonly node: number;
  readonly architecture: string;
  /** Validation accuracy in its leaf after BN recalibration. */
  readonly fitness: number;
}

/**
 * RSPS in one trained leaf: `gm.archsPerLeaf` distinct random architectures of `state`, scored
 * on the same seeded validation subset in every leaf (`valSeed`), best first.
 */
export async function searchLeaf(ctx: JobContext, trainer: SupernetTrainer, node: number, state: SpaceState, gm: GmConfig, seeds: { search: number; val: number }): Promise<LeafCandidate[]> {
  const space = trainer.space;
  const strategy = createStrategy({ name: 'random', count: gm.archsPerLeaf, topK: 1 }, { space, state, rng: new SeededRng(seeds.search) });
  const fitness = searchFitness(trainer, gm.searchValImages, new SeededRng(seeds.val));
  try {
    let lastEmit = 0;
    const result = await strategy.run(fitness.evaluate, {
      signal: { get aborted() { return ctx.cancelled(); } },
      onProgress: (p) => {
        if (Date.now() - lastEmit < 200 && p.evaluated < p.budget) return;
        lastEmit = Date.now();
        ctx.emit({ type: 'progress', phase: `search ${node}`, epoch: trainer.epoch, epochs: trainer.totalEpochs, step: p.evaluated, steps: p.budget, imagesPerSec: trainer.imagesPerSec, etaSec: null });
      },
    });
    return [...result.evaluated].sort((a, b) => b.fitness - a.fitness).map((e) => ({ node, architecture: space.format(e.arch), fitness: e.fitness }));
  } finally {
    fitness.dispose();
  }
}

export interface HalvingRound {
  readonly round: number;
  readonly epochs: number;
  readonly trainImages: number;
  /** Validation accuracy of each architecture trained in this round. */
  readonly scores: { architecture: string; valAccuracy: number }[];
  readonly kept: string[];
}

export interface FinalPick {
  readonly architecture: string;
  readonly node: number;
  /** `single` (one leaf), `truth` (ground-truth table), `halving` (successive halving). */
  readonly by: 'single' | 'truth' | 'halving';
  /** The table's value of each candidate found in it (by `truth`). */
  readonly truthValues?: Record<string, number>;
  readonly rounds?: HalvingRound[];
}

/** The candidate with the highest value in the table; candidates the table lacks are skipped. */
export function pickByTruth(space: SearchSpace, candidates: readonly LeafCandidate[], file: string): FinalPick {
  const table = new Map(readTruthTable(file, space).map((r) => [architectureKey(space, r.arch), r.value]));
  const values: Record<string, number> = {};
  let best: LeafCandidate | null = null;
  for (const c of candidates) {
    const v = table.get(architectureKey(space, space.parse(c.architecture)));
    if (v === undefined) continue;
    values[c.architecture] = v;
    if (best === null || v > (values[best.architecture] as number)) best = c;
  }
  if (!best) {
    throw new NasError('INVALID_CONFIG', `None of the ${candidates.length} leaf candidates is in the ground-truth table ${file}.`, {
      fix: 'Use a table that covers the space (NAS-Bench-201), or drop gm.finalPick.truth to pick by successive halving.',
    });
  }
  return { architecture: best.architecture, node: best.node, by: 'truth', truthValues: values };
}

/** Successive halving so far: the finished rounds and, of the current round, the trainings done (in the survivors' order). */
export interface HalvingState {
  readonly rounds: HalvingRound[];
  readonly scores: { architecture: string; valAccuracy: number }[];
}

/** How a resumed run's halving continues (gmResume.ts): what the killed run finished, and where to record progress. */
export interface HalvingResume {
  /** The interrupted run's finished rounds and trainings; they are not trained again. */
  readonly from?: HalvingState | null;
  /** Called after every training with the state so far (the runner checkpoints it). */
  readonly save?: (state: HalvingState) => void;
}

/**
 * Successive halving: round r trains every survivor from scratch for `halvingEpochs * 2^r`
 * epochs on a seeded subset of `halvingTrainImages` training images and keeps the better half
 * (rounded up) by validation accuracy, until one is left. Each training depends only on the
 * seed, the architecture and the subset, so trainings restored from `resume.from` stand for
 * the ones the interrupted run did.
 */
export async function pickByHalving(ctx: JobContext, candidates: readonly LeafCandidate[], data: ExperimentData, gm: GmConfig, seed: number, resume: HalvingResume = {}): Promise<FinalPick> {
  const order = new SeededRng(seed).permutation(data.trainIndices.length).slice(0, gm.finalPick.halvingTrainImages);
  const subset: ExperimentData = { ...data, trainIndices: Int32Array.from(order, (i) => data.trainIndices[i] as number) };
  const rounds: HalvingRound[] = [...(resume.from?.rounds ?? [])];
  // Survivors of the last finished round, in its ranked order (as the round left them).
  const kept = rounds.at(-1)?.kept;
  let alive = kept ? kept.map((a) => candidates.find((c) => c.architecture === a)).filter((c): c is LeafCandidate => c !== undefined) : [...candidates];
  let finished = resume.from?.scores ?? [];
  for (let round = rounds.length; alive.length > 1 && !ctx.cancelled(); round++) {
    const epochs = gm.finalPick.halvingEpochs * 2 ** round;
    const scores: { candidate: LeafCandidate; valAccuracy: number }[] = [];
    for (const [i, c] of alive.entries()) {
      if (ctx.cancelled()) break;
      const before = finished[i];
      if (before && before.architecture === c.architecture) {
        scores.push({ candidate: c, valAccuracy: before.valAccuracy });
        continue;
      }
      const r = await trainStandalone(ctx, ctx.config, c.architecture, subset, `halving ${round + 1}: ${i + 1}/${alive.length}`, { epochs, evaluate: 'val' });
      scores.push({ candidate: c, valAccuracy: r.testAccuracy });
      if (!ctx.cancelled()) resume.save?.({ rounds, scores: scores.map((s) => ({ architecture: s.candidate.architecture, valAccuracy: s.valAccuracy })) });
    }
    finished = [];
    if (ctx.cancelled()) break;
    // Stable on ties: the earlier candidate (the better supernet fitness order) stays ahead.
    const ranked = [...scores].sort((a, b) => b.valAccuracy - a.valAccuracy);
    alive = ranked.slice(0, Math.ceil(ranked.length / 2)).map((s) => s.candidate);
    rounds.push({ round, epochs, trainImages: subset.trainIndices.length, scores: scores.map((s) => ({ architecture: s.candidate.architecture, valAccuracy: s.valAccuracy })), kept: alive.map((c) => c.architecture) });
  }
  const winner = alive[0] as LeafCandidate;
  return { architecture: winner.architecture, node: winner.node, by: 'halving', rounds };
}
