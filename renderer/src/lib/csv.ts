/**
 * CSV tables built in the renderer for download: every operator's score at every ABS shrink
 * step, the best architectures with every metric, and every recorded point of a run's curves.
 * RFC 4180 quoting, LF line ends.
 */
import type { JobEvent } from '../../../shared/model/job';
import type { BestArchitecture } from './absFiles';
import { operatorKey, type ShrinkStep, type SpaceChoice } from './spaceTree';

export type Cell = string | number | null | undefined;

/** One CSV field: quoted when it holds a comma, quote or line break; numbers in full precision. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly Cell[])[]): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/**
 * One row per step and operator scored at it: step, epoch, metric, edge, op, key, score, rank on
 * its edge at that step (1 = best), and whether (and why) that step dropped it.
 */
export function scoresCsv(steps: readonly ShrinkStep[], choices: readonly SpaceChoice[]): string {
  const rows: Cell[][] = [['step', 'epoch', 'metric', 'edge', 'op', 'key', 'score', 'rank_on_edge', 'dropped', 'drop_reason']];
  for (const step of steps) {
    const drops = new Map(step.dropped.map((drop) => [drop.key, drop.reason]));
    for (const choice of choices) {
      const scored = choice.ops
        .map((op) => ({ op, key: operatorKey(choice.id, op), score: step.scores[operatorKey(choice.id, op)] }))
        .filter((entry): entry is { op: string; key: string; score: number } => typeof entry.score === 'number');
      for (const entry of scored) {
        const rank = scored.filter((other) => other.score > entry.score).length + 1;
        const reason = drops.get(entry.key);
        rows.push([step.step, step.epoch, step.metric, choice.id, entry.op, entry.key, entry.score, rank, reason ? 'yes' : 'no', reason ?? '']);
      }
    }
  }
  return toCsv(rows);
}

/** One row per architecture, best first: rank, architecture, fitness, then each metric's column. */
export function bestCsv(best: readonly BestArchitecture[]): string {
  const metrics = [...new Set(best.flatMap((entry) => Object.keys(entry.metrics)))].sort();
  const rows: Cell[][] = [['rank', 'architecture', 'fitness', ...metrics]];
  best.forEach((entry, index) => rows.push([index + 1, entry.architecture, entry.fitness, ...metrics.map((name) => entry.metrics[name])]));
  return toCsv(rows);
}

/**
 * One row per metric event, in the order recorded: split, sub-supernet node (empty for one-network
 * runs), epoch, global step, loss, accuracy. Give it every event (`experiments.events`), not the
 * display stream, whose long series are bucket means.
 */
export function curvesCsv(events: readonly JobEvent[]): string {
  const rows: Cell[][] = [['split', 'node', 'epoch', 'step', 'loss', 'accuracy']];
  for (const e of events) if (e.type === 'metric') rows.push([e.split, e.node, e.epoch, e.step, e.loss, e.accuracy]);
  return toCsv(rows);
}
