/**
 * When GM-NAS / few-shot NAS split, scaled to the run's `--epochs`, and what each child of a
 * split inherits (ALGORITHMS.md B5; B1 for few-shot). Pure data; the runner does the copying.
 *
 * Scaling: a split at epoch s of the reference total T happens at round(s * epochs / T) (JS
 * Math.round, halves up), then moved to keep the splits strictly increasing, at least epoch 1
 * when the reference split is after epoch 0 (the supernet trains before it is split), and before
 * `epochs` (every child trains at least one epoch). E.g. NB201 GM+RSPS splits at 20 and 40 of
 * 90; a 9-epoch run splits at 2 and 4; a 3-epoch run at 1 and 2.
 */
import { NasError } from '../../../shared/errors';

export type SplitSetting = 'nb201-gm-darts' | 'nb201-gm-rsps' | 'nb201-fewshot' | 'nb201-oneshot' | 'darts-gm' | 'darts-fewshot' | 'proxyless-gm';

export interface SplitSettingSpec {
  /** Split epochs at the reference budget. */
  readonly splits: readonly number[];
  /** The reference total epochs. */
  readonly total: number;
  /** Groups per split; `exhaustive` = one child per remaining op (few-shot). */
  readonly branching: readonly (number | 'exhaustive')[];
  /**
   * What the final split's children do (with restart on): `full` = re-initialise, new cosine
   * over the full T (NB201, fix_sche=0); `remaining` = re-initialise, new cosine over the epochs
   * left (DARTS, fix_sche=1); `none` = keep everything (Proxyless); `transfer` = copy the
   * weights, fresh optimizers and a new cosine over the epochs left (few-shot, B1).
   */
  readonly finalChildren: 'full' | 'remaining' | 'none' | 'transfer';
}

/** The settings of B5's table (OFA is left out: its schedule follows OFA's progressive shrinking). */
export const SPLIT_SETTINGS: Readonly<Record<SplitSetting, SplitSettingSpec>> = {
  'nb201-gm-darts': { splits: [15, 30], total: 60, branching: [2, 2], finalChildren: 'full' },
  'nb201-gm-rsps': { splits: [20, 40], total: 90, branching: [2, 2], finalChildren: 'full' },
  // Few-shot NB201 (B1): 600 one-shot epochs, then 300 per sub-supernet with weight transfer.
  'nb201-fewshot': { splits: [600], total: 900, branching: ['exhaustive'], finalChildren: 'transfer' },
  // The one-shot baseline: one supernet, never split.
  'nb201-oneshot': { splits: [], total: 1, branching: [], finalChildren: 'none' },
  'darts-gm': { splits: [2, 4, 6], total: 21, branching: [2, 2, 2], finalChildren: 'remaining' },
  'darts-fewshot': { splits: [0], total: 20, branching: ['exhaustive'], finalChildren: 'transfer' },
  'proxyless-gm': { splits: [40, 80], total: 120, branching: [2, 3], finalChildren: 'none' },
};

/** The split epochs of `setting` for a run of `epochs` epochs (see the file comment for rounding). */
export function splitEpochs(setting: SplitSetting, epochs: number): number[] {
  const spec = SPLIT_SETTINGS[setting];
  if (!Number.isInteger(epochs) || epochs < 1) throw new NasError('INVALID_CONFIG', `Epochs must be a positive integer, got ${epochs}.`, { fix: `Use e.g. ${spec.total} (the reference budget of ${setting}).` });
  const out: number[] = [];
  for (const s of spec.splits) {
    let at = Math.round((s * epochs) / spec.total);
    if (s > 0) at = Math.max(at, 1);
    if (out.length > 0) at = Math.max(at, (out[out.length - 1] as number) + 1);
    if (at >= epochs) {
      throw new NasError('INVALID_CONFIG', `${epochs} epochs are too few for the ${spec.splits.length} split(s) of ${setting}.`, { fix: `Use at least ${spec.splits.length + (spec.splits[0] === 0 ? 0 : 1)} epochs.` });
    }
    out.push(at);
  }
  return out;
}

export type Source = 'parent' | 'fresh';

export interface Inheritance {
  readonly weights: Source;
  readonly alpha: Source;
  readonly weightOptimizer: Source;
  readonly archOptimizer: Source;
  /**
   * `continue`: the parent's LR-scheduler state goes on. `restart`: a new cosine of
   * `cosineEpochs` epochs from the base LR, of which the child trains `trainEpochs`.
   */
  readonly lrSchedule: { readonly kind: 'continue' } | { readonly kind: 'restart'; readonly cosineEpochs: number; readonly trainEpochs: number };
}

const INHERIT_ALL: Inheritance = { weights: 'parent', alpha: 'parent', weightOptimizer: 'parent', archOptimizer: 'parent', lrSchedule: { kind: 'continue' } };

/**
 * What every child of split number `splitIndex` (0-based) inherits (B5): non-final splits warm
 * start (weights, alpha, both optimizers' state and the LR schedule); the final split restarts
 * as the setting says unless `restartFinal` is false (the released scripts use `--restart final`).
 */
export function childInheritance(setting: SplitSetting, splitIndex: number, epochs: number, restartFinal = true): Inheritance {
  const spec = SPLIT_SETTINGS[setting];
  const at = splitEpochs(setting, epochs);
  const splitEpoch = at[splitIndex];
  if (splitEpoch === undefined) throw new NasError('INVALID_CONFIG', `${setting} has ${at.length} split(s); there is no split ${splitIndex}.`, { fix: `Use 0..${at.length - 1}.` });
  const final = splitIndex === at.length - 1;
  if (!final || !restartFinal) return INHERIT_ALL;
  const left = epochs - splitEpoch;
  switch (spec.finalChildren) {
    case 'none':
      return INHERIT_ALL;
    case 'full':
      return { weights: 'fresh', alpha: 'fresh', weightOptimizer: 'fresh', archOptimizer: 'fresh', lrSchedule: { kind: 'restart', cosineEpochs: epochs, trainEpochs: left } };
    case 'remaining':
      return { weights: 'fresh', alpha: 'fresh', weightOptimizer: 'fresh', archOptimizer: 'fresh', lrSchedule: { kind: 'restart', cosineEpochs: left, trainEpochs: left } };
    case 'transfer':
      return { weights: 'parent', alpha: 'fresh', weightOptimizer: 'fresh', archOptimizer: 'fresh', lrSchedule: { kind: 'restart', cosineEpochs: left, trainEpochs: left } };
  }
}

/**
 * The run's supernet-epoch budget: the sum over every sub-supernet (tree node) of the epochs it
 * trains, which is what the CPU pays for (ADR 0007). `opsOnSplitEdge` gives the children of an
 * exhaustive split (5 for a full NB201 edge). E.g. nb201-gm-rsps at 3 epochs: 1 + 2*1 + 4*1 = 7;
 * nb201-fewshot at 3 epochs: 2 + 5*1 = 7; nb201-oneshot at 7 epochs: 7.
 */
export function nodeEpochBudget(setting: SplitSetting, epochs: number, opsOnSplitEdge = 5): number {
  const spec = SPLIT_SETTINGS[setting];
  const at = splitEpochs(setting, epochs);
  let nodes = 1;
  let total = 0;
  let from = 0;
  at.forEach((s, i) => {
    total += nodes * (s - from);
    const b = spec.branching[i] ?? 2;
    nodes *= b === 'exhaustive' ? opsOnSplitEdge : b;
    from = s;
  });
  return total + nodes * (epochs - from);
}
