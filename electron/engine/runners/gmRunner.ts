/**
 * The `gm` method: GM-NAS (Hu et al., ICLR'22), few-shot NAS (Zhao et al., ICML'21) and their
 * one-shot baseline on NB201, one runner for all three (ALGORITHMS.md B1-B6, ADR 0007).
 *
 * The sub-supernet tree grows level by level. Level k trains every current leaf from the
 * (k-1)-th to the k-th scheduled split epoch (splitSchedule.ts, scaled to training.epochs) on
 * its own space (uniform single-path sampling, RSPS; the sampler draws only the node's remaining
 * ops), then splits it by the rule (gmSplitDecision.ts) and records a `split` event with the
 * whole tree. Children of a non-final split start from the parent's checkpoint at the split
 * (weights, SGD momentum, the one LR schedule); children of the final split start as
 * childInheritance says (GM: fresh init, new cosine; few-shot: the parent's weights, fresh
 * optimizer, new cosine). With gm.search 'rsps' alpha is never trained (the RSPS supernet has
 * none). With gm.search 'darts' (GM+DARTS, gmDartsRun.ts) every node trains the mixed supernet
 * with its own alpha, frozen at uniform until the final split and trained (first order) in the
 * leaves. The leaves then train to the end, each yields its candidate (RSPS search, gmSearch.ts,
 * or argmax alpha, gmAlphaSearch.ts), and the final pick is made among the leaves' candidates.
 *
 * Checkpoints per node: node-<id>-init (what it starts from), node-<id>-epoch-K (after each
 * epoch short of its end), node-<id>-split (at its split), node-<id>-last (a trained leaf: what
 * `nas-shrink score`/`tau` use), and gm-progress between nodes; each carries the run's progress,
 * so a killed run resumes from the newest (ctx.resumeFrom; gmResume.ts). A GM+DARTS node's
 * checkpoints also hold its alpha, arch-Adam state and alpha-batch stream, and the progress every
 * node's alpha record and history (gmDartsRun.ts), so GM+DARTS runs resume too.
 */
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import type { JobEventInput } from '../../../shared/model/job';
import type { JobContext, JobSummaryData } from '../jobs/jobContext';
import { jobNow } from '../jobs/jobContext';
import { createSearchSpace } from '../space/registry';
import { stateSize } from '../space/spaceState';
import type { GmConfig } from '../split/gmConfig';
import { childInheritance, splitEpochs } from '../split/splitSchedule';
import type { Inheritance } from '../split/splitSchedule';
import { createTree, splitNode } from '../split/subSupernetTree';
import type { SubSupernetNode, SubSupernetTree } from '../split/subSupernetTree';
import { checkpointsRoot, loadCheckpoint } from '../store/checkpoint';
import type { NamedArray } from '../store/checkpoint';
import { writeJsonAtomic } from '../store/atomicFile';
import { restoreMomentum, SGD_PREFIX } from '../train/optimizerState';
import { loadExperimentData } from './experimentData';
import { GmDartsRun } from './gmDartsRun';
import type { GmDartsNode } from './gmDartsRun';
import type { ExperimentData } from './experimentData';
import { pickByHalving, pickByTruth, searchLeaf } from './gmSearch';
import type { FinalPick, HalvingState, LeafCandidate } from './gmSearch';
import { gmCheckpointExtra } from './gmCheckpointState';
import type { GmNodeState, GmProgress } from './gmCheckpointState';
import { gmResumePoint, halvingResume, lostSplitEvents, nodeEpochCheckpoint, resumedMessage, saveGmProgress } from './gmResume';
import { decideSplit } from './gmSplitDecision';
import type { SplitDecision } from './gmSplitDecision';
import { nodeCheckpoint, rootState, treeDto, withStatus } from './gmTree';
import { restoreSupernetWeights } from './supernetCheckpoint';
import { SupernetTrainer } from './supernetTrainer';

/** Per-node seeds: the root uses the config's seed (as the supernet runner), node i a distinct stream. */
function nodeSeed(seed: number, node: number): number {
  return seed + 1009 * node;
}

export interface NodeRecord {
  id: number;
  fromEpoch: number;
  toEpoch: number;
  epochsTrained: number;
  inheritance: Inheritance | null;
  valAccuracy: number | null;
  candidates: LeafCandidate[];
}

export interface SplitRecord {
  parentId: number;
  childIds: number[];
  epoch: number;
  choiceId: string;
  rule: string;
  groups: string[][];
  candidates: Record<string, number>;
  matrices: SplitDecision['matrices'];
}

