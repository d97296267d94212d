/**
 * Applies the user's operator commands to a space state: a lock (never drop this op), a
 * force-drop (drop it at the next shrink step whatever its score), or undo (withdraw a lock or
 * a force-drop not yet applied). Each gets an answer the UI shows next to the operator.
 */
import type { OperatorCommand } from '../../../shared/model/job';
import type { SearchSpace } from '../space/searchSpace';
import { parseOperatorKey } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';

export interface CommandOutcome {
  command: OperatorCommand;
  accepted: boolean;
  message: string;
}

export function applyOperatorCommand(space: SearchSpace, state: SpaceState, command: OperatorCommand): { state: SpaceState; outcome: CommandOutcome } {
  const reject = (message: string) => ({ state, outcome: { command, accepted: false, message } });
  let choiceId: string;
  let op: string;
  try {
    ({ choiceId, op } = parseOperatorKey(command.key));
  } catch (error) {
    return reject((error as Error).message);
  }
  const c = space.choices.findIndex((ch) => ch.id === choiceId);
  if (c < 0) return reject(`Unknown edge or layer '${choiceId}' in ${space.name}.`);
  if (!space.choices[c]!.ops.includes(op)) return reject(`'${op}' is not an op of ${choiceId}; its ops are ${space.choices[c]!.ops.join(', ')}.`);
  const remaining = state.remaining[c] ?? [];
  const without = (list: readonly string[]): string[] => list.filter((k) => k !== command.key);
  switch (command.kind) {
    case 'lock':
      if (!remaining.includes(op)) return reject(`${command.key} was already dropped; it cannot be locked.`);
      return {
        state: { ...state, locked: [...without(state.locked), command.key], forceDropped: without(state.forceDropped) },
        outcome: { command, accepted: true, message: `${command.key} is locked: shrinking will never drop it.` },
      };
    case 'force-drop': {
      if (!remaining.includes(op)) return reject(`${command.key} was already dropped.`);
      const pending = state.forceDropped.filter((k) => k.startsWith(`${choiceId}:`) && k !== command.key).length;
      if (remaining.length - pending <= 1) return reject(`${command.key} is the last op left on ${choiceId}; every edge keeps at least one.`);
      return {
        state: { ...state, forceDropped: [...without(state.forceDropped), command.key], locked: without(state.locked) },
        outcome: { command, accepted: true, message: `${command.key} will be dropped at the next shrink step.` },
      };
    }
    case 'undo':
      if (!state.locked.includes(command.key) && !state.forceDropped.includes(command.key)) return reject(`${command.key} has no lock or force-drop to undo.`);
      return {
        state: { ...state, locked: without(state.locked), forceDropped: without(state.forceDropped) },
        outcome: { command, accepted: true, message: `${command.key}: lock or force-drop withdrawn.` },
      };
  }
}
