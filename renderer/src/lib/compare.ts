/**
 * Comparing experiments: the browser's filter and sort, Kendall's tau between two rankings,
 * operator scores side by side, and tables as CSV or LaTeX. Plain functions, no Vue.
 */
import type { ExperimentSummary } from '../../../shared/model/job';
import { toCsv, type Cell } from './csv';
import type { ShrinkStep } from './spaceTree';

export type SortKey = 'created' | 'preset' | 'status' | 'method' | 'accuracy';

export interface BrowserFilter {
  text: string;
  status: string;
  method: string;
}

/** The accuracy a row is sorted and shown by: test accuracy, else best validation accuracy. */
export function rowAccuracy(row: ExperimentSummary): number | null {
  return row.finalAccuracy ?? row.bestValAccuracy ?? null;
}

/** Rows matching the filter (text in id, preset or method; exact status and method), sorted. */
export function filterAndSort(rows: readonly ExperimentSummary[], filter: BrowserFilter, sort: { key: SortKey; descending: boolean }): ExperimentSummary[] {
  const text = filter.text.trim().toLowerCase();
  const kept = rows.filter(
    (row) =>
      (!text || [row.id, row.preset, row.method ?? ''].some((field) => field.toLowerCase().includes(text))) &&
      (!filter.status || row.status === filter.status) &&
      (!filter.method || (row.method ?? '') === filter.method),
  );
  const value = (row: ExperimentSummary): string | number => {
    switch (sort.key) {
      case 'created':
        return row.created;
      case 'accuracy':
        return rowAccuracy(row) ?? -Infinity;
      default:
        return (row[sort.key] ?? '').toString().toLowerCase();
    }
  };
  const direction = sort.descending ? -1 : 1;
  return [...kept].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return (x < y ? -1 : x > y ? 1 : 0) * direction || b.created - a.created;
  });
}

/**
 * Kendall's tau-b of two equally long lists (ties counted as in tau-b); null when fewer than two
 * pairs or a list is constant.
 */
export function kendallTau(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length || a.length < 2) return null;
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign((a[i] as number) - (a[j] as number));
      const db = Math.sign((b[i] as number) - (b[j] as number));
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA += 1;
      else if (db === 0) tiesB += 1;
      else if (da === db) concordant += 1;
      else discordant += 1;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denominator === 0 ? null : (concordant - discordant) / denominator;
}

/** One experiment's operator scores at its first shrink step (the decision the angle made). */
export interface ScoredExperiment {
  id: string;
  label: string;
  step: ShrinkStep | null;
}

export interface ScoreComparison {
  /** Operator keys scored by at least one experiment, in first-seen order. */
  keys: string[];
  /** Per experiment (same order as given): key → score. */
  scores: Map<string, number>[];
  /** Per experiment: key → dropped at that step ('score' or 'user'). */
  dropped: Map<string, 'score' | 'user'>[];
  /** Kendall's tau of each experiment's scores against the first's, over the keys both scored; null for the first. */
  tauToFirst: (number | null)[];
}

export function compareScores(experiments: readonly ScoredExperiment[]): ScoreComparison {
  const keys: string[] = [];
  const scores = experiments.map((experiment) => new Map(Object.entries(experiment.step?.scores ?? {})));
  for (const map of scores) for (const key of map.keys()) if (!keys.includes(key)) keys.push(key);
  const dropped = experiments.map((experiment) => new Map((experiment.step?.dropped ?? []).map((drop) => [drop.key, drop.reason])));
  const first = scores[0] ?? new Map<string, number>();
  const tauToFirst = scores.map((map, index) => {
    if (index === 0) return null;
    const shared = keys.filter((key) => first.has(key) && map.has(key));
    return kendallTau(
      shared.map((key) => first.get(key) as number),
      shared.map((key) => map.get(key) as number),
    );
  });
  return { keys, scores, dropped, tauToFirst };
}

/** The comparison as rows: key, then per experiment its score and whether its step dropped it. */
export function comparisonRows(experiments: readonly ScoredExperiment[], comparison: ScoreComparison): { header: string[]; rows: Cell[][] } {
  const header = ['operator', ...experiments.flatMap((e) => [`${e.label} score`, `${e.label} dropped`])];
  const rows = comparison.keys.map((key) => [key, ...comparison.scores.flatMap((map, i) => [map.get(key) ?? null, comparison.dropped[i]?.get(key) ?? (map.has(key) ? 'no' : null)])]);
  return { header, rows };
}

export function tableCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return toCsv([header, ...rows]);
}

/** LaTeX special characters escaped for text mode. */
export function latexEscape(text: string): string {
  return text.replace(/[\\{}$&#^_%~]/g, (c) => (c === '\\' ? '\\textbackslash{}' : c === '~' ? '\\textasciitilde{}' : c === '^' ? '\\textasciicircum{}' : `\\${c}`));
}

/**
 * A booktabs table (tabular, no float): text columns left, numeric columns right; numbers with
 * `digits` significant digits, empty cells as '--'.
 */
export function tableLatex(header: readonly string[], rows: readonly (readonly Cell[])[], digits = 4): string {
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((row) => typeof row[c] === 'number' || row[c] === null || row[c] === undefined) && rows.some((row) => typeof row[c] === 'number'));
  const cell = (value: Cell): string => (value === null || value === undefined || value === '' ? '--' : typeof value === 'number' ? (Number.isFinite(value) ? value.toPrecision(digits) : '--') : latexEscape(value));
  const line = (cells: readonly string[]): string => `${cells.join(' & ')} \\\\`;
  return [
    `\\begin{tabular}{${numeric.map((n) => (n ? 'r' : 'l')).join('')}}`,
    '\\toprule',
    line(header.map(latexEscape)),
    '\\midrule',
    ...rows.map((row) => line(header.map((_, c) => cell(row[c])))),
    '\\bottomrule',
    '\\end{tabular}',
    '',
  ].join('\n');
}
