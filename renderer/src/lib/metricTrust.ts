/**
 * Whether the metric an ABS run shrank on ranks architectures, from the `nas-shrink tau`
 * records of the experiment: per record, the metric rows (tau, rho, n), the shrink metric's own
 * row, and a warning when its Kendall tau is below TRUSTED_TAU (or undefined), naming a metric
 * that does rank when there is one.
 */
import { TRUSTED_TAU, type TauRecord, type TauResult } from '../../../shared/model/tau';

export interface TrustView {
  checkpoint: string;
  truth: string;
  /** Rows sorted by Kendall tau, best first (undefined taus last). */
  rows: (TauResult & { usedForShrinking: boolean; trusted: boolean })[];
  /** The shrink metric's row; null when the record has no row for it (or the run has no metric). */
  shrinkRow: TauResult | null;
  /** A sentence for the researcher when the shrink metric does not rank; null when it does. */
  warning: string | null;
  verdict: string;
}

/** The metric an ABS config shrinks on (`abs.metric`), or null when the config has none. */
export function shrinkMetricOf(config: Record<string, unknown>): string | null {
  const abs = config['abs'];
  if (typeof abs !== 'object' || abs === null) return null;
  const metric = (abs as Record<string, unknown>)['metric'];
  return typeof metric === 'string' ? metric : null;
}

const ranks = (tau: number | null): boolean => tau !== null && Number.isFinite(tau) && tau >= TRUSTED_TAU;

export function trustView(record: TauRecord, shrinkMetric: string | null): TrustView {
  const rows = [...record.results]
    .sort((a, b) => (b.kendallTau ?? -Infinity) - (a.kendallTau ?? -Infinity) || a.metric.localeCompare(b.metric))
    .map((r) => ({ ...r, usedForShrinking: r.metric === shrinkMetric, trusted: ranks(r.kendallTau) }));
  const shrinkRow = rows.find((r) => r.usedForShrinking) ?? null;
  let warning: string | null = null;
  if (shrinkRow && !ranks(shrinkRow.kendallTau)) {
    const tau = shrinkRow.kendallTau === null ? 'undefined' : shrinkRow.kendallTau.toFixed(2);
    const better = rows.find((r) => r.trusted && !r.usedForShrinking);
    warning =
      `The shrinking ranked operators by ${shrinkRow.metric}, which does not rank these architectures ` +
      `(Kendall tau ${tau} < ${TRUSTED_TAU} at ${record.checkpoint}, ${shrinkRow.n} architectures): do not trust its drops in this setting.` +
      (better ? ` ${better.metric} ranks them (tau ${(better.kendallTau as number).toFixed(2)}): shrink with it instead.` : ' No metric reaches tau 0.3 here.');
  }
  return { checkpoint: record.checkpoint, truth: record.truth, rows, shrinkRow, warning, verdict: record.verdict };
}
