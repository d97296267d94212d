/**
 * Which events a resume supersedes (shared/model/supersededEvents.ts, ADR 0008): the range from
 * the marker's `redoFrom` up to the marker, except command answers, composed over resumes.
 */
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/model/job';
import { jobEventSchema } from '../../shared/model/job';
import { supersededRanges, withoutSuperseded } from '../../shared/model/supersededEvents';

const progress = (seq: number, epoch: number, step: number): JobEvent => ({ type: 'progress', seq, time: seq, phase: 'supernet', epoch, epochs: 3, step, steps: 2, imagesPerSec: 1, etaSec: null });
const command = (seq: number): JobEvent => ({ type: 'command', seq, time: seq, command: { kind: 'lock', key: '1<-0:none' }, accepted: true, message: 'locked' });
const resumed = (seq: number, redoFrom: number | null, checkpoint: string | null = 'last'): JobEvent => ({ type: 'resumed', seq, time: seq, checkpoint, epoch: 1, step: 2, redoFrom });
const seqs = (events: readonly JobEvent[]): number[] => events.map((e) => e.seq);

describe('superseded events', () => {
  it('the marker is a valid event', () => {
    expect(jobEventSchema.safeParse(resumed(5, 3)).success).toBe(true);
    expect(jobEventSchema.safeParse(resumed(5, null, null)).success).toBe(true);
    expect(jobEventSchema.safeParse({ ...resumed(5, 3), redoFrom: -1 }).success).toBe(false);
  });

  it('leaves a run without resumes as it is', () => {
    const events = [progress(0, 1, 1), progress(1, 1, 2), command(2)];
    expect(withoutSuperseded(events)).toEqual({ events, superseded: 0 });
  });

  it('drops what the interrupted run recorded after the checkpoint, but keeps command answers', () => {
    // Checkpoint after seq 2 (it covered 3 events); the run went on to seq 6 and was killed.
    const events = [progress(0, 1, 1), progress(1, 1, 2), progress(2, 1, 2), progress(3, 2, 1), command(4), progress(5, 2, 2), progress(6, 3, 1), resumed(7, 3), progress(8, 2, 1)];
    expect(supersededRanges(events)).toEqual([[3, 7]]);
    const kept = withoutSuperseded(events);
    expect(seqs(kept.events)).toEqual([0, 1, 2, 4, 7, 8]);
    expect(kept.superseded).toBe(3);
  });

  it('composes resumes, a later one from an older checkpoint hiding the earlier resume too', () => {
    const events = [progress(0, 1, 1), progress(1, 1, 2), progress(2, 2, 1), resumed(3, 2), progress(4, 2, 1), progress(5, 2, 2), progress(6, 3, 1), resumed(7, 6), progress(8, 3, 1), resumed(9, 1), progress(10, 1, 2)];
    // 7 drops 6; 9 drops 1..8 (its checkpoint covered only seq 0), markers 3 and 7 included.
    expect(seqs(withoutSuperseded(events).events)).toEqual([0, 9, 10]);
    expect(seqs(withoutSuperseded(events.slice(0, 9)).events)).toEqual([0, 1, 3, 4, 5, 7, 8]);
  });

  it('supersedes nothing when the marker names no range, everything before it from 0', () => {
    const base = [progress(0, 1, 1), command(1), progress(2, 1, 2)];
    expect(withoutSuperseded([...base, resumed(3, null)]).superseded).toBe(0);
    expect(seqs(withoutSuperseded([...base, resumed(3, 0, null), progress(4, 1, 1)]).events)).toEqual([1, 3, 4]);
  });
});
