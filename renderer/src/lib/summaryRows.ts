/**
 * A job's final summary (the `result` event, experiment.json `summary`) as labelled, formatted
 * rows: the runners write camelCase keys with raw numbers; a reader wants "Best val. accuracy
 * 12.8 %" and "Train time 1 min 03 s". Known keys get their unit from their name; the rest are
 * split into words. Nested values are left out (the views show them elsewhere).
 */
import { backendLabel, formatAccuracy, formatDuration, formatRate } from './format';

export interface SummaryRow {
  label: string;
  value: string;
  mono: boolean;
}

/** Labels for keys whose words alone read badly. */
const LABELS: Record<string, string> = {
  imagesPerSec: 'Training speed',
  trainSeconds: 'Training time',
  bestValAccuracy: 'Best validation accuracy',
  finalSize: 'Architectures left',
  shrinkSteps: 'Shrink steps',
  best: 'Best architecture',
};

/** "bestValAccuracy" → "Best val accuracy". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatValue(key: string, value: string | number | boolean): { value: string; mono: boolean } {
  if (typeof value === 'boolean') return { value: value ? 'yes' : 'no', mono: false };
  if (typeof value === 'string') return { value: key === 'backend' ? backendLabel(value) : value, mono: key === 'best' || value.includes('|') };
  if (/accuracy$/i.test(key) && value >= 0 && value <= 1) return { value: formatAccuracy(value), mono: true };
  if (/seconds$/i.test(key)) return { value: formatDuration(value), mono: true };
  if (key === 'imagesPerSec') return { value: formatRate(value), mono: true };
  return { value: Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(4), mono: true };
}

export function summaryRows(summary: Record<string, unknown>): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const [key, raw] of Object.entries(summary)) {
    if (raw === null || !['string', 'number', 'boolean'].includes(typeof raw)) continue;
    rows.push({ label: LABELS[key] ?? humanizeKey(key), ...formatValue(key, raw as string | number | boolean) });
  }
  return rows;
}
