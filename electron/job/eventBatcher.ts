/**
 * Numbers and timestamps events, then flushes them in batches to disk and to the host.
 * Batching (about every 250 ms) keeps a fast training loop from flooding the IPC channel and
 * the renderer; the flush before a job ends makes sure nothing is left behind.
 */
import type { JobEvent, JobEventInput } from '../../shared/model/job';

export interface EventSinks {
  /** Durable storage (events.jsonl). Called first, so what a viewer saw is on disk. */
  persist(events: JobEvent[]): void;
  /** The live stream to the host. */
  publish(events: JobEvent[]): void;
}

export class EventBatcher {
  private seq = 0;
  private pending: JobEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = Date.now();

  constructor(
    private readonly sinks: EventSinks,
    private readonly intervalMs: number,
    startSeq = 0,
  ) {
    this.seq = startSeq;
  }

  /** The `seq` the next event gets: how many events the run has numbered so far. */
  get nextSeq(): number {
    return this.seq;
  }

  emit(input: JobEventInput): JobEvent {
    const event = { ...input, seq: this.seq++, time: Date.now() } as JobEvent;
    this.pending.push(event);
    // A training loop that awaits only already-resolved promises never lets a timer fire, so
    // an overdue batch is flushed right here rather than waiting for the timer.
    if (Date.now() - this.lastFlush >= this.intervalMs) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref?.();
    }
    return event;
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.lastFlush = Date.now();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.sinks.persist(batch);
    this.sinks.publish(batch);
  }
}
