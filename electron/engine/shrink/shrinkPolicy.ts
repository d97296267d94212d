/**
 * Which operators a shrink step drops, given their scores (ABS, ALGORITHMS.md A4 and E6):
 * operators are ranked ascending by score (lower = worse) and dropped from the bottom; an op is
 * dropped only while a higher-ranked op remains on its edge or layer, so every choice point
 * keeps at least one op. Locked operators are never dropped; force-dropped operators leave at
 * this step whatever their score (they count toward the step's quota).
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import type { SearchSpace } from '../space/searchSpace';
import { operatorKey } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';
import { dropOps, stateSize } from '../space/spaceState';

export const shrinkPolicySchema = z.discriminatedUnion('kind', [
  /** NB201 in ABS: drop `count` operators globally in one step (20 of 30). */
  z.strictObject({ kind: z.literal('global'), count: z.number().int().positive() }),
  /** FairNAS/DARTS in ABS: drop the lowest op of every choice point that has more than one. */
  z.strictObject({ kind: z.literal('per-choice') }),
]);
export type ShrinkPolicy = z.infer<typeof shrinkPolicySchema>;

export interface DroppedOperator {
  key: string;
  choiceId: string;
  op: string;
  /** The score it had (null for a force-drop of an op that was not scored). */
  score: number | null;
  /** `score`: the policy dropped it; `user`: it was force-dropped. */
  reason: 'score' | 'user';
}

export interface ShrinkDecision {
  dropped: DroppedOperator[];
  /** Operators the policy would have dropped but kept because the user locked them. */
  keptLocked: string[];
  state: SpaceState;
  sizeBefore: number;
  sizeAfter: number;
}

/**
 * Plans and applies one shrink step.
 * @param scores operator key -> score (larger is better) for every operator on a choice point
 *   that still has more than one op.
 */
export function shrinkStep(space: SearchSpace, state: SpaceState, scores: ReadonlyMap<string, number>, policy: ShrinkPolicy): ShrinkDecision {
  const locked = new Set(state.locked);
  const remaining = state.remaining.map((ops) => [...ops]);
  const dropped: DroppedOperator[] = [];
  const keptLocked: string[] = [];
  const drop = (c: number, op: string, reason: DroppedOperator['reason']): void => {
    const choice = space.choices[c]!;
    const key = operatorKey(choice.id, op);
    remaining[c] = remaining[c]!.filter((o) => o !== op);
    dropped.push({ key, choiceId: choice.id, op, score: scores.get(key) ?? null, reason });
  };

  // 1. The user's force-drops, whatever their score, as long as the choice keeps an op.
  for (const key of state.forceDropped) {
    const c = space.choices.findIndex((ch) => key.startsWith(`${ch.id}:`));
    const op = key.slice((space.choices[c]?.id.length ?? 0) + 1);
    if (c < 0 || !remaining[c]!.includes(op)) continue;
    if (remaining[c]!.length <= 1) {
      throw new NasError('INVALID_CONFIG', `Cannot force-drop ${key}: it is the last op of ${space.choices[c]!.id}.`, { fix: 'Undo that force-drop or keep another op on the edge.' });
    }
    drop(c, op, 'user');
  }

  // 2. The ranked candidates: scored ops of choice points with more than one op left.
  const ranked: { c: number; op: string; key: string; score: number }[] = [];
  space.choices.forEach((choice, c) => {
    for (const op of remaining[c]!) {
      const key = operatorKey(choice.id, op);
      const score = scores.get(key);
      if (score !== undefined && Number.isFinite(score)) ranked.push({ c, op, key, score });
    }
  });
  ranked.sort((a, b) => a.score - b.score || a.key.localeCompare(b.key));

  if (policy.kind === 'global') {
    let quota = policy.count - dropped.length;
    for (const cand of ranked) {
      if (quota <= 0) break;
      if (!remaining[cand.c]!.includes(cand.op) || remaining[cand.c]!.length <= 1) continue;
      if (locked.has(cand.key)) {
        keptLocked.push(cand.key);
        continue;
      }
      drop(cand.c, cand.op, 'score');
      quota -= 1;
    }
  } else {
    const userDropped = new Set(dropped.map((d) => d.choiceId));
    space.choices.forEach((choice, c) => {
      if (userDropped.has(choice.id) || remaining[c]!.length <= 1) return;
      const lowest = ranked.find((r) => r.c === c && !locked.has(r.key));
      for (const r of ranked) if (r.c === c && locked.has(r.key) && (!lowest || r.score < lowest.score)) keptLocked.push(r.key);
      if (lowest) drop(c, lowest.op, 'score');
    });
  }

  let next: SpaceState = state;
  remaining.forEach((ops, c) => {
    const removed = (state.remaining[c] ?? []).filter((op) => !ops.includes(op));
    if (removed.length > 0) next = dropOps(space, next, c, removed);
  });
  return { dropped, keptLocked, state: { ...next, forceDropped: [] }, sizeBefore: stateSize(state), sizeAfter: stateSize(next) };
}
