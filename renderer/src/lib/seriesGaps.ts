/**
 * Line breaks where a series starts over: a job that trains several networks one after the
 * other (a ground-truth run) restarts its epochs at 0 for each, and a line drawn back to the
 * start would cross the chart. ECharts leaves a gap at a '-' point.
 */
import type { Point } from './downsampledSeries';

export type GapPoint = Point | ['-', '-'];

/** `points` with a gap before every point whose x is lower than the one before it. */
export function withRestarts(points: readonly Point[]): GapPoint[] {
  const out: GapPoint[] = [];
  points.forEach((point, i) => {
    const before = points[i - 1];
    if (before && point[0] < before[0]) out.push(['-', '-']);
    out.push(point);
  });
  return out;
}
