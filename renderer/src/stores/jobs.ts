/**
 * Jobs started by this host (`jobs.list`), starting and cancelling them, and the live event
 * stream of the jobs being viewed (`jobs.events`), folded into a {@link JobTimeline} per job.
 */
import { computed, markRaw, reactive, ref } from 'vue';
import { defineStore } from 'pinia';
import type { JobStatus, JobSummary } from '../../../shared/model/job';
import type { NasErrorData } from '../../../shared/errors';
import { getApi, toDisplayError, type DisplayError } from '../api';
import { useLoadable } from '../composables/useLoadable';
import { DISPLAY_MAX_POINTS } from '../../../shared/model/displayEvents';
import { applyJobEvents, createTimeline, type JobTimeline } from '../lib/jobTimeline';

/** Options of `jobs.start` besides the preset. */
export interface StartOptions {
  epochs?: number;
  seed?: number;
  /** Use at most this many training images (before the validation split is taken). */
  maxTrainImages?: number;
}

/** The state of one job's event stream. */
export interface StreamState {
  live: boolean;
  error: DisplayError | null;
}

export const TERMINAL_STATUSES: readonly JobStatus[] = ['finished', 'failed', 'cancelled'];

export const useJobsStore = defineStore('jobs', () => {
  const list = useLoadable<JobSummary[]>(() => getApi().invoke('jobs.list', {}));
  /** Jobs known here (from jobs.list, jobs.start, jobs.cancel), newest first. */
  const jobs = ref<JobSummary[]>([]);
  /** Per job: what its events said so far. Series inside are not reactive; watch `revision`. */
  const timelines = reactive<Record<string, JobTimeline>>({});
  const streams = reactive<Record<string, StreamState>>({});
  /** Max points kept per metric series (older points are averaged in buckets). */
  const maxPointsPerSeries = ref(DISPLAY_MAX_POINTS);
  const followers = new Map<string, { count: number; stop: () => void }>();

  const sortedJobs = computed(() => [...jobs.value].sort((a, b) => b.startedAt - a.startedAt));

  /** Reloads the job list from the host. Never throws; see `error`. */
  async function load(): Promise<void> {
    await list.load();
    if (list.data.value) jobs.value = [...list.data.value];
  }

  /** Starts a job for `preset`; throws an ApiError (e.g. UNKNOWN_PRESET, DATASET_MISSING). */
  async function start(preset: string, options: StartOptions = {}): Promise<JobSummary> {
    const request: { preset: string } & StartOptions = { preset };
    if (options.epochs !== undefined) request.epochs = options.epochs;
    if (options.seed !== undefined) request.seed = options.seed;
    if (options.maxTrainImages !== undefined) request.maxTrainImages = options.maxTrainImages;
    const summary = await getApi().invoke('jobs.start', request);
    upsert(summary);
    return summary;
  }

  /** Asks the host to stop a job; throws an ApiError when it cannot. */
  async function cancel(jobId: string): Promise<JobSummary> {
    const summary = await getApi().invoke('jobs.cancel', { jobId });
    upsert(summary);
    return summary;
  }

  /**
   * Pauses a running job at its next training step (`paused: true`) or lets it continue; the
   * job's `paused` / `continued` events then change its timeline. Throws an ApiError when it cannot.
   */
  async function setPaused(jobId: string, paused: boolean): Promise<JobSummary> {
    const summary = await getApi().invoke('jobs.pause', { jobId, paused });
    upsert(summary);
    return summary;
  }

  /** The timeline of `jobId`, created empty if needed. */
  function timelineOf(jobId: string): JobTimeline {
    const existing = timelines[jobId];
    if (existing) return existing;
    timelines[jobId] = { ...createTimeline(), metrics: markRaw<JobTimeline['metrics']>({}), nodeMetrics: markRaw<JobTimeline['nodeMetrics']>({}) };
    return timelines[jobId] as JobTimeline; // the reactive proxy, so updates reach the views
  }

  /**
   * Subscribes to the job's events (once, however many viewers call this). Returns the function
   * that releases this viewer; the subscription stops when the last viewer releases it.
   */
  function follow(jobId: string): () => void {
    const existing = followers.get(jobId);
    if (existing) existing.count += 1;
    else followers.set(jobId, { count: 1, stop: subscribe(jobId) });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const entry = followers.get(jobId);
      if (!entry || --entry.count > 0) return;
      followers.delete(jobId);
      entry.stop();
    };
  }

  function subscribe(jobId: string): () => void {
    const timeline = timelineOf(jobId);
    streams[jobId] = { live: true, error: null };
    return getApi().subscribe(
      'jobs.events',
      { jobId },
      (batch) => {
        applyJobEvents(timeline, batch, maxPointsPerSeries.value);
        patch(jobId, { ...(timeline.status ? { status: timeline.status } : {}), paused: timeline.paused });
      },
      (error?: NasErrorData) => {
        streams[jobId] = { live: false, error: error ? toDisplayError(error) : null };
        followers.delete(jobId);
        if (timeline.status && TERMINAL_STATUSES.includes(timeline.status)) void load();
      },
    );
  }

  function upsert(summary: JobSummary): void {
    const index = jobs.value.findIndex((job) => job.jobId === summary.jobId);
    if (index >= 0) jobs.value.splice(index, 1, summary);
    else jobs.value.unshift(summary);
  }

  /** Assigns the fields of `change` that differ (an unchanged field triggers no reactive update). */
  function patch(jobId: string, change: Partial<JobSummary>): void {
    const job = jobs.value.find((candidate) => candidate.jobId === jobId);
    if (!job) return;
    for (const key of Object.keys(change) as (keyof JobSummary)[]) {
      if (change[key] !== undefined && job[key] !== change[key]) Object.assign(job, { [key]: change[key] });
    }
  }

  return {
    /** Adds a job started elsewhere (e.g. from the experiment builder) to the list. */
    remember: upsert,
    jobs: sortedJobs,
    loaded: computed(() => list.data.value !== null),
    loading: list.loading,
    error: list.error,
    timelines,
    streams,
    maxPointsPerSeries,
    load,
    start,
    cancel,
    setPaused,
    timelineOf,
    follow,
  };
});
