/**
 * The events of a run as it happened once: events.jsonl without what a resume superseded
 * (ADR 0008). The one rule every reader applies (the host's experiment reader, `nas-shrink
 * show`, the ABS resume itself), so they all see each step once.
 *
 * events.jsonl is append-only: a killed run's events after its last checkpoint stay in the file,
 * and the resumed run, which restarts from that checkpoint, records the same work again. Its
 * first event, `resumed`, names the range: every event numbered from `redoFrom` up to the
 * marker's own `seq` came from work done again after it. Those are left out, except `command`
 * events: the resumed ABS run applies the user's commands again from these very lines without
 * answering them a second time (absResume.ts), so they stand for work that is not repeated.
 * Several resumes compose: each marker hides its own range, which may include an earlier
 * marker when a later resume restarted from an older checkpoint.
 */
import type { JobEvent } from './job';

export type ResumedEvent = Extract<JobEvent, { type: 'resumed' }>;

/** Event types a resume never records again, so never superseded. */
const NEVER_REDONE: ReadonlySet<JobEvent['type']> = new Set(['command']);

/** The superseded seq ranges [from, to) named by the `resumed` markers among `events`. */
export function supersededRanges(events: readonly JobEvent[]): [from: number, to: number][] {
  const ranges: [number, number][] = [];
  for (const e of events) {
    if (e.type === 'resumed' && e.redoFrom !== null && e.redoFrom < e.seq) ranges.push([e.redoFrom, e.seq]);
  }
  return ranges;
}

/**
 * `events` (in file order) without the ones a later `resumed` marker superseded.
 * @returns the kept events, in order, and how many were left out.
 */
export function withoutSuperseded(events: readonly JobEvent[]): { events: JobEvent[]; superseded: number } {
  const ranges = supersededRanges(events);
  if (ranges.length === 0) return { events: [...events], superseded: 0 };
  const kept = events.filter((e) => NEVER_REDONE.has(e.type) || !ranges.some(([from, to]) => e.seq >= from && e.seq < to));
  return { events: kept, superseded: events.length - kept.length };
}
