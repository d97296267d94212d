/**
 * Stops a run on a NaN or infinite loss (or gradient norm) with a clear NAN_LOSS error.
 *
 * The "keep the last good checkpoint" contract, for every training loop:
 *   1. Compute the loss and gradients of a step; call {@link assertFiniteLoss} on the loss and,
 *      when gradients are clipped or their norm is known, {@link assertFiniteGradNorm} on the
 *      pre-clip norm, BEFORE applying the update. A throwing guard therefore leaves the weights
 *      and the optimizer state exactly as after the last finite step.
 *   2. Save a checkpoint only at a boundary (end of epoch, before a shrink or split step) that
 *      was reached without a guard throwing. Never save in a `catch` or `finally` that runs
 *      because of NAN_LOSS: the in-memory state may then be fine, but the run is not, and
 *      a checkpoint written there would replace the good one under a rolling label.
 *   3. On NAN_LOSS, let the error propagate: the job marks the experiment failed with the
 *      error's message and fix; the checkpoints directory still holds the last good state,
 *      which `latestValidCheckpoint` finds when the user resumes with a lower learning rate.
 * {@link FiniteTracker} makes point 2 checkable: it counts finite steps since the last save.
 */
import { NasError } from '../../../shared/errors';

/** Where in training a value was seen; named in the error message. */
export interface StepLocation {
  /** Zero-based epoch. */
  readonly epoch: number;
  /** Zero-based step within the epoch. */
  readonly step: number;
  /** What was being trained, e.g. 'weights' or 'architecture' (optional, for the message). */
  readonly phase?: string;
  /** Label of the last checkpoint saved, if any, so the message can say what is kept. */
  readonly lastCheckpoint?: string | null;
}

const FIX =
  'Lower the learning rate, enable gradient clipping (by norm, e.g. 5) or lower its threshold, and check the data ' +
  '(normalisation, labels in range, no NaN pixels). Resume from the last good checkpoint.';

function where(at: StepLocation): string {
  const phase = at.phase ? ` (${at.phase})` : '';
  return `epoch ${at.epoch + 1}, step ${at.step + 1}${phase}`;
}

function kept(at: StepLocation): string {
  if (at.lastCheckpoint === undefined) return '';
  return at.lastCheckpoint === null ? ' No checkpoint had been saved yet.' : ` The last good checkpoint '${at.lastCheckpoint}' is kept.`;
}

/** Throws NasError NAN_LOSS when `loss` is NaN or +-Infinity; otherwise returns it. */
export function assertFiniteLoss(loss: number, at: StepLocation): number {
  if (Number.isFinite(loss)) return loss;
  throw new NasError('NAN_LOSS', `Training diverged: the loss is ${loss} at ${where(at)}.${kept(at)}`, {
    fix: FIX,
    details: { epoch: at.epoch, step: at.step, phase: at.phase ?? null, value: String(loss), lastCheckpoint: at.lastCheckpoint ?? null },
  });
}

/**
 * Throws NasError NAN_LOSS when the global gradient norm is NaN or infinite (an infinite norm
 * can also mean the float32 sum of squares overflowed: the gradients are too large either way).
 */
export function assertFiniteGradNorm(norm: number, at: StepLocation): number {
  if (Number.isFinite(norm)) return norm;
  throw new NasError('NAN_LOSS', `Training diverged: the gradient norm is ${norm} at ${where(at)}.${kept(at)}`, {
    fix: FIX,
    details: { epoch: at.epoch, step: at.step, phase: at.phase ?? null, gradNorm: String(norm), lastCheckpoint: at.lastCheckpoint ?? null },
  });
}

/**
 * Bookkeeping for the contract above: the loop reports each checked step and each save; the
 * checkpoint code asks {@link FiniteTracker.canSave} (which is false once a step failed).
 */
export class FiniteTracker {
  private failed = false;
  private stepsSinceSave = 0;
  private label: string | null = null;

  /** Checks a step's loss and optional gradient norm; throws NAN_LOSS and blocks later saves. */
  check(loss: number, at: Omit<StepLocation, 'lastCheckpoint'>, gradNorm?: number): void {
    const full = { ...at, lastCheckpoint: this.label };
    try {
      assertFiniteLoss(loss, full);
      if (gradNorm !== undefined) assertFiniteGradNorm(gradNorm, full);
    } catch (error) {
      this.failed = true;
      throw error;
    }
    this.stepsSinceSave += 1;
  }

  /** True when no step has failed, so the current state is safe to checkpoint. */
  canSave(): boolean {
    return !this.failed;
  }

  /** Records a successful save under `label`. */
  saved(label: string): void {
    if (this.failed) throw new Error('FiniteTracker: refusing to record a checkpoint after a non-finite step');
    this.label = label;
    this.stepsSinceSave = 0;
  }

  /** The label of the last checkpoint saved through this tracker, or null. */
  lastCheckpoint(): string | null {
    return this.label;
  }

  /** Finite steps since the last save (0 right after one). */
  finiteStepsSinceSave(): number {
    return this.stepsSinceSave;
  }
}
