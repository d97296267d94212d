/**
 * Ranking a run's saved architecture scores against a ground-truth table (the experiments
 * browser's truth scatter). The scores are those the run wrote in results.json: ABS's best
 * architectures and GM-NAS's leaf candidates, each with its search fitness (supernet validation
 * accuracy) and, where measured, every metric. Kendall tau and Spearman rho are the shared
 * functions `nas-shrink tau` uses (shared/model/rankCorrelation.ts). Only architectures in both
 * the run and the table count; `nas-shrink tau` ranks a sample of the whole table instead.
 */
import { kendallTau, spearmanRho } from '../../../shared/model/rankCorrelation';

/** One architecture a run scored: its search fitness and metric scores by name. */
export interface SavedArchitecture {
  architecture: string;
  scores: Record<string, number>;
}

/** The score name of the search fitness (not a metric of the registry). */
export const FITNESS = 'fitness';

/** Below this many matched architectures no rank correlation is shown. */
export const MIN_RANKED = 3;

function scoresOf(raw: unknown): SavedArchitecture | null {
  if (!raw || typeof raw !== 'object') return null;
  const entry = raw as Record<string, unknown>;
  if (typeof entry['architecture'] !== 'string') return null;
  const scores: Record<string, number> = {};
  if (typeof entry['fitness'] === 'number' && Number.isFinite(entry['fitness'])) scores[FITNESS] = entry['fitness'];
  const metrics = entry['metrics'];
  if (metrics && typeof metrics === 'object') {
    for (const [name, value] of Object.entries(metrics as Record<string, unknown>)) if (typeof value === 'number' && Number.isFinite(value)) scores[name] = value;
  }
  return { architecture: entry['architecture'], scores };
}

/** Every architecture results.json holds with scores (ABS `best`; GM `nodes[].candidates`, `leafCandidates`, `best`), merged by architecture. */
export function savedArchitectures(results: Record<string, unknown> | null | undefined): SavedArchitecture[] {
  const merged = new Map<string, SavedArchitecture>();
  const add = (raw: unknown): void => {
    const parsed = scoresOf(raw);
    if (!parsed) return;
    const known = merged.get(parsed.architecture);
    merged.set(parsed.architecture, known ? { architecture: parsed.architecture, scores: { ...known.scores, ...parsed.scores } } : parsed);
  };
  const lists: unknown[] = [results?.['best'], results?.['leafCandidates']];
  const nodes = results?.['nodes'];
  if (Array.isArray(nodes)) for (const node of nodes) lists.push((node as Record<string, unknown> | null)?.['candidates']);
  for (const list of lists) if (Array.isArray(list)) list.forEach(add);
  return [...merged.values()];
}

export interface TruthPoint {
  architecture: string;
  score: number;
  truth: number;
}

export interface TruthCorrelation {
  metric: string;
  /** Architectures both scored by the run (with this score) and in the table. */
  points: TruthPoint[];
  /** null: fewer than {@link MIN_RANKED} points, or undefined (constant scores). */
  kendallTau: number | null;
  spearmanRho: number | null;
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Per score name (fitness first, then metrics by name): the matched points and their rank correlations. */
export function correlateWithTruth(saved: readonly SavedArchitecture[], truth: ReadonlyMap<string, number>): TruthCorrelation[] {
  const names = [...new Set(saved.flatMap((a) => Object.keys(a.scores)))].sort((a, b) => (a === FITNESS ? -1 : b === FITNESS ? 1 : a.localeCompare(b)));
  return names.map((metric) => {
    const points = saved.flatMap((a) => {
      const score = a.scores[metric];
      const value = truth.get(a.architecture);
      return score === undefined || value === undefined ? [] : [{ architecture: a.architecture, score, truth: value }];
    });
    const enough = points.length >= MIN_RANKED;
    const x = points.map((p) => p.score);
    const y = points.map((p) => p.truth);
    return { metric, points, kendallTau: enough ? finiteOrNull(kendallTau(x, y)) : null, spearmanRho: enough ? finiteOrNull(spearmanRho(x, y)) : null };
  });
}

/** How the UI names a score. */
export function scoreLabel(metric: string): string {
  return metric === FITNESS ? 'search fitness (supernet val. accuracy)' : metric;
}
