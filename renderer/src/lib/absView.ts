/**
 * Puts an ABS run's pieces together for the views: the edges of its space, its shrink steps and
 * the events the space tree folds, from live events and/or the files `experiments.open` read.
 */
import type { JobTimeline } from './jobTimeline';
import type { ResultsFile, SpaceFile } from './absFiles';
import { choicesFromScores, type CommandKind, type ShrinkStep, type SpaceChoice, type SpaceEvent } from './spaceTree';

type Shrinks = Pick<JobTimeline, 'shrinks' | 'commands'>;

/** The shrink steps: from the events, else from results.json (events lost to a crash). */
export function shrinkSteps(timeline: Shrinks, results: ResultsFile | null): ShrinkStep[] {
  if (timeline.shrinks.length > 0) return timeline.shrinks;
  return [...(results?.steps ?? [])].sort((a, b) => a.step - b.step);
}

/** Steps and command answers in the order the job emitted them. */
export function spaceEvents(timeline: Shrinks, results: ResultsFile | null): SpaceEvent[] {
  const ordered: { seq: number; event: SpaceEvent }[] = [
    ...timeline.commands.map((command) => ({ seq: command.seq, event: { type: 'command' as const, command } })),
    ...timeline.shrinks.map((step) => ({ seq: step.seq, event: { type: 'shrink' as const, step } })),
  ];
  if (timeline.shrinks.length === 0) {
    // Steps read from results.json have no seq: they come after any command seen.
    for (const step of shrinkSteps(timeline, results)) ordered.push({ seq: Number.MAX_SAFE_INTEGER, event: { type: 'shrink', step } });
  }
  return ordered.sort((a, b) => a.seq - b.seq).map((entry) => entry.event);
}

/** The space's edges: space.json's, else rebuilt from the first step's scores; empty when neither. */
export function spaceChoices(space: SpaceFile | null, steps: readonly ShrinkStep[]): SpaceChoice[] {
  if (space && space.choices.length > 0) return space.choices;
  const first = steps[0];
  return first ? choicesFromScores(first.scores) : [];
}

/** Whether a run is an ABS search (it has a space, a shrink step, or an `abs` config). */
export function isAbsRun(options: { config?: Record<string, unknown> | null; space?: SpaceFile | null; steps?: readonly unknown[]; preset?: string | null }): boolean {
  if (options.space || (options.steps && options.steps.length > 0)) return true;
  if (options.config && (options.config.method === 'abs' || 'abs' in options.config)) return true;
  return /(^|-)abs($|-)/.test(options.preset ?? '');
}

/** The size at which the run stops shrinking (config `abs.targetSize`), or null when not given. */
export function absTargetSize(config: Record<string, unknown> | null | undefined): number | null {
  const abs = config?.abs;
  if (!abs || typeof abs !== 'object') return null;
  const target = (abs as Record<string, unknown>).targetSize;
  return typeof target === 'number' ? target : null;
}

/**
 * Whether a running ABS job can still take operator commands: before its search phase and while
 * the space is larger than its target (commands are applied at shrink steps only).
 */
export function acceptsCommands(timeline: Pick<JobTimeline, 'status' | 'progress'>, sizeApplied: number, targetSize: number | null): boolean {
  if (timeline.status !== 'running' && timeline.status !== 'queued') return false;
  if (timeline.progress?.phase === 'search') return false;
  return targetSize === null || sizeApplied > targetSize;
}

/** A command sent from this window, and how many answers the job had given when it was sent. */
export interface SentCommand {
  kind: CommandKind;
  answersBefore: number;
}

/** The sent commands the job has not answered yet: key → kind. */
export function unanswered(sent: Readonly<Record<string, SentCommand>>, commands: Shrinks['commands']): Map<string, CommandKind> {
  const out = new Map<string, CommandKind>();
  for (const [key, entry] of Object.entries(sent)) {
    const answered = commands.slice(entry.answersBefore).some((answer) => answer.command.key === key);
    if (!answered) out.set(key, entry.kind);
  }
  return out;
}
