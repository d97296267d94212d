/**
 * Which methods can continue an interrupted run, and from which checkpoints.
 *
 * Resume works at checkpoint granularity: the job process loads the newest valid checkpoint
 * whose label the method accepts (latestValidCheckpoint skips damaged ones with a warning) and
 * hands it to the runner as `ctx.resumeFrom`; the runner restores everything the rest of the
 * run depends on and continues, redoing the work after that checkpoint. So a resumed run equals
 * an uninterrupted one exactly when each accepted checkpoint holds, in its tensors and meta:
 *   - every weight, BN running statistic and optimizer buffer (SupernetTrainer.checkpoint);
 *   - every RNG state still to be drawn from (data order and augmentation, sampler, evaluation);
 *   - the position in the LR schedule (completed epochs and global step);
 *   - the method's own state at that point (ABS: the space state, the shrink history and how
 *     many user commands it had applied, absResume.ts; GM: the sub-supernet tree, decisions,
 *     searched leaves and halving trainings, gmCheckpointState.ts; GM+DARTS also alpha, its Adam
 *     state, the alpha-batch stream and every node's alpha record, gmDartsRun.ts).
 *
 * A new runner plugs in (as GM-NAS did: gmResume.ts) by (1) saving such checkpoints at safe points under labels
 * that {@link ResumeSupport.accepts} recognises, with its own state in `meta.extra`, (2) when
 * `ctx.resumeFrom` is set, restoring from it instead of initialising, and (3) adding its method to the map below
 * (not from the runner's module: this file must stay free of tfjs, because the host reads it to
 * refuse methods that cannot resume before starting a job process).
 */
import type { Method } from '../config/experimentConfig';

export interface ResumeSupport {
  /** True for checkpoint labels this method can restart from. */
  accepts(label: string): boolean;
}

/** Checkpoints written at the end of an epoch: `epoch-K` and `last` (the newest epoch-K). */
export const epochCheckpoints: ResumeSupport = { accepts: (label) => label === 'last' || /^epoch-\d+$/.test(label) };

/**
 * No checkpoint at all: the method's own output is its progress (the ground-truth job rewrites
 * ground-truth.csv after every architecture and, resumed, trains only the rows it lacks).
 */
export const ownFilesOnly: ResumeSupport = { accepts: () => false };

/**
 * GM-NAS / few-shot / one-shot (method gm): the per-node checkpoints `node-<id>-init`,
 * `node-<id>-epoch-K`, `node-<id>-split` and `node-<id>-last`, and the tensorless
 * `gm-progress` written when no node is in training (after a split decision, a leaf's search, a
 * successive-halving training). Each carries the whole run's progress (runners/gmResume.ts).
 */
export const gmCheckpoints: ResumeSupport = { accepts: (label) => label === 'gm-progress' || /^node-\d+-(init|split|last|epoch-\d+)$/.test(label) };

const support = new Map<Method, ResumeSupport>([
  ['supernet', epochCheckpoints],
  ['abs', epochCheckpoints],
  ['ground-truth', ownFilesOnly],
  ['gm', gmCheckpoints],
]);

/** The method's resume support, or null when its runs can only be started again. */
export function resumeSupportFor(method: Method): ResumeSupport | null {
  return support.get(method) ?? null;
}

/**
 * Why a run of this method cannot be resumed, or null when it can (the host refuses before it
 * starts a job process, and the UI shows no Resume button). Every gm run resumes, GM+DARTS
 * included: its node checkpoints hold alpha, the arch-Adam state and the alpha-batch stream
 * (runners/gmDartsRun.ts, ADR 0008).
 */
export function resumeRefusal(method: Method): string | null {
  return resumeSupportFor(method) ? null : `experiments of method ${method} cannot be resumed`;
}
