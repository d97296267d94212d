/**
 * The search-space tree of an ABS run (space → edges → operators), folded from its shrink steps
 * and the job's answers to operator commands. Plain functions, no Vue.
 *
 * The job applies a lock or force-drop at its next shrink step (DESIGN.md): an accepted command
 * is *pending* until a `shrink` event shows its effect; a command sent from this window and not
 * yet answered is *sending*. Operator keys are `<choiceId>:<op>`.
 */
import type { OperatorCommand } from '../../../shared/model/job';
import type { CommandEvent, ShrinkEvent } from './jobTimeline';

/** One choice point (an NB201 edge, a layer): its id, label and every op it started with. */
export interface SpaceChoice {
  id: string;
  label: string;
  ops: string[];
}

/** A shrink step as the tree needs it: from a `shrink` event, or from results.json (no `remaining`). */
export type ShrinkStep = Pick<ShrinkEvent, 'step' | 'epoch' | 'metric' | 'scores' | 'dropped' | 'sizeBefore' | 'sizeAfter'> & {
  remaining?: string[][];
  keptLocked?: string[];
};

/** What the tree is folded from, in the order the job emitted it. */
export type SpaceEvent = { type: 'shrink'; step: ShrinkStep } | { type: 'command'; command: Pick<CommandEvent, 'command' | 'accepted' | 'message'> };

export type OperatorState = 'alive' | 'locked' | 'dropped' | 'force-dropped';
export type CommandKind = OperatorCommand['kind'];

export interface OperatorNode {
  key: string;
  choiceId: string;
  op: string;
  /** The latest score the operator got, and the step it got it at; null before any step. */
  score: number | null;
  scoreStep: number | null;
  /** Rank of the score on its edge at that step, 1 = best; null without a score. */
  rank: number | null;
  state: OperatorState;
  /** The shrink step that dropped it. */
  droppedAt: number | null;
  /** The last step at which its lock kept it (the step would have dropped it otherwise). */
  keptAt: number | null;
  /** Accepted by the job, takes effect at the next shrink step (or, for a sent command, what it will be). */
  pending: 'lock' | 'force-drop' | null;
  /** Sent from this window, not yet answered. */
  sending: CommandKind | null;
  /** The job's latest answer about this operator since the last shrink step. */
  ack: { kind: CommandKind; accepted: boolean; message: string } | null;
}

export interface EdgeNode {
  id: string;
  label: string;
  ops: OperatorNode[];
  /** Ops still in the space on this edge, pending force-drops taken off. */
  remaining: number;
}

export interface SpaceTree {
  edges: EdgeNode[];
  /** Architectures left: the product over edges of `remaining` (pending force-drops counted). */
  size: number;
  /** The same without the pending force-drops: what the last shrink step left. */
  sizeApplied: number;
  /** The full space before any shrinking. */
  sizeFull: number;
  /** The last shrink step applied, 0 before the first. */
  lastStep: number;
  metric: string | null;
}

interface Fold {
  scores: Map<string, { score: number; step: number }>;
  dropped: Map<string, { step: number; reason: 'score' | 'user' }>;
  kept: Map<string, number>;
  locked: Set<string>;
  lockPending: Set<string>;
  forceDrop: Set<string>;
  acks: Map<string, NonNullable<OperatorNode['ack']>>;
  lastStep: number;
  metric: string | null;
}

/** `choiceId:op`. */
export function operatorKey(choiceId: string, op: string): string {
  return `${choiceId}:${op}`;
}

/**
 * The tree after `events`, with the commands in `sent` (key → kind) shown as on their way.
 * `choices` gives the edges and their full op lists (space.json); see {@link choicesFromScores}.
 */
export function buildSpaceTree(choices: readonly SpaceChoice[], events: readonly SpaceEvent[], sent: ReadonlyMap<string, CommandKind> = new Map()): SpaceTree {
  const fold: Fold = { scores: new Map(), dropped: new Map(), kept: new Map(), locked: new Set(), lockPending: new Set(), forceDrop: new Set(), acks: new Map(), lastStep: 0, metric: null };
  for (const event of events) {
    if (event.type === 'shrink') applyStep(fold, choices, event.step);
    else applyCommand(fold, event.command);
  }
  const edges = choices.map((choice) => edgeNode(fold, choice, sent));
  const product = (count: (edge: EdgeNode) => number): number => edges.reduce((size, edge) => size * count(edge), 1);
  return {
    edges,
    size: product((edge) => edge.remaining),
    sizeApplied: product((edge) => edge.ops.filter((node) => isInSpace(node)).length),
    sizeFull: choices.reduce((size, choice) => size * choice.ops.length, 1),
    lastStep: fold.lastStep,
    metric: fold.metric,
  };
}

