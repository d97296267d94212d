/**
 * Starts experiments in their own processes, streams their events, cancels them, and reports
 * a job process that dies as a failed job (never as a crash of the host).
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { NasError } from '../../shared/errors';
import type { NasErrorData } from '../../shared/errors';
import type { JobEvent, JobStatus, JobSummary, OperatorCommand } from '../../shared/model/job';
import { displayEvents } from '../../shared/model/displayEvents';
import { ExperimentStore, isTerminal, readExperimentRecord } from '../engine/store/experimentStore';
import { acquireLock, liveLockOwner, releaseLock, removeStaleLock } from '../engine/store/directoryLock';
import { parseExperimentConfig } from '../engine/config/experimentConfig';
import { resumeRefusal } from '../engine/jobs/resumeSupport';
import { applyOverrides, resolveConfig } from '../engine/config/resolveConfig';
import type { ExperimentConfig } from '../engine/config/experimentConfig';
import { CANCEL_GRACE_MS, fromJobMessageSchema } from '../job/protocol';
import type { JobSpec, ToJobMessage } from '../job/protocol';
import type { JobLauncher, JobProcess } from './jobProcess';

export interface StartJobRequest {
  /** A preset name or the path of a config file (see resolveConfig). */
  preset: string;
  /** A config built by the caller (e.g. `nas-shrink eval`); takes precedence over `preset`. */
  config?: ExperimentConfig | undefined;
  epochs?: number | undefined;
  seed?: number | undefined;
  maxTrainImages?: number | undefined;
  dataPath?: string | undefined;
  backend?: JobSpec['backend'];
  /** The experiment directory; default: a new folder under the workspace. */
  dir?: string | undefined;
}

export interface JobSupervisorOptions {
  launcher: JobLauncher;
  /** Compiled job entry (dist/electron/job/jobMain.js). */
  entry: string;
  /** Folder that holds experiment directories. */
  workspace: string;
  graceMs?: number;
  env?: NodeJS.ProcessEnv;
  versions?: Record<string, string>;
}

type Listener = { onEvents: (events: JobEvent[]) => void; onEnd: (error?: NasErrorData) => void };

interface Job {
  summary: JobSummary;
  process: JobProcess;
  events: JobEvent[];
  listeners: Set<Listener>;
  cancelRequested: boolean;
  killTimer: NodeJS.Timeout | null;
  ended: Promise<JobSummary>;
  resolveEnded: (summary: JobSummary) => void;
}

