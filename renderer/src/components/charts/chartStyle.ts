/** Colours and tooltip styling of the metric charts, per theme (ECharts needs concrete colours). */
import type { ThemeMode } from '../../stores/theme';
import type { MetricSplit } from '../../lib/jobTimeline';

export const SPLIT_STYLES: { split: MetricSplit; label: string; color: Record<ThemeMode, string> }[] = [
  { split: 'train', label: 'train', color: { light: '#2563eb', dark: '#6ea8ff' } },
  { split: 'val', label: 'validation', color: { light: '#7c3aed', dark: '#c4a5ff' } },
  { split: 'test', label: 'test', color: { light: '#d97706', dark: '#fbbf24' } },
];

/** One colour per run where several runs share a chart (compare views). */
export const RUN_PALETTE = ['#2563eb', '#d97706', '#16a34a', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'] as const;

export function tooltipStyle(mode: ThemeMode): { backgroundColor: string; borderColor: string; textStyle: { color: string } } {
  return mode === 'dark'
    ? { backgroundColor: '#262b34', borderColor: '#3a414d', textStyle: { color: '#e5e8ec' } }
    : { backgroundColor: '#ffffff', borderColor: '#d7dbe1', textStyle: { color: '#1a1d22' } };
}

/** The card background, for exported PNGs (the chart itself is transparent). */
export function chartBackground(mode: ThemeMode): string {
  return mode === 'dark' ? '#1b1e24' : '#ffffff';
}

/** Colours of operator bars and cells: kept, dropped by score, dropped by the user, text. */
export function operatorColors(mode: ThemeMode): { kept: string; dropped: string; forced: string; text: string; muted: string } {
  return mode === 'dark'
    ? { kept: '#6ea8ff', dropped: '#5b6270', forced: '#ff8a80', text: '#e5e8ec', muted: '#9ba4b0' }
    : { kept: '#2563eb', dropped: '#b8bec8', forced: '#b42318', text: '#1a1d22', muted: '#586170' };
}

/**
 * The continuous colour scale under a heatmap (operator scores, GM distances): one look for
 * every heatmap of the app. `text` labels the high and the low end.
 */
export function heatmapVisualMap(mode: ThemeMode, min: number, max: number, text: [high: string, low: string], format: (value: number) => string): Record<string, unknown> {
  return {
    type: 'continuous',
    min,
    // ECharts needs max > min; a constant matrix gets a hair of range.
    max: max > min ? max : min + 1e-12,
    calculable: false,
    orient: 'horizontal',
    left: 'center',
    bottom: 0,
    itemHeight: 160,
    itemWidth: 10,
    text,
    textStyle: { color: operatorColors(mode).muted, fontSize: 11 },
    formatter: (value: unknown) => format(Number(value)),
    inRange: { color: mode === 'dark' ? ['#1e2a45', '#3f6fd8', '#9dbbff'] : ['#eef3fd', '#7aa2ee', '#1b45ad'] },
  };
}
