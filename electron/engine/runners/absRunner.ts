/**
 * The `abs` method (ALGORITHMS.md A4, "Algorithm 2"): train the supernet, score every operator
 * with the chosen metric (the angle by default), drop the weakest by the policy, repeat until
 * the space is no larger than the target, then search the shrunk space. The supernet is never
 * re-initialised while shrinking: one LR schedule spans the run. The user's locks and
 * force-drops arrive as commands and take effect at the next shrink step.
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
import { loadExperimentData } from './experimentData';
import { scoreOperators, searchFitness, scoreWithAllMetrics } from './absScoring';
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
  if (space.kind !== 'nb201') throw new NasError('INVALID_CONFIG', `ABS on the ${space.kind} space is not available yet; this version shrinks NB201.`, { fix: "Use space {kind: 'nb201'}." });
  const data = await loadExperimentData(config, ctx.emit);
  const totalEpochs = config.training.epochs + abs.epochsPerStep * (maxSteps(space, abs) - 1);
  const trainer = new SupernetTrainer(space, config, data, ctx, totalEpochs);
  let state = fullState(space);
  const history: ShrinkRecord[] = [];
  const takeCommands = (): void => {
    for (const command of ctx.takeCommands()) {
      const applied = applyOperatorCommand(space, state, command);
      state = applied.state;
      ctx.emit({ type: 'command', command, accepted: applied.outcome.accepted, message: applied.outcome.message });
    }
  };
  try {
    await trainer.checkpoint(REFERENCE_CHECKPOINT);
    const reference = loadCheckpoint(path.join(checkpointsRoot(ctx.dir), REFERENCE_CHECKPOINT)).arrays;
    ctx.emit({ type: 'log', level: 'info', message: `ABS: ${space.name}, metric ${abs.metric}, policy ${JSON.stringify(abs.policy)}, target ${abs.targetSize} architectures; angle reference saved before the first update` });
    writeSpaceFile(ctx.dir, space, state, history);

    while (stateSize(state) > abs.targetSize && !ctx.cancelled()) {
      const epochs = history.length === 0 ? config.training.epochs : abs.epochsPerStep;
      for (let e = 0; e < epochs && !ctx.cancelled(); e++) {
        await trainer.trainEpoch(state);
        if (ctx.cancelled()) break;
        trainer.validate(state);
        // Every epoch's weights are kept: `nas-shrink tau --checkpoint epoch-K` compares metrics
        // early and late in training, as the ABS paper's figures do.
        await trainer.checkpoint(`epoch-${trainer.epoch}`);
        await trainer.checkpoint(LAST_CHECKPOINT);
        takeCommands();
      }
      if (ctx.cancelled()) break;
      takeCommands();
      const step = history.length + 1;
      ctx.emit({ type: 'log', level: 'info', message: `shrink step ${step}: scoring every operator with ${abs.metric} over ${stateSize(state)} architectures` });
      const scores = await scoreOperators(abs.metric, { supernet: trainer.net, reference, data, state });
      await trainer.checkpoint(shrinkCheckpoint(step), { state });
      const decision = shrinkStep(space, state, new Map(Object.entries(scores)), abs.policy);
      history.push({ step, epoch: trainer.epoch, metric: abs.metric, scores, decision });
      state = decision.state;
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

    // Shrinking is over: a command that arrives from now on can no longer change the space.
    // Answer it (refused) rather than leave the UI showing it as sent and never answered.
    const refuseLateCommands = (): void => {
      for (const command of ctx.takeCommands()) {
        ctx.emit({ type: 'command', command, accepted: false, message: `${command.key}: not applied, shrinking has ended (the search runs on the space left).` });
      }
    };
    refuseLateCommands();

    let search = null;
    let best: { architecture: string; fitness: number; metrics: Record<string, number> }[] = [];
    if (!ctx.cancelled()) {
      const strategy = createStrategy(abs.search, { space, state, rng: new SeededRng(config.seed).fork() });
      const fitness = searchFitness(trainer, abs.searchValImages, new SeededRng(config.seed + 1));
      let lastEmit = 0;
      search = await strategy.run(fitness.evaluate, {
        signal: { get aborted() { return ctx.cancelled(); } },
        onProgress: (p) => {
          if (Date.now() - lastEmit < 200 && p.evaluated < p.budget) return;
          lastEmit = Date.now();
          ctx.emit({ type: 'progress', phase: 'search', epoch: trainer.epoch, epochs: totalEpochs, step: p.evaluated, steps: p.budget, imagesPerSec: trainer.imagesPerSec, etaSec: null });
        },
      });
      fitness.dispose();
      best = await scoreWithAllMetrics(search.best.map((b) => b.arch), space, { supernet: trainer.net, reference, data, state }, search.best.map((b) => b.fitness));
      for (const b of best) ctx.emit({ type: 'log', level: 'info', message: `best: ${b.architecture} (validation accuracy ${(b.fitness * 100).toFixed(2)}%)` });
    }
    refuseLateCommands();
    const results = {
      space: space.name,
      metric: abs.metric,
      policy: abs.policy,
      finalSpace: state.remaining,
      finalSize: stateSize(state),
      steps: history.map((h) => ({ step: h.step, epoch: h.epoch, metric: h.metric, scores: h.scores, dropped: h.decision.dropped, keptLocked: h.decision.keptLocked, sizeBefore: h.decision.sizeBefore, sizeAfter: h.decision.sizeAfter })),
      search: search ? { strategy: search.strategy, status: search.status, evaluated: search.evaluated.length, generations: search.generations } : null,
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
      epochs: trainer.epoch,
      trainSeconds: trainer.seconds,
      imagesPerSec: trainer.imagesPerSec,
      backend: ctx.backend.chosen,
      completed: !ctx.cancelled(),
    };
  } finally {
    trainer.dispose();
  }
}
