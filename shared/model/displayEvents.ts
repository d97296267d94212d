/**
 * A run's events thinned for display: what `experiments.open` sends the UI instead of every
 * line of events.jsonl (ADR 0008, "Opening a long run"). A long run records ~100,000 events,
 * nearly all `progress` (one per step) and `metric` (one per 10 steps); sending, decoding and
 * checking all of them took most of the second it took to open such a run. What a view draws
 * from them is much smaller:
 *   - progress: only the newest is shown (the progress bar), so only the last one is kept;
 *   - metric: each series (split, sub-supernet) is drawn with at most `maxPoints` points, as
 *     bucket means (renderer/src/lib/downsampledSeries.ts draws a live run the same way), so a
 *     series that long is sent as those means: consecutive events averaged in buckets of equal
 *     size (a power of two, the smallest that leaves fewer than `maxPoints` buckets), the last
 *     bucket possibly partial; each mean carries `points`, the events it stands for;
 *   - everything else (status, logs, shrink steps, splits, commands, errors, results, resume
 *     markers) is kept as it is.
 * Exports that need every value (the curves CSV) ask for the full events (`experiments.events`).
 */
import type { JobEvent } from './job';

type MetricEvent = Extract<JobEvent, { type: 'metric' }>;

/** Points per series the views draw (the renderer's DownsampledSeries default). */
export const DISPLAY_MAX_POINTS = 2000;

export interface DisplayEvents {
  events: JobEvent[];
  /** Progress events left out (all but the last). */
  progressDropped: number;
  /** Metric events merged into bucket means (counted as the events they replaced, minus the means). */
  metricMerged: number;
}

/**
 * The bucket size for `n` points: the smallest power of two that leaves fewer than `maxPoints`
 * buckets (the last one may be partial), so that a view's DownsampledSeries(maxPoints) draws
 * the means as sent instead of merging them again.
 */
export function bucketSizeFor(n: number, maxPoints: number): number {
  let size = 1;
  while (Math.ceil(n / size) >= maxPoints) size *= 2;
  return size;
}

function seriesKey(e: MetricEvent): string {
  return `${e.split}/${e.node ?? ''}`;
}

/** The mean of `bucket` (consecutive events of one series) as one event, numbered as its last. */
function meanOf(bucket: readonly MetricEvent[]): MetricEvent {
  const last = bucket[bucket.length - 1] as MetricEvent;
  if (bucket.length === 1) return last;
  let epoch = 0;
  let loss = 0;
  let accuracy = 0;
  let points = 0;
  for (const e of bucket) {
    epoch += e.epoch;
    loss += e.loss;
    accuracy += e.accuracy;
    points += e.points ?? 1;
  }
  const n = bucket.length;
  const mean: MetricEvent = { type: 'metric', seq: last.seq, time: last.time, split: last.split, epoch: epoch / n, step: last.step, loss: loss / n, accuracy: accuracy / n, points };
  if (last.node !== undefined) mean.node = last.node;
  return mean;
}

/**
 * `events` (in order) thinned for display as described above; the order is kept (a mean takes
 * the place and `seq` of the last event of its bucket).
 * @param maxPoints even, at least 2.
 */
export function displayEvents(events: readonly JobEvent[], maxPoints = DISPLAY_MAX_POINTS): DisplayEvents {
  let lastProgress = -1;
  const series = new Map<string, MetricEvent[]>();
  events.forEach((e, i) => {
    if (e.type === 'progress') lastProgress = i;
    else if (e.type === 'metric') {
      const key = seriesKey(e);
      const list = series.get(key);
      if (list) list.push(e);
      else series.set(key, [e]);
    }
  });
  // Per series: which event ends a bucket (replaced there by the bucket's mean); the others go.
  const means = new Map<MetricEvent, MetricEvent>();
  const thinned = new Set<string>();
  let metricMerged = 0;
  for (const [key, list] of series) {
    const size = bucketSizeFor(list.length, maxPoints);
    if (size === 1) continue;
    thinned.add(key);
    for (let start = 0; start < list.length; start += size) {
      const bucket = list.slice(start, start + size);
      means.set(bucket[bucket.length - 1] as MetricEvent, meanOf(bucket));
      metricMerged += bucket.length - 1;
    }
  }
  const out: JobEvent[] = [];
  let progressDropped = 0;
  events.forEach((e, i) => {
    if (e.type === 'progress') {
      if (i === lastProgress) out.push(e);
      else progressDropped += 1;
      return;
    }
    if (e.type === 'metric' && thinned.has(seriesKey(e))) {
      const mean = means.get(e);
      if (mean) out.push(mean);
      return;
    }
    out.push(e);
  });
  return { events: out, progressDropped, metricMerged };
}

