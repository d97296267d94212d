/**
 * The display stream experiments.open sends (shared/model/displayEvents.ts): the last progress
 * event, long metric series as bucket means (checked against means computed here by hand), the
 * rest untouched; and a view folding it draws those means as sent, with the full point count.
 */
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/model/job';
import { jobEventSchema } from '../../shared/model/job';
import { bucketSizeFor, displayEvents } from '../../shared/model/displayEvents';
import { applyJobEvents, createTimeline } from '../../renderer/src/lib/jobTimeline';

type Metric = Extract<JobEvent, { type: 'metric' }>;
const metric = (seq: number, split: Metric['split'], i: number, node?: number): Metric => ({ type: 'metric', seq, time: 100 + seq, split, epoch: i / 4, step: i * 10, loss: 3 - i / 10, accuracy: i / 100, ...(node === undefined ? {} : { node }) });
const progress = (seq: number, step: number): JobEvent => ({ type: 'progress', seq, time: 100 + seq, phase: 'supernet', epoch: 1, epochs: 1, step, steps: 9, imagesPerSec: 5, etaSec: 1 });
const log = (seq: number): JobEvent => ({ type: 'log', seq, time: 100 + seq, level: 'info', message: `line ${seq}` });

describe('display events', () => {
  it('picks the smallest power-of-two bucket that leaves fewer than maxPoints buckets', () => {
    expect([1, 3, 4, 5, 8, 9, 17].map((n) => bucketSizeFor(n, 4))).toEqual([1, 1, 2, 2, 4, 4, 8]);
    expect(bucketSizeFor(1999, 2000)).toBe(1);
    expect(bucketSizeFor(2000, 2000)).toBe(2);
    expect(bucketSizeFor(3999, 2000)).toBe(4); // 2 would leave 2,000 buckets (1,999 full + 1 partial)
  });

  it('keeps the last progress event, averages long series in buckets, and keeps everything else in order', () => {
    // train: 5 points (bucket 2 at maxPoints 4); val: 2 points (kept); train of node 1: 3 (kept).
    const events: JobEvent[] = [
      progress(0, 1), metric(1, 'train', 0), progress(2, 2), metric(3, 'train', 1), log(4), metric(5, 'val', 0),
      metric(6, 'train', 2), metric(7, 'train', 0, 1), metric(8, 'train', 3), progress(9, 3), metric(10, 'train', 4),
      metric(11, 'val', 1), metric(12, 'train', 1, 1), metric(13, 'train', 2, 1), log(14),
    ];
    const shown = displayEvents(events, 4);
    expect(shown.progressDropped).toBe(2);
    expect(shown.metricMerged).toBe(2);
    expect(shown.events.map((e) => e.seq)).toEqual([3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14]);
    // Means of train 0+1 (at seq 3) and 2+3 (at seq 8); train 4 alone, as recorded.
    expect(shown.events[0]).toEqual({ type: 'metric', seq: 3, time: 103, split: 'train', epoch: 0.125, step: 10, loss: 2.95, accuracy: 0.005, points: 2 });
    const second = shown.events[4] as Metric;
    expect([second.epoch, second.step, second.loss, second.accuracy, second.points]).toEqual([0.625, 30, 2.75, 0.025, 2]);
    expect(shown.events[6]).toEqual(metric(10, 'train', 4));
    expect(shown.events.filter((e) => e.type === 'metric' && (e.split === 'val' || e.node === 1))).toEqual([metric(5, 'val', 0), metric(7, 'train', 0, 1), metric(11, 'val', 1), metric(12, 'train', 1, 1), metric(13, 'train', 2, 1)]);
    for (const e of shown.events) expect(jobEventSchema.safeParse(e).success).toBe(true);
  });

  it('leaves short runs untouched', () => {
    const events = [metric(0, 'train', 0), progress(1, 1), metric(2, 'val', 1)];
    expect(displayEvents(events)).toEqual({ events, progressDropped: 0, metricMerged: 0 });
  });

  it('is drawn as sent: the view shows the bucket means and counts every recorded point', () => {
    const n = 2500;
    const events: JobEvent[] = Array.from({ length: n }, (_, i) => ({ ...metric(i, 'train', i), loss: Math.sin(i / 50) + 2 }));
    const shown = displayEvents(events);
    const timeline = createTimeline();
    applyJobEvents(timeline, shown.events, 2000);
    const loss = timeline.metrics.train?.loss;
    expect(loss?.total).toBe(n);
    const points = loss?.points() ?? [];
    expect(points.length).toBe(1250); // buckets of 2
    let worst = 0;
    points.forEach(([x, y], k) => {
      const bucket = events.slice(2 * k, 2 * k + 2) as Metric[];
      worst = Math.max(worst, Math.abs(x - (bucket[0]!.epoch + bucket[1]!.epoch) / 2), Math.abs(y - (bucket[0]!.loss + bucket[1]!.loss) / 2));
    });
    expect(worst).toBeLessThan(1e-12);
    // The same points as folding every recorded event (what the live view does).
    const full = createTimeline();
    applyJobEvents(full, events, 2000);
    const raw = full.metrics.train?.loss?.points() ?? [];
    expect(raw.length).toBe(points.length);
    expect(Math.max(...raw.map(([x, y], k) => Math.max(Math.abs(x - points[k]![0]), Math.abs(y - points[k]![1]))))).toBeLessThan(1e-12);
  });
});
