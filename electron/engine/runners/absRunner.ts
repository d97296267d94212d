/**
 * The `abs` method (ALGORITHMS.md A4, "Algorithm 2") on any space (NB201 enumerated; DARTS and
 * MobileNet-like by sampled children): train the supernet, score every operator
 * with the chosen metric (the angle by default), drop the weakest by the policy, repeat until
 * the space is no larger than the target, then search the shrunk space. The supernet is never
 * re-initialised while shrinking: one LR schedule spans the run. The user's locks and
 * force-drops arrive as commands and take effect at the next shrink step. A killed run resumes
 * from its newest epoch checkpoint (ctx.resumeFrom; what is saved there: absResume.ts).
 */
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import type { AbsConfig } from '../config/experimentConfig';
import type { JobContext, JobSummaryData } from '../jobs/jobContext';
import { SeededRng } from '../random/seededRng';
import { createStrategy } from '../search/registry';
import { applyOperatorCommand } from '../shrink/operatorCommands';
import { shrinkStep } from '../shrink/shrinkPolicy';
import type { ShrinkDecision } from '../shrink/shrinkPolicy';
import { createSearchSpace } from '../space/registry';
import type { SearchSpace } from '../space/searchSpace';
import { fullState, stateSize } from '../space/spaceState';
import type { SpaceState } from '../space/spaceState';
import { loadCheckpoint } from '../store/checkpoint';
import { checkpointsRoot } from '../store/checkpoint';
import { writeJsonAtomic } from '../store/atomicFile';
import { absCheckpointExtra, restoreAbsProgress } from './absResume';
import { loadExperimentData } from './experimentData';
import { scoreOperators, searchFitness, scoreWithAllMetrics } from './absScoring';
import type { BestArchitecture } from './absScoring';
import { trainDownstreamSupernet } from './absDownstream';
import type { DownstreamRecord } from './absDownstream';
import { trainBestStandalone } from './absStandalone';
import type { SearchResult } from '../search/searchTypes';
import { SupernetTrainer } from './supernetTrainer';
import { LAST_CHECKPOINT, REFERENCE_CHECKPOINT } from './supernetRunner';

/** The checkpoint of the weights whose scores decided shrink step k. */
export function shrinkCheckpoint(step: number): string {
  return `shrink-${step}`;
}

export interface ShrinkRecord {
  step: number;
  epoch: number;
  metric: string;
  scores: Record<string, number>;
  decision: ShrinkDecision;
}

/** Upper bound on the number of shrink steps, for the length of the one LR schedule. */
function maxSteps(space: SearchSpace, abs: AbsConfig): number {
  const ops = space.choices.reduce((n, c) => n + c.ops.length, 0);
  if (abs.policy.kind === 'global') return Math.max(1, Math.ceil((ops - space.choices.length) / abs.policy.count));
  return Math.max(1, Math.max(...space.choices.map((c) => c.ops.length)) - 1);
}

function writeSpaceFile(dir: string, space: SearchSpace, state: SpaceState, history: ShrinkRecord[]): void {
  writeJsonAtomic(path.join(dir, 'space.json'), {
    space: space.name,
    choices: space.choices.map((c) => ({ id: c.id, label: c.label, ops: c.ops })),
    state,
    size: stateSize(state),
    history: history.map((h) => ({ step: h.step, epoch: h.epoch, metric: h.metric, dropped: h.decision.dropped, keptLocked: h.decision.keptLocked, sizeBefore: h.decision.sizeBefore, sizeAfter: h.decision.sizeAfter })),
  });
}

