/**
 * A JobSupervisor stand-in for HostApi and transport tests that need no job process.
 */
import type { JobEvent, JobSummary } from '../../shared/model/job';
import type { NasErrorData } from '../../shared/errors';
import type { JobSupervisor, StartJobRequest } from '../../electron/host/jobSupervisor';

export class FakeSupervisor {
  readonly workspace: string;
  readonly started: StartJobRequest[] = [];
  readonly resumed: string[] = [];
  private listeners: { onEvents: (e: JobEvent[]) => void; onEnd: (error?: NasErrorData) => void }[] = [];

  constructor(workspace: string) {
    this.workspace = workspace;
  }

  start(request: StartJobRequest): JobSummary {
    this.started.push(request);
    return { jobId: 'job-1', preset: request.preset, dir: `${this.workspace}/job-1`, status: 'queued', startedAt: 1, endedAt: null, error: null };
  }
  resume(request: { dir: string }): JobSummary {
    this.resumed.push(request.dir);
    return { jobId: 'job-r', preset: 'nb201-fashion', dir: request.dir, status: 'queued', startedAt: 1, endedAt: null, error: null };
  }
  cancel(jobId: string): JobSummary {
    return { jobId, preset: 'cnn-fashion', dir: `${this.workspace}/${jobId}`, status: 'running', startedAt: 1, endedAt: null, error: null };
  }
  list(): JobSummary[] {
    return [];
  }
  subscribe(_jobId: string, onEvents: (e: JobEvent[]) => void, onEnd: (error?: NasErrorData) => void): () => void {
    const listener = { onEvents, onEnd };
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }
  /** Pushes a batch to every subscriber. */
  push(events: JobEvent[]): void {
    for (const l of this.listeners) l.onEvents(events);
  }
  endAll(): void {
    for (const l of this.listeners) l.onEnd();
    this.listeners = [];
  }
  get subscriberCount(): number {
    return this.listeners.length;
  }

  asSupervisor(): JobSupervisor {
    return this as unknown as JobSupervisor;
  }
}
