/**
 * Resuming a killed GM-NAS / few-shot / one-shot run (method gm, ADR 0008): where the runner
 * saves its state and how it finds its place again.
 *
 * Safe points, each a checkpoint carrying the whole run's progress (gmCheckpointState.ts):
 *   node-<id>-init      a node about to train (weights, momentum as inherited; fresh RNGs);
 *   node-<id>-epoch-K   a node after each epoch short of its end;
 *   node-<id>-split     a node trained to its split epoch, before its split decision;
 *   node-<id>-last      a leaf trained to the end, before its RSPS search;
 *   gm-progress         no node in training: right after a split decision, after a leaf's
 *                       search, after each successive-halving training (no tensors; rewritten).
 * Resumed from one of them, the runner walks the tree as a fresh run does, skipping the nodes
 * the progress marks split or done; the node the checkpoint belongs to is restored (weights,
 * BN statistics, momentum, data-order / augmentation / sampler / evaluation RNGs, epoch and
 * step, so the LR schedule's position) instead of initialised, and carries on from its phase.
 * What comes after a split checkpoint (the GM decision) or a last checkpoint (the search) is
 * recomputed from the same weights and seeds, so it comes out the same; finished decisions,
 * searches and halving trainings are taken from the progress, never redone.
 */
import { NasError } from '../../../shared/errors';
import type { JobEventInput } from '../../../shared/model/job';
import type { SubSupernetTreeDto } from '../../../shared/model/splitTree';
import type { SearchSpace } from '../space/searchSpace';
import type { SubSupernetTree } from '../split/subSupernetTree';
import { validateState } from '../space/spaceState';
import { saveCheckpoint } from '../store/checkpoint';
import type { LoadedCheckpoint } from '../store/checkpoint';
import { readEvents } from '../store/experimentStore';
import { gmCheckpointExtra, readGmCheckpointState } from './gmCheckpointState';
import type { GmNodeState, GmProgress } from './gmCheckpointState';
import type { HalvingResume, HalvingState } from './gmSearch';
import { treeDto } from './gmTree';

/** The tensorless checkpoint of a GM run between nodes. */
export const GM_PROGRESS_CHECKPOINT = 'gm-progress';

/** The checkpoint of node `id` after `epoch` completed epochs (an epoch short of the node's end). */
export function nodeEpochCheckpoint(id: number, epoch: number): string {
  return `node-${id}-epoch-${epoch}`;
}

/** Where a resumed GM run continues. */
export interface GmResumePoint {
  readonly checkpoint: LoadedCheckpoint;
  readonly progress: GmProgress;
  /** The node in training the checkpoint holds (restore its trainer from `checkpoint`), or null between nodes. */
  readonly node: GmNodeState | null;
}

/**
 * Reads and checks the resume point of `checkpoint`: its progress must fit `space`, and a node
 * checkpoint must belong to a node of the tree still in training, with tensors.
 * @throws NasError STORE_IO naming the checkpoint otherwise.
 */
export function gmResumePoint(space: SearchSpace, checkpoint: LoadedCheckpoint): GmResumePoint {
  const { progress, node } = readGmCheckpointState(checkpoint);
  const broken = (why: string): NasError =>
    new NasError('STORE_IO', `Checkpoint '${checkpoint.label}' cannot be resumed from: ${why}.`, { fix: 'Resume with the configuration the experiment was created with, or start it again with `nas-shrink run`.' });
  for (const n of progress.tree.nodes) {
    try {
      validateState(space, n.state);
    } catch (error) {
      throw broken(`sub-supernet ${n.id}'s space does not fit ${space.name} (${(error as Error).message})`);
    }
  }
  if (node) {
    const inTree = progress.tree.nodes.find((n) => n.id === node.id);
    if (!inTree || inTree.status !== 'training') throw broken(`it belongs to sub-supernet ${node.id}, which the saved tree has ${inTree ? `as ${inTree.status}` : 'not'}`);
    if (Object.keys(checkpoint.arrays).length === 0) throw broken(`it holds no weights for sub-supernet ${node.id}`);
  }
  return { checkpoint, progress, node };
}