export async function runAbsJob(ctx: JobContext): Promise<JobSummaryData> {
  const config = ctx.config;
  const abs = config.abs;
  if (!abs) throw new NasError('INVALID_CONFIG', 'Method abs needs an abs section.', { fix: 'Start from the nb201-fashion-abs preset (`nas-shrink presets --json`).' });
  const space = createSearchSpace(config.space);
  const data = await loadExperimentData(config, ctx.emit);
  const totalEpochs = config.training.epochs + abs.epochsPerStep * (maxSteps(space, abs) - 1);
  const trainer = new SupernetTrainer(space, config, data, ctx, totalEpochs);
  let state = fullState(space);
  let history: ShrinkRecord[] = [];
  let commandsApplied = 0;
  let downstreamTrainer: SupernetTrainer | null = null;
  const takeCommands = (): void => {
    for (const command of ctx.takeCommands()) {
      const applied = applyOperatorCommand(space, state, command);
      state = applied.state;
      commandsApplied += 1;
      ctx.emit({ type: 'command', command, accepted: applied.outcome.accepted, message: applied.outcome.message });
    }
  };
  // After the last shrink step the space is final: a command sent then is answered (refused),
  // so the UI does not wait for it forever.
  const refuseLateCommands = (): void => {
    for (const command of ctx.takeCommands()) {
      ctx.emit({ type: 'command', command, accepted: false, message: `Shrinking has ended (the space is final at ${stateSize(state)} architectures); ${command.key} was not changed.` });
    }
  };
  const saveEpoch = async (): Promise<void> => {
    const extra = absCheckpointExtra({ state, history, commandsApplied });
    await trainer.checkpoint(`epoch-${trainer.epoch}`, extra);
    await trainer.checkpoint(LAST_CHECKPOINT, extra);
  };
  try {
    if (ctx.resumeFrom) {
      const restored = restoreAbsProgress(space, ctx.resumeFrom, ctx.dir);
      ({ state, history, commandsApplied } = restored.progress);
      // The checkpoint no longer holds the weights of operators dropped before it.
      trainer.releaseOps(history.flatMap((h) => h.decision.dropped));
      trainer.restore(ctx.resumeFrom);
      ctx.emit({ type: 'log', level: 'info', message: `ABS resumed at epoch ${trainer.epoch} after ${history.length} shrink steps, ${stateSize(state)} architectures left${restored.replayed > 0 ? `; ${restored.replayed} command(s) received after that checkpoint applied again` : ''}` });
    } else {
      await trainer.checkpoint(REFERENCE_CHECKPOINT);
    }
    const reference = loadCheckpoint(path.join(checkpointsRoot(ctx.dir), REFERENCE_CHECKPOINT)).arrays;
    if (!ctx.resumeFrom) ctx.emit({ type: 'log', level: 'info', message: `ABS: ${space.name}, metric ${abs.metric}, policy ${JSON.stringify(abs.policy)}, target ${abs.targetSize} architectures; angle reference saved before the first update` });
    writeSpaceFile(ctx.dir, space, state, history);

    while (stateSize(state) > abs.targetSize && !ctx.cancelled()) {
      // Epochs of this phase: the first trains config.training.epochs, later ones epochsPerStep;
      // counted from the last shrink step so a resumed run continues mid-phase.
      const epochs = history.length === 0 ? config.training.epochs : abs.epochsPerStep;
      const phaseStart = history.at(-1)?.epoch ?? 0;
      while (trainer.epoch - phaseStart < epochs && !ctx.cancelled()) {
        await trainer.trainEpoch(state);
        if (ctx.cancelled()) break;
        trainer.validate(state);
        // Every epoch's weights are kept: `nas-shrink tau --checkpoint epoch-K` compares metrics
        // early and late in training, as the ABS paper's figures do. They are also where a
        // killed run resumes (absResume.ts).
        await saveEpoch();
        takeCommands();
      }
      if (ctx.cancelled()) break;
      takeCommands();
      const step = history.length + 1;
      ctx.emit({ type: 'log', level: 'info', message: `shrink step ${step}: scoring every operator with ${abs.metric} over ${stateSize(state)} architectures` });
      const scores = await scoreOperators(abs.metric, { supernet: trainer.net, reference, data, state }, { sampleNum: abs.sampledChildren, seed: config.seed });
      await trainer.checkpoint(shrinkCheckpoint(step), { state });
      const decision = shrinkStep(space, state, new Map(Object.entries(scores)), abs.policy);
      history.push({ step, epoch: trainer.epoch, metric: abs.metric, scores, decision });
      state = decision.state;
      // Dropped for good: their weights and momentum go now (the checkpoints above keep them).
      trainer.releaseOps(decision.dropped);
      ctx.emit({
        type: 'shrink',
        step,
        epoch: trainer.epoch,
        metric: abs.metric,
        scores,
        dropped: decision.dropped,
        keptLocked: decision.keptLocked,
        sizeBefore: decision.sizeBefore,
        sizeAfter: decision.sizeAfter,
        remaining: state.remaining.map((ops) => [...ops]),
      });
      writeSpaceFile(ctx.dir, space, state, history);
      if (decision.dropped.length === 0) {
        ctx.emit({ type: 'log', level: 'warn', message: `shrink step ${step} dropped nothing (every candidate is locked); stopping at ${stateSize(state)} architectures` });
        break;
      }
    }

    refuseLateCommands();
    let search = null;
    let best: BestArchitecture[] = [];
    let downstream: DownstreamRecord | null = null;
    if (!ctx.cancelled()) {
      // The search runs on a fresh supernet of the shrunk space when configured (A4, E7), else
      // on the shrinking supernet; the operator metrics of the best always come from the
      // shrinking supernet, whose weights decided the drops.
      let searchTrainer = trainer;
      if (abs.downstream) {
        const trained = await trainDownstreamSupernet(ctx, space, config, data, state, abs.downstream);
        searchTrainer = trained.trainer;
        downstreamTrainer = trained.trainer;
        downstream = trained.record;
      }
      if (!ctx.cancelled()) {
        refuseLateCommands();
        search = await runSearch(ctx, space, state, searchTrainer, totalEpochs + (abs.downstream?.epochs ?? 0), refuseLateCommands);
        const shrinkingCtx = { supernet: trainer.net, reference, data, state };
        best = await scoreWithAllMetrics(search.best.map((b) => b.arch), space, shrinkingCtx, search.best.map((b) => b.fitness), searchTrainer === trainer, abs.bestMetrics);
        for (const b of best) ctx.emit({ type: 'log', level: 'info', message: `best: ${b.architecture} (validation accuracy ${(b.fitness * 100).toFixed(2)}%)` });
      }
    }
    if (abs.standaloneTopK > 0 && best.length > 0 && !ctx.cancelled()) {
      const standalone = await trainBestStandalone(ctx, best.map((b) => b.architecture), abs.standaloneTopK);
      standalone.forEach((r, i) => ((best[i] as BestArchitecture).standalone = r));
    }
    refuseLateCommands();
    const results = {
      space: space.name,
      metric: abs.metric,
      policy: abs.policy,
      finalSpace: state.remaining,
      finalSize: stateSize(state),
      steps: history.map((h) => ({ step: h.step, epoch: h.epoch, metric: h.metric, scores: h.scores, dropped: h.decision.dropped, keptLocked: h.decision.keptLocked, sizeBefore: h.decision.sizeBefore, sizeAfter: h.decision.sizeAfter })),
      search: search ? { strategy: search.strategy, status: search.status, evaluated: search.evaluated.length, generations: search.generations, supernet: downstream ? 'downstream' : 'shrinking' } : null,
      downstream,
      best,
    };
    writeJsonAtomic(path.join(ctx.dir, 'results.json'), results);
    return {
      space: space.name,
      metric: abs.metric,
      shrinkSteps: history.length,
      dropped: history.flatMap((h) => h.decision.dropped.map((d) => d.key)),
      finalSize: stateSize(state),
      best: best[0]?.architecture ?? null,
      bestValAccuracy: best[0]?.fitness ?? null,
      bestTestAccuracy: best[0]?.standalone?.testAccuracy ?? null,
      downstream: downstream?.sampler ?? null,
      epochs: trainer.epoch,
      trainSeconds: trainer.seconds,
      imagesPerSec: trainer.imagesPerSec,
      backend: ctx.backend.chosen,
      completed: !ctx.cancelled(),
    };
  } finally {
    downstreamTrainer?.dispose();
    trainer.dispose();
  }
}

/** The search in the shrunk space on `trainer`'s supernet, fitness = validation accuracy after ReBN. */
async function runSearch(ctx: JobContext, space: SearchSpace, state: SpaceState, trainer: SupernetTrainer, totalEpochs: number, onStep: () => void): Promise<SearchResult> {
  const { config } = ctx;
  const abs = config.abs as AbsConfig;
  const strategy = createStrategy(abs.search, { space, state, rng: new SeededRng(config.seed).fork() });
  const fitness = searchFitness(trainer, abs.searchValImages, new SeededRng(config.seed + 1));
  let lastEmit = 0;
  try {
    return await strategy.run(fitness.evaluate, {
      signal: { get aborted() { return ctx.cancelled(); } },
      onProgress: (p) => {
        onStep();
        if (Date.now() - lastEmit < 200 && p.evaluated < p.budget) return;
        lastEmit = Date.now();
        ctx.emit({ type: 'progress', phase: 'search', epoch: trainer.epoch, epochs: totalEpochs, step: p.evaluated, steps: p.budget, imagesPerSec: trainer.imagesPerSec, etaSec: null });
      },
    });
  } finally {
    fitness.dispose();
  }
}
