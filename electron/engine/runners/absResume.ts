/**
 * What an ABS run keeps in its epoch checkpoints to resume (`meta.extra.abs`), and how it is
 * restored: the space state, the shrink history, and the number of user commands applied so
 * far. Commands the killed run acknowledged after its checkpoint (in events.jsonl, never in the
 * checkpoint) are applied again, in order, so locks and force-drops survive a crash.
 *
 * Where commands are taken (absRunner): right after each epoch's checkpoints and right before
 * scoring, both with no training in between. So every command acknowledged after checkpoint K
 * was applied, in the killed run, at the point where the resumed run continues from K, and
 * replaying them there gives the same state.
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import type { OperatorCommand } from '../../../shared/model/job';
import { applyOperatorCommand } from '../shrink/operatorCommands';
import type { SearchSpace } from '../space/searchSpace';
import { validateState } from '../space/spaceState';
import type { SpaceState } from '../space/spaceState';
import type { LoadedCheckpoint } from '../store/checkpoint';
import { readRunEvents } from '../store/experimentStore';
import type { ShrinkRecord } from './absRunner';

export interface AbsProgress {
  state: SpaceState;
  history: ShrinkRecord[];
  /** Commands (accepted or not) answered so far: the first n `command` events of the run. */
  commandsApplied: number;
}

const stateSchema = z.object({ remaining: z.array(z.array(z.string()).min(1)), locked: z.array(z.string()), forceDropped: z.array(z.string()) });
const progressSchema = z.object({
  state: stateSchema,
  history: z.array(
    z.object({
      step: z.number().int().positive(),
      epoch: z.number().int().nonnegative(),
      metric: z.string(),
      scores: z.record(z.string(), z.number()),
      decision: z.object({
        dropped: z.array(z.object({ key: z.string(), choiceId: z.string(), op: z.string(), score: z.number().nullable(), reason: z.enum(['score', 'user']) })),
        keptLocked: z.array(z.string()),
        state: stateSchema,
        sizeBefore: z.number(),
        sizeAfter: z.number(),
      }),
    }),
  ),
  commandsApplied: z.number().int().nonnegative(),
});

/** The `extra` of an ABS epoch checkpoint. */
export function absCheckpointExtra(progress: AbsProgress): Record<string, unknown> {
  return { abs: { state: progress.state, history: progress.history, commandsApplied: progress.commandsApplied } };
}

/**
 * The ABS progress saved in `checkpoint`, with the commands acknowledged after it applied.
 * @returns the progress and the number of commands replayed.
 * @throws NasError STORE_IO when the checkpoint has no (valid) ABS state or another space's.
 */
export function restoreAbsProgress(space: SearchSpace, checkpoint: LoadedCheckpoint, experimentDir: string): { progress: AbsProgress; replayed: number } {
  const parsed = progressSchema.safeParse(checkpoint.meta.extra['abs']);
  if (!parsed.success) {
    throw new NasError('STORE_IO', `Checkpoint '${checkpoint.label}' has no ABS state (space state, shrink history) to resume from.`, {
      fix: 'It was written by an older version or another method; start the experiment again.',
    });
  }
  const saved = parsed.data as AbsProgress;
  validateState(space, saved.state);
  // Command events are never superseded by a resume (supersededEvents.ts): every one answered
  // so far is here, in the order the run applied them.
  const commands: OperatorCommand[] = readRunEvents(experimentDir).events.flatMap((e) => (e.type === 'command' ? [e.command] : []));
  let state = saved.state;
  const later = commands.slice(saved.commandsApplied);
  for (const command of later) state = applyOperatorCommand(space, state, command).state;
  return { progress: { state, history: saved.history, commandsApplied: saved.commandsApplied + later.length }, replayed: later.length };
}
