import { describe, expect, it } from 'vitest';
import { applyJobEvents, createTimeline } from '../../../renderer/src/lib/jobTimeline';
import { nodeMetricEvents, splitEvents } from '../fixtures/split';

describe('jobTimeline with sub-supernets', () => {
  it('keeps metrics that name a node apart from the run-wide series, per node, and collects split events', () => {
    const timeline = createTimeline();
    applyJobEvents(timeline, [
      { seq: 0, time: 0, type: 'metric', split: 'val', epoch: 1, step: 1, loss: 1.5, accuracy: 0.4 },
      ...nodeMetricEvents(1),
      ...splitEvents(50),
    ]);
    expect(timeline.metrics.val?.loss.points()).toEqual([[1, 1.5]]);
    expect(timeline.metrics.train).toBeUndefined();
    expect(Object.keys(timeline.nodeMetrics).map(Number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Node 5 trains over epochs 5 and 6 after the second split: loss 2 - 0.1 e - 0.05.
    const loss = timeline.nodeMetrics[5]?.train?.loss.points() ?? [];
    expect(loss.map(([epoch]) => epoch)).toEqual([5, 6]);
    expect(loss[0]?.[1]).toBeCloseTo(1.45, 10);
    expect(timeline.splits.map((s) => s.parentId)).toEqual([0, 1, 2]);
  });
});
