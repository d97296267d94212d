/** Colours and tooltip styling of the metric charts, per theme (ECharts needs concrete colours). */
import type { ThemeMode } from '../../stores/theme';
import type { MetricSplit } from '../../lib/jobTimeline';

export const SPLIT_STYLES: { split: MetricSplit; label: string; color: Record<ThemeMode, string> }[] = [
  { split: 'train', label: 'train', color: { light: '#2563eb', dark: '#6ea8ff' } },
  { split: 'val', label: 'validation', color: { light: '#7c3aed', dark: '#c4a5ff' } },
  { split: 'test', label: 'test', color: { light: '#d97706', dark: '#fbbf24' } },
];

export function tooltipStyle(mode: ThemeMode): { backgroundColor: string; borderColor: string; textStyle: { color: string } } {
  return mode === 'dark'
    ? { backgroundColor: '#262b34', borderColor: '#3a414d', textStyle: { color: '#e5e8ec' } }
    : { backgroundColor: '#ffffff', borderColor: '#d7dbe1', textStyle: { color: '#1a1d22' } };
}