function newExperimentDirName(preset: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${stamp}-${preset}-${crypto.randomBytes(3).toString('hex')}`;
}

export class JobSupervisor {
  private readonly jobs = new Map<string, Job>();
  private readonly graceMs: number;

  constructor(private readonly options: JobSupervisorOptions) {
    this.graceMs = options.graceMs ?? CANCEL_GRACE_MS;
  }

  get workspace(): string {
    return this.options.workspace;
  }

  /** Creates the experiment directory, starts the job process and returns at once. */
  start(request: StartJobRequest): JobSummary {
    // A bad preset, config or dataset fails here, before anything is created.
    const overrides = { epochs: request.epochs, seed: request.seed, maxTrainImages: request.maxTrainImages, dataPath: request.dataPath };
    const config = request.config ? applyOverrides(request.config, overrides, `config ${request.config.name}`) : resolveConfig(request.preset, overrides);
    const dir = path.resolve(request.dir ?? path.join(this.options.workspace, newExperimentDirName(config.name)));
    const jobId = path.basename(dir);
    if (this.jobs.has(jobId)) throw new NasError('INVALID_CONFIG', `A job named ${jobId} is already known.`, { fix: 'Choose another --out folder.' });
    const created = Date.now();
    ExperimentStore.create(dir, {
      id: jobId,
      preset: config.name,
      created,
      status: 'queued',
      config: { ...config },
      backend: null,
      versions: this.options.versions ?? {},
      error: null,
      summary: null,
    });
    return this.launch({ jobId, dir, config, backend: request.backend, lockHolder: process.pid }, config.name, created);
  }

  /**
   * Continues an interrupted experiment (killed, crashed, failed or cancelled) in a new job
   * process, from its newest valid checkpoint. Refused, with the reason and the fix, for a
   * finished experiment, a method that cannot resume, and a directory another live job holds.
   */
  resume(request: { dir: string; backend?: JobSpec['backend'] }): JobSummary {
    const dir = path.resolve(request.dir);
    const record = readExperimentRecord(dir);
    const jobId = path.basename(dir);
    const known = this.jobs.get(jobId);
    if (known && !isTerminal(known.summary.status)) {
      throw new NasError('EXPERIMENT_LOCKED', `${dir} is still running in this session (job ${jobId}).`, { fix: 'Wait for it to end, or cancel it first.' });
    }
    if (record.status === 'finished') {
      throw new NasError('INVALID_CONFIG', `${dir} has finished; there is nothing to resume.`, { fix: 'Start a new experiment with `nas-shrink run` (e.g. with more --epochs).' });
    }
    const config = parseExperimentConfig(record.config, `${dir}/experiment.json`);
    const refusal = resumeRefusal(config.method);
    if (refusal) {
      throw new NasError('INVALID_CONFIG', `${refusal.charAt(0).toUpperCase()}${refusal.slice(1)}; ${dir} stays as it is.`, { fix: `Start it again: \`nas-shrink run ${record.preset}\`.` });
    }
    // Refuses a live owner; takes over the lock of a job that died without releasing it.
    const { warning } = acquireLock(dir);
    try {
      ExperimentStore.open(dir).update({ status: 'queued', error: null });
    } catch (error) {
      releaseLock(dir);
      throw error;
    }
    if (known) this.jobs.delete(jobId);
    return this.launch({ jobId, dir, config, backend: request.backend, resume: true, lockHolder: process.pid, notices: warning ? [warning] : [] }, record.preset, Date.now());
  }

  /** Starts the job process for `spec` (its directory already locked by this process). */
  private launch(spec: JobSpec, preset: string, startedAt: number): JobSummary {
    const { jobId, dir } = spec;
    const child = this.options.launcher(this.options.entry, path.join(dir, 'job.log'), { ...process.env, ...this.options.env });
    let resolveEnded: (s: JobSummary) => void = () => undefined;
    const ended = new Promise<JobSummary>((resolve) => (resolveEnded = resolve));
    const job: Job = {
      summary: { jobId, preset, dir, status: 'queued', startedAt, endedAt: null, error: null },
      process: child,
      events: [],
      listeners: new Set(),
      cancelRequested: false,
      killTimer: null,
      ended,
      resolveEnded,
    };
    this.jobs.set(jobId, job);
    child.onMessage((raw) => this.handleMessage(job, raw));
    child.onExit((code, signal) => this.handleExit(job, code, signal));
    child.send({ type: 'start', spec });
    return { ...job.summary };
  }

  /** Asks the job to stop; kills it if it has not ended after the grace period. */
  cancel(jobId: string): JobSummary {
    const job = this.require(jobId);
    if (isTerminal(job.summary.status)) return { ...job.summary };
    job.cancelRequested = true;
    job.process.send({ type: 'cancel' });
    job.killTimer = setTimeout(() => job.process.kill(), this.graceMs);
    job.killTimer.unref?.();
    return { ...job.summary };
  }

  /**
   * Pauses a running job at its next training step, or lets a paused one continue; the job
   * answers with a `paused` or `continued` event (and `summary.paused` follows them).
   */
  pause(jobId: string, paused: boolean): JobSummary {
    return this.sendToRunning(jobId, { type: 'pause', paused }, `there is nothing to ${paused ? 'pause' : 'continue'}`, 'Resume an interrupted experiment from its folder (jobs.resume) instead.');
  }

  /** Forwards a lock/force-drop/undo to a running job; the job acknowledges it in an event. */
  command(jobId: string, command: OperatorCommand): JobSummary {
    return this.sendToRunning(jobId, { type: 'command', command }, 'its space can no longer change', 'Start a new experiment with the operators you want locked or removed.');
  }

  /** Sends `message` to a job that has not ended; an ended one is refused, saying why (`ended`) and what to do. */
  private sendToRunning(jobId: string, message: ToJobMessage, ended: string, fix: string): JobSummary {
    const job = this.require(jobId);
    if (isTerminal(job.summary.status)) throw new NasError('INVALID_CONFIG', `Job ${jobId} has ended (${job.summary.status}); ${ended}.`, { fix });
    job.process.send(message);
    return { ...job.summary };
  }

  list(): JobSummary[] {
    return [...this.jobs.values()].map((j) => ({ ...j.summary }));
  }

  get(jobId: string): JobSummary {
    return { ...this.require(jobId).summary };
  }

  /** Resolves when the job has ended, with its final summary. */
  whenEnded(jobId: string): Promise<JobSummary> {
    return this.require(jobId).ended;
  }

  /**
   * Sends the events so far, thinned for display as experiments.open sends them (the last
   * progress event, long metric series as bucket means: shared/model/displayEvents.ts), so a
   * viewer joining a long run does not receive 100,000 events; then every new batch as it
   * comes. `onEnd` runs when the job ends.
   */
  subscribe(jobId: string, onEvents: (events: JobEvent[]) => void, onEnd: (error?: NasErrorData) => void): () => void {
    const job = this.require(jobId);
    if (job.events.length > 0) onEvents(displayEvents(job.events).events);
    if (isTerminal(job.summary.status)) {
      onEnd();
      return () => undefined;
    }
    const listener: Listener = { onEvents, onEnd };
    job.listeners.add(listener);
    return () => job.listeners.delete(listener);
  }

  /** Cancels every running job (host shutdown) and waits for them to end. */
  async shutdown(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => !isTerminal(j.summary.status));
    for (const job of running) this.cancel(job.summary.jobId);
    await Promise.all(running.map((j) => j.ended));
  }

  private require(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new NasError('UNKNOWN_JOB', `No job with id '${jobId}' in this session.`, { fix: 'List jobs with jobs.list; finished experiments are under Experiments.' });
    return job;
  }

  private handleMessage(job: Job, raw: unknown): void {
    const parsed = fromJobMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'events') {
      job.events.push(...message.events);
      const status = [...message.events].reverse().find((e) => e.type === 'status');
      if (status && status.type === 'status' && !isTerminal(status.status)) job.summary.status = status.status;
      const pause = [...message.events].reverse().find((e) => e.type === 'paused' || e.type === 'continued');
      if (pause) job.summary.paused = pause.type === 'paused';
      for (const l of job.listeners) l.onEvents(message.events);
    } else if (message.type === 'done') {
      this.end(job, message.status, message.error);
    }
  }

  private handleExit(job: Job, code: number | null, signal: string | null): void {
    if (job.killTimer) clearTimeout(job.killTimer);
    if (isTerminal(job.summary.status)) return;
    if (job.cancelRequested) {
      this.end(job, 'cancelled', null);
      return;
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const error: NasErrorData = {
      code: 'JOB_CRASHED',
      message: `The job process for ${job.summary.jobId} ${how} before it finished.`,
      fix: `Its log is ${path.join(job.summary.dir, 'job.log')}; everything it recorded so far is kept in ${job.summary.dir}.`,
    };
    this.end(job, 'failed', error);
  }

  private end(job: Job, status: JobStatus, error: NasErrorData | null): void {
    if (isTerminal(job.summary.status)) return;
    job.summary.status = status;
    if (job.summary.paused) job.summary.paused = false;
    job.summary.endedAt = Date.now();
    job.summary.error = error;
    // The job process normally records its own end; after a crash or kill we record it here.
    // Only while no other live process holds the directory (a job that lost the lock race).
    const ours = [process.pid, ...(job.process.pid === undefined ? [] : [job.process.pid])];
    try {
      const owner = liveLockOwner(job.summary.dir);
      if (owner === null || ours.includes(owner.pid)) {
        const store = ExperimentStore.open(job.summary.dir);
        if (!isTerminal(store.read().status)) store.update({ status, error });
      }
    } catch {
      // The directory may be gone or unwritable; the live summary still says what happened.
    }
    releaseLock(job.summary.dir, ours);
    // The job's own lock after it died (a launcher that no longer knows the dead child's pid).
    removeStaleLock(job.summary.dir);
    for (const l of job.listeners) l.onEnd(error ?? undefined);
    job.listeners.clear();
    job.resolveEnded({ ...job.summary });
  }
}