/** Sets the trainer's weights (and SGD momentum) from the parent's split checkpoint, as `inherit` says. */
function inheritFromParent(trainer: SupernetTrainer, arrays: Readonly<Record<string, NamedArray>>, inherit: Inheritance): void {
  if (inherit.weights === 'parent') restoreSupernetWeights(trainer.net.params, arrays);
  if (inherit.weightOptimizer === 'parent') {
    // Checkpoints name momentum by logical weight name; the optimizer keys it by tfjs variable name.
    const byVariable: Record<string, NamedArray> = {};
    const names: string[] = [];
    for (const [logical, v] of trainer.net.params.entries()) {
      const saved = arrays[`${SGD_PREFIX}${logical}`];
      if (saved) byVariable[`${SGD_PREFIX}${v.name}`] = saved;
      names.push(v.name);
    }
    restoreMomentum(trainer.optimizer, byVariable, names);
  }
}

function requireGm(ctx: JobContext): GmConfig {
  const gm = ctx.config.gm;
  if (!gm) throw new NasError('INVALID_CONFIG', 'Method gm needs a gm section.', { fix: 'Start from the nb201-fashion-gm preset (`nas-shrink presets --json`).' });
  return gm;
}

export async function runGmJob(ctx: JobContext): Promise<JobSummaryData> {
  const config = ctx.config;
  const gm = requireGm(ctx);
  const space = createSearchSpace(config.space);
  if (space.kind !== 'nb201') throw new NasError('INVALID_CONFIG', `GM-NAS on the ${space.kind} space is not available yet; this version splits NB201.`, { fix: "Use space {kind: 'nb201'}." });
  const epochs = config.training.epochs;
  const splits = splitEpochs(gm.setting, epochs);
  const root = rootState(space, gm);
  const data: ExperimentData = await loadExperimentData(config, ctx.emit);
  // --- GM+DARTS (gm.search 'darts', gmDartsRun.ts); null for RSPS, few-shot and one-shot runs.
  const darts = gm.search === 'darts' ? new GmDartsRun(space, config, data, gm) : null;
  const shownTree = (t: SubSupernetTree): ReturnType<typeof treeDto> => (darts ? darts.tree(treeDto(t)) : treeDto(t));
  // --- end GM+DARTS
  // --- resume (gmResume.ts): a killed run's tree, records, decisions and searched leaves ---
  const resume = ctx.resumeFrom ? gmResumePoint(space, ctx.resumeFrom) : null;
  if (resume && darts) darts.restore(resume.progress.darts, resume.checkpoint.label);
  let tree: SubSupernetTree = resume?.progress.tree ?? createTree(root.state, 0);
  const records = new Map<number, NodeRecord>((resume?.progress.records ?? []).map((r) => [r.id, r]));
  const splitLog: SplitRecord[] = [...(resume?.progress.splits ?? [])];
  const leafCandidates: LeafCandidate[] = [...(resume?.progress.leafCandidates ?? [])];
  /** The run so far, as every checkpoint records it. */
  const progress = (halving: HalvingState | null = null): GmProgress => ({ tree, records: [...records.values()], splits: splitLog, leafCandidates, halving, ...(darts ? { darts: darts.saveState() } : {}) });
  const nodeExtra = (node: GmNodeState): Record<string, unknown> => gmCheckpointExtra(progress(), node);
  /** Epoch and step of the last node trained, for the between-nodes checkpoints' meta. */
  let at = { epoch: resume?.checkpoint.meta.epoch ?? 0, step: resume?.checkpoint.meta.step ?? 0 };
  // --- end resume ---
  const emit = (e: JobEventInput): void => ctx.emit(e);
  const writeResults = (extra: Record<string, unknown>): void =>
    writeJsonAtomic(path.join(ctx.dir, 'results.json'), {
      method: 'gm',
      space: space.name,
      setting: gm.setting,
      rule: gm.rule,
      epochs,
      splitEpochs: splits,
      rootSpace: { source: root.source, remaining: root.state.remaining, size: stateSize(root.state) },
      budget: { nodeEpochs: [...records.values()].reduce((s, r) => s + r.epochsTrained, 0), definition: 'sum over sub-supernets of the epochs each trained' },
      tree: shownTree(tree),
      splits: splitLog,
      nodes: [...records.values()],
      ...darts?.results(),
      ...extra,
    });
  emit({ type: 'log', level: 'info', message: `GM: ${gm.setting}, rule ${gm.rule}, search ${gm.search}, ${epochs} epochs, splits at ${splits.length ? splits.join(', ') : 'none'}; root space ${stateSize(root.state)} architectures (${root.source})` });
  if (resume) {
    emit({ type: 'log', level: 'info', message: resumedMessage(resume) });
    for (const e of lostSplitEvents(ctx.dir, resume.progress, resume.checkpoint.meta.events ?? null, shownTree)) emit(e);
  }
  writeResults({});

  const started = jobNow(ctx);
  let images = 0;
  /** Seconds spent in supernet training steps only (not GM scores, validation or search): the img/s the CLI reports. */
  let stepSeconds = 0;
  let from = 0;
  for (let level = 0; level <= splits.length && !ctx.cancelled(); level++) {
    const to = level < splits.length ? (splits[level] as number) : epochs;
    const final = level === splits.length;
    const inherit = level === 0 ? null : childInheritance(gm.setting, level - 1, epochs, gm.restartFinal);
    const horizon = inherit && inherit.lrSchedule.kind === 'restart' ? { epochs: inherit.lrSchedule.cosineEpochs, startEpoch: from } : { epochs };
    const levelNodes: SubSupernetNode[] = tree.nodes.filter((n) => n.depth === level && n.status === 'training');
    for (const node of levelNodes) {
      if (ctx.cancelled()) break;
      // The node a resume restores takes its weights from its own checkpoint, not its parent's:
      // reading the parent's (weights and momentum) would be wasted I/O.
      const restoring = resume?.node?.id === node.id;
      const parent = inherit && node.parentId !== null && !restoring ? loadCheckpoint(path.join(checkpointsRoot(ctx.dir), nodeCheckpoint(node.parentId, 'split'))) : null;
      // --- GM+DARTS: the node's alpha, arch-Adam state and alpha batches (the restored node's from
      // its own checkpoint); the trainer gets its mixed-mode step and data part.
      const dartsNode: GmDartsNode | null = darts ? darts.startNode({ id: node.id, state: node.state, leaf: final, inherit, parent, seed: nodeSeed(config.seed, node.id), resume: restoring ? resume.checkpoint : null }, config.training.batchSize) : null;
      const trainer = new SupernetTrainer(space, config, dartsNode?.data ?? data, ctx, epochs, { node: node.id, startEpoch: from, seed: nodeSeed(config.seed, node.id), weightSeed: config.seed, horizon, ...dartsNode?.trainerOptions() });
      // --- end GM+DARTS
      try {
        const fresh = (): NodeRecord => ({ id: node.id, fromEpoch: from, toEpoch: to, epochsTrained: 0, inheritance: inherit, valAccuracy: null, candidates: [] });
        let record: NodeRecord;
        if (restoring) {
          // The node the resume checkpoint belongs to: weights, momentum, RNGs, epoch and step as saved.
          trainer.restore(resume.checkpoint);
          record = records.get(node.id) ?? fresh();
          records.set(node.id, record);
        } else {
          if (inherit && parent) inheritFromParent(trainer, parent.arrays, inherit);
          record = fresh();
          records.set(node.id, record);
          await trainer.checkpoint(nodeCheckpoint(node.id, 'init'), nodeExtra({ id: node.id, phase: 'init' }));
        }
        emit({ type: 'log', level: 'info', message: `sub-supernet ${node.id}: ${stateSize(node.state)} architectures, epochs ${from + 1}-${to}${inherit ? `, weights ${inherit.weights}, optimizer ${inherit.weightOptimizer}, LR ${inherit.lrSchedule.kind}` : ''}` });
        while (trainer.epoch < to && !ctx.cancelled()) {
          const t0 = jobNow(ctx);
          await trainer.trainEpoch(node.state);
          stepSeconds += (jobNow(ctx) - t0) / 1000;
          if (ctx.cancelled()) break;
          record.epochsTrained += 1;
          record.valAccuracy = trainer.validate(node.state);
          dartsNode?.endEpoch(trainer.epoch);
          if (trainer.epoch < to) await trainer.checkpoint(nodeEpochCheckpoint(node.id, trainer.epoch), nodeExtra({ id: node.id, phase: 'epoch' }));
        }
        at = { epoch: trainer.epoch, step: trainer.globalStep };
        images += trainer.images;
        if (ctx.cancelled()) break;
        if (!final) {
          await trainer.checkpoint(nodeCheckpoint(node.id, 'split'), nodeExtra({ id: node.id, phase: 'split' }));
          emit({ type: 'log', level: 'info', message: `sub-supernet ${node.id}: deciding its split (${gm.rule}${gm.rule === 'gm' || gm.rule === 'predefined' ? `, R=${gm.repeats}, ${gm.gmMode}` : ''})` });
          let d: SplitDecision;
          try {
            d = await decideSplit({ net: trainer.net, node, data: trainer.data, ...(dartsNode ? { alpha: dartsNode.arch.alpha } : {}), gm, batchSize: config.training.batchSize, seed: nodeSeed(config.seed, node.id) + 17, cancelled: ctx.cancelled });
          } catch (error) {
            // A cancel during the GM score ends the run like a cancel between epochs, not as a failure.
            if (error instanceof NasError && error.code === 'JOB_CANCELLED' && ctx.cancelled()) break;
            throw error;
          }
          tree = splitNode(tree, space, node.id, { choiceIndex: d.choiceIndex, groups: d.groups, distance: d.distance, certainty: d.certainty, epoch: to });
          const childIds = tree.nodes.filter((n) => n.parentId === node.id).map((n) => n.id);
          const choiceId = space.choices[d.choiceIndex]?.id ?? String(d.choiceIndex);
          splitLog.push({ parentId: node.id, childIds, epoch: to, choiceId, rule: gm.rule, groups: d.groups, candidates: d.candidates, matrices: d.matrices });
          saveGmProgress(ctx.dir, progress(), at, ctx.syncEvents?.());
          emit({ type: 'split', parentId: node.id, childIds, epoch: to, choiceId, rule: gm.rule, groups: d.groups, distance: d.distance, certainty: d.certainty, candidates: d.candidates, tree: shownTree(tree) });
          const joint = d.certainty?.bootstrap?.jointFrequency;
          emit({ type: 'log', level: 'info', message: `split ${node.id} on ${choiceId} into ${d.groups.map((g) => `{${g.join(', ')}}`).join(' ')}${joint != null ? ` (bootstrap: same edge and partition in ${(joint * 100).toFixed(0)}% of resamples)` : ''}` });
        } else {
          await trainer.checkpoint(nodeCheckpoint(node.id, 'last'), nodeExtra({ id: node.id, phase: 'last' }));
          record.candidates = dartsNode
            ? await dartsNode.search(trainer, gm.searchValImages, config.seed + 1)
            : await searchLeaf(ctx, trainer, node.id, node.state, gm, { search: nodeSeed(config.seed, node.id) + 29, val: config.seed + 1 });
          if (dartsNode) emit({ type: 'log', level: 'info', message: `sub-supernet ${node.id}: alpha after ${dartsNode.arch.alphaSteps} steps: ${dartsNode.describe()}` });
          if (ctx.cancelled()) break;
          const best = record.candidates[0];
          if (best) {
            leafCandidates.push(best);
            emit({ type: 'log', level: 'info', message: `sub-supernet ${node.id}: best ${best.architecture} (validation accuracy ${(best.fitness * 100).toFixed(2)}% of ${record.candidates.length} searched)` });
          }
          tree = withStatus(tree, node.id, 'done');
          saveGmProgress(ctx.dir, progress(), at, ctx.syncEvents?.());
        }
        writeResults({});
      } finally {
        trainer.dispose();
        dartsNode?.dispose();
      }
    }
    from = to;
  }

  let pick: FinalPick | null = null;
  if (!ctx.cancelled() && leafCandidates.length > 0) {
    if (leafCandidates.length === 1) pick = { architecture: (leafCandidates[0] as LeafCandidate).architecture, node: (leafCandidates[0] as LeafCandidate).node, by: 'single' };
    else if (gm.finalPick.truth) pick = pickByTruth(space, leafCandidates, gm.finalPick.truth);
    else pick = await pickByHalving(ctx, leafCandidates, data, gm, config.seed + 3, halvingResume(ctx.dir, resume, progress, at, () => ctx.syncEvents?.()));
    if (ctx.cancelled()) pick = null;
  }
  const picked = pick ? leafCandidates.find((c) => c.architecture === pick.architecture) : undefined;
  if (pick) emit({ type: 'log', level: 'info', message: `final pick (${pick.by}): ${pick.architecture} from sub-supernet ${pick.node}` });
  writeResults({ leafCandidates, finalPick: pick, best: picked ? [{ architecture: picked.architecture, fitness: picked.fitness, node: picked.node }] : [] });
  const seconds = (jobNow(ctx) - started) / 1000;
  return {
    space: space.name,
    setting: gm.setting,
    rule: gm.rule,
    splitEpochs: splits,
    leaves: tree.nodes.filter((n) => n.status !== 'split').length,
    nodeEpochs: [...records.values()].reduce((s, r) => s + r.epochsTrained, 0),
    best: pick?.architecture ?? null,
    bestValAccuracy: picked?.fitness ?? null,
    pickedBy: pick?.by ?? null,
    epochs,
    trainSeconds: seconds,
    imagesPerSec: images / Math.max(stepSeconds, 1e-3),
    backend: ctx.backend.chosen,
    completed: !ctx.cancelled(),
  };
}