/** The log line of a resumed run: where it continues. */
export function resumedMessage(point: GmResumePoint): string {
  const { progress, node, checkpoint } = point;
  const done = progress.tree.nodes.filter((n) => n.status !== 'training').length;
  const where = node
    ? { init: `sub-supernet ${node.id} from its start`, epoch: `sub-supernet ${node.id} after epoch ${checkpoint.meta.epoch}`, split: `sub-supernet ${node.id}'s split decision`, last: `sub-supernet ${node.id}'s search` }[node.phase]
    : progress.halving
      ? `the final pick (successive halving: ${progress.halving.rounds.length} round(s) and ${progress.halving.scores.length} training(s) done)`
      : 'the next sub-supernet';
  return `GM resumed at ${where}; ${progress.splits.length} split decision(s), ${done} finished node(s) and ${progress.leafCandidates.length} searched leaf(s) restored`;
}

/**
 * Writes the between-nodes checkpoint `gm-progress` (no tensors) at `at` (the last trainer's
 * epoch and step). `events`: how many events the run has recorded, all on disk
 * (`ctx.syncEvents`), as every trainer checkpoint records it, so a resume from here supersedes
 * what the killed run recorded after it (the partly done halving training's events, a split
 * event emitted after the save); undefined where the context has no event store (tests).
 */
export function saveGmProgress(dir: string, progress: GmProgress, at: { epoch: number; step: number }, events: number | undefined): void {
  saveCheckpoint(dir, GM_PROGRESS_CHECKPOINT, {}, { epoch: at.epoch, step: at.step, rng: {}, schedule: null, ...(events !== undefined ? { events } : {}), extra: gmCheckpointExtra(progress, null) });
}

/**
 * The halving's resume hooks: the finished trainings from `point` (when the run resumes inside
 * the final pick) and a save of the progress after each training (`events` as for saveGmProgress).
 */
export function halvingResume(dir: string, point: GmResumePoint | null, progress: (halving: HalvingState) => GmProgress, at: { epoch: number; step: number }, events: () => number | undefined): HalvingResume {
  return { from: point?.progress.halving ?? null, save: (state) => saveGmProgress(dir, progress(state), at, events()) };
}

/**
 * `split` events of restored decisions that the resumed run's viewers would lack. gm-progress
 * is written right after a decision and before its event, so a kill can keep the decision and
 * lose its event (never sent, or recorded after the checkpoint and so superseded by the
 * resume); the resumed run emits it then, once (decisions whose event survives are not
 * repeated). `redoFrom`: the resume's first superseded event number (the checkpoint's
 * `events`), null when it supersedes none. `tree` is the restored tree: the tree right after
 * the decision when it is the newest, as a lost one is, shown as the run shows its trees
 * (`shown`: GM+DARTS adds every node's alpha record, restored with the progress).
 */
export function lostSplitEvents(dir: string, progress: GmProgress, redoFrom: number | null, shown: (tree: SubSupernetTree) => SubSupernetTreeDto = treeDto): JobEventInput[] {
  const kept = (seq: number): boolean => redoFrom === null || seq < redoFrom;
  const recorded = new Set(readEvents(dir).events.flatMap((e) => (e.type === 'split' && kept(e.seq) ? [e.parentId] : [])));
  return progress.splits
    .filter((s) => !recorded.has(s.parentId))
    .map((s) => {
      const child = progress.tree.nodes.find((n) => n.parentId === s.parentId);
      const distance = child?.distance ? child.distance.map((r) => [...r]) : null;
      const c = child?.certainty ?? null;
      const certainty = c ? { partitionMargin: c.partitionMargin, edgeMargin: c.edgeMargin, bootstrap: c.bootstrap ? { ...c.bootstrap } : null } : null;
      return { type: 'split', parentId: s.parentId, childIds: [...s.childIds], epoch: s.epoch, choiceId: s.choiceId, rule: s.rule, groups: s.groups.map((g) => [...g]), distance, certainty, candidates: { ...s.candidates }, tree: shown(progress.tree) };
    });
}