function applyStep(fold: Fold, choices: readonly SpaceChoice[], step: ShrinkStep): void {
  for (const [key, score] of Object.entries(step.scores)) fold.scores.set(key, { score, step: step.step });
  for (const drop of step.dropped) fold.dropped.set(drop.key, { step: step.step, reason: drop.reason });
  for (const key of step.keptLocked ?? []) fold.kept.set(key, step.step);
  if (step.remaining) {
    choices.forEach((choice, c) => {
      const left = step.remaining?.[c];
      if (!left) return;
      for (const op of choice.ops) {
        const key = operatorKey(choice.id, op);
        if (!left.includes(op) && !fold.dropped.has(key)) fold.dropped.set(key, { step: step.step, reason: 'score' });
      }
    });
  }
  for (const key of fold.dropped.keys()) fold.locked.delete(key);
  // The step applied every accepted lock and force-drop; answers before it are history now.
  fold.forceDrop.clear();
  fold.lockPending.clear();
  fold.acks.clear();
  fold.lastStep = Math.max(fold.lastStep, step.step);
  fold.metric = step.metric;
}

function applyCommand(fold: Fold, answer: Pick<CommandEvent, 'command' | 'accepted' | 'message'>): void {
  const { kind, key } = answer.command;
  fold.acks.set(key, { kind, accepted: answer.accepted, message: answer.message });
  if (!answer.accepted) return;
  fold.forceDrop.delete(key);
  fold.locked.delete(key);
  fold.lockPending.delete(key);
  if (kind === 'lock') {
    fold.locked.add(key);
    fold.lockPending.add(key);
  } else if (kind === 'force-drop') {
    fold.forceDrop.add(key);
  }
}

function edgeNode(fold: Fold, choice: SpaceChoice, sent: ReadonlyMap<string, CommandKind>): EdgeNode {
  const ops = choice.ops.map((op) => operatorNode(fold, choice.id, op, sent.get(operatorKey(choice.id, op)) ?? null));
  rankScores(ops);
  const remaining = ops.filter((node) => isInSpace(node) && node.pending !== 'force-drop').length;
  return { id: choice.id, label: choice.label, ops, remaining };
}

function operatorNode(fold: Fold, choiceId: string, op: string, sending: CommandKind | null): OperatorNode {
  const key = operatorKey(choiceId, op);
  const scored = fold.scores.get(key);
  const drop = fold.dropped.get(key);
  const state: OperatorState = drop ? (drop.reason === 'user' ? 'force-dropped' : 'dropped') : fold.locked.has(key) ? 'locked' : 'alive';
  let pending: OperatorNode['pending'] = fold.forceDrop.has(key) ? 'force-drop' : fold.lockPending.has(key) ? 'lock' : null;
  // A command on its way counts as what it asks for, so the size updates as soon as it is sent.
  if (!drop && sending) pending = sending === 'undo' ? null : sending;
  return {
    key,
    choiceId,
    op,
    score: scored?.score ?? null,
    scoreStep: scored?.step ?? null,
    rank: null,
    state,
    droppedAt: drop?.step ?? null,
    keptAt: drop ? null : (fold.kept.get(key) ?? null),
    pending,
    sending: drop ? null : sending,
    ack: fold.acks.get(key) ?? null,
  };
}

/** Ranks each operator's latest score among the operators of its edge scored at the same step. */
function rankScores(ops: OperatorNode[]): void {
  for (const node of ops) {
    if (node.score === null) continue;
    const better = ops.filter((other) => other.scoreStep === node.scoreStep && other.score !== null && other.score > (node.score as number)).length;
    node.rank = better + 1;
  }
}

/** Whether the operator is still in the space (alive or locked), ignoring pending commands. */
export function isInSpace(node: Pick<OperatorNode, 'state'>): boolean {
  return node.state === 'alive' || node.state === 'locked';
}

/** The commands the user may send for an operator on a running job, and why not when none. */
export function operatorActions(node: OperatorNode, edge: EdgeNode): { lock: boolean; forceDrop: boolean; undo: boolean; forceDropBlocked: string | null } {
  const none = { lock: false, forceDrop: false, undo: false, forceDropBlocked: null };
  if (!isInSpace(node) || node.sending) return none;
  const undo = node.state === 'locked' || node.pending !== null;
  const lastOne = edge.remaining <= 1 && node.pending !== 'force-drop';
  return {
    lock: node.state !== 'locked' && node.pending === null,
    forceDrop: node.state === 'alive' && node.pending === null && !lastOne,
    undo,
    forceDropBlocked: node.state === 'alive' && node.pending === null && lastOne ? `the last op left on ${edge.label}` : null,
  };
}

/**
 * Edges rebuilt from the keys of a step's scores when space.json is not at hand (a run from an
 * older version, a job that has not written it yet): labels are the ids.
 */
export function choicesFromScores(scores: Record<string, number>): SpaceChoice[] {
  const byChoice = new Map<string, string[]>();
  for (const key of Object.keys(scores)) {
    const cut = key.lastIndexOf(':');
    if (cut <= 0) continue;
    const id = key.slice(0, cut);
    const ops = byChoice.get(id) ?? [];
    ops.push(key.slice(cut + 1));
    byChoice.set(id, ops);
  }
  return [...byChoice.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, ops]) => ({ id, label: `edge ${id}`, ops }));
}
