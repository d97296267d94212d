/**
 * Experiment directories opened read-only (`experiments.open`): the detail, its events folded
 * into a {@link JobTimeline} (curves, errors, shrink steps), and its space.json / results.json.
 * Also the operator commands (lock, force-drop, undo) sent from this window to running jobs
 * (`jobs.command`), kept until the job answers them in a `command` event, and resuming an
 * interrupted experiment (`jobs.resume`).
 */
import { markRaw, reactive } from 'vue';
import { defineStore } from 'pinia';
import type { ExperimentDetail, JobSummary, OperatorCommand } from '../../../shared/model/job';
import { getApi, toDisplayError, type DisplayError } from '../api';
import { DISPLAY_MAX_POINTS } from '../../../shared/model/displayEvents';
import { applyJobEvents, createTimeline, type JobTimeline } from '../lib/jobTimeline';
import { parseResultsFile, parseSpaceFile, type ResultsFile, type SpaceFile } from '../lib/absFiles';
import type { SentCommand } from '../lib/absView';
import { curvesCsv } from '../lib/csv';
import { useJobsStore } from './jobs';

/** One opened experiment. `detail` and `timeline` are replaced as a whole on reload. */
export interface OpenedExperiment {
  loading: boolean;
  error: DisplayError | null;
  detail: ExperimentDetail | null;
  timeline: JobTimeline;
  space: SpaceFile | null;
  results: ResultsFile | null;
}

/** The experiment id (folder name) of an experiment directory path. */
export function experimentIdOf(dir: string): string {
  const parts = dir.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? dir;
}

export const useExperimentDetailStore = defineStore('experimentDetail', () => {
  /** Per experiment id. */
  const opened = reactive<Record<string, OpenedExperiment>>({});
  /** Per job id, per operator key: commands sent and not yet answered by a `command` event. */
  const sent = reactive<Record<string, Record<string, SentCommand>>>({});
  /** Per job id, per operator key: a `jobs.command` request that failed (never reached the job). */
  const sendErrors = reactive<Record<string, Record<string, DisplayError>>>({});
  const requests = new Map<string, Promise<void>>();
  /** Per experiment id: a resume request in flight, or the error of the last one. */
  const resuming = reactive<Record<string, boolean>>({});
  const resumeErrors = reactive<Record<string, DisplayError>>({});

  /** The entry of `id`, created empty (not loaded) if needed. */
  function entryOf(id: string): OpenedExperiment {
    opened[id] ??= { loading: false, error: null, detail: null, timeline: createTimeline(), space: null, results: null };
    return opened[id] as OpenedExperiment;
  }

  /**
   * Reads the experiment directory `id` (again). Concurrent calls for one id share a request.
   * Never throws; see the entry's `error`.
   */
  function open(id: string): Promise<void> {
    const running = requests.get(id);
    if (running) return running;
    const entry = entryOf(id);
    entry.loading = true;
    const request = (async () => {
      try {
        const detail = await getApi().invoke('experiments.open', { id });
        const timeline = createTimeline();
        applyJobEvents(timeline, detail.events, DISPLAY_MAX_POINTS);
        if (!timeline.status) timeline.status = detail.status;
        if (!timeline.backend) timeline.backend = detail.backend;
        if (!timeline.result && detail.summary) timeline.result = detail.summary;
        Object.assign(entry, {
          detail: markRaw(detail),
          timeline: { ...timeline, metrics: markRaw(timeline.metrics), nodeMetrics: markRaw(timeline.nodeMetrics) },
          space: parseSpaceFile(detail.space),
          results: parseResultsFile(detail.results),
          error: null,
        });
      } catch (caught) {
        entry.error = toDisplayError(caught);
      } finally {
        entry.loading = false;
        requests.delete(id);
      }
    })();
    requests.set(id, request);
    return request;
  }

  /**
   * Sends `command` to the running job `jobId`. The operator shows as sending until the job's
   * `command` event answers it; a failed request is kept in `sendErrors` instead.
   */
  async function sendCommand(jobId: string, command: OperatorCommand): Promise<void> {
    const answersBefore = useJobsStore().timelineOf(jobId).commands.length;
    const perJob = (sent[jobId] ??= {});
    perJob[command.key] = { kind: command.kind, answersBefore };
    if (sendErrors[jobId]) delete sendErrors[jobId][command.key];
    try {
      await getApi().invoke('jobs.command', { jobId, command });
    } catch (caught) {
      delete perJob[command.key];
      (sendErrors[jobId] ??= {})[command.key] = toDisplayError(caught);
    }
  }

  /**
   * Asks the host to continue experiment `id` from its last checkpoint (`jobs.resume`), then
   * refreshes the job list and reads the folder again (now queued or running). Never throws:
   * returns the new job, or null with the reason in `resumeErrors[id]`.
   */
  async function resume(id: string): Promise<JobSummary | null> {
    delete resumeErrors[id];
    resuming[id] = true;
    try {
      const summary = await getApi().invoke('jobs.resume', { id });
      void useJobsStore().load();
      await open(id);
      return summary;
    } catch (caught) {
      resumeErrors[id] = toDisplayError(caught);
      return null;
    } finally {
      delete resuming[id];
    }
  }

  /**
   * The curves of experiment `id` as CSV with every recorded point: the opened detail holds a
   * display stream (long series as bucket means), so the metric events are fetched in full
   * (`experiments.events`). Throws an ApiError when the host cannot read them.
   */
  async function curvesCsvOf(id: string): Promise<string> {
    const reply = await getApi().invoke('experiments.events', { id, types: ['metric'] });
    return curvesCsv(reply.events);
  }

  return { opened, sent, sendErrors, resuming, resumeErrors, entryOf, open, sendCommand, resume, curvesCsvOf };
});
