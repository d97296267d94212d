/**
 * The host's implementation of the contract: parse, dispatch, validate the answer.
 * Used as-is by Electron's main process and by `nas-shrink serve`.
 */
import { NasError, toErrorData } from '../../shared/errors';
import { invokeChannels, isInvokeChannel, isSubscribeChannel, subscribeChannels } from '../../shared/ipc/contract';
import type { InvokeChannel, InvokeRequest, InvokeResponse } from '../../shared/ipc/contract';
import type { Environment } from '../../shared/model/environment';
import { listExperiments } from '../engine/store/experimentStore';
import { experimentDirOf, readExperimentDetail, readExperimentEvents } from '../engine/store/experimentDetail';
import { listPresets, presetSummary } from '../engine/presets/presets';
import { configFromDraft, draftDefaultsByMethod, validateDraft } from '../engine/config/draftConfig';
import type { EventSink, HostApi } from './hostApi';
import { readTruthForUi } from './truthTables';
import type { JobSupervisor } from './jobSupervisor';

export interface HostServices {
  supervisor: JobSupervisor;
  /** The environment report; computed once by the host (it initialises a backend). */
  environment: () => Promise<Environment>;
}

type Handlers = { [C in InvokeChannel]: (request: InvokeRequest<C>) => Promise<InvokeResponse<C>> | InvokeResponse<C> };

function invalidPayload(channel: string, issues: { path: PropertyKey[]; message: string }[]): NasError {
  const detail = issues.map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`).join('; ');
  return new NasError('INVALID_PAYLOAD', `Invalid request for ${channel}: ${detail}`, {
    fix: 'The client sent a request the contract does not allow; update the client or correct the fields named.',
    details: issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

/**
 * Response arrays whose every element the engine validated against the contract's schema as it
 * read them (each event line of events.jsonl, see store/eventLine.ts; the display stream's
 * bucket means are built from such events, shared/model/displayEvents.ts). The
 * rest of the response is checked as usual; checking 100,000 events a second time would double
 * the time to open a long run.
 */
const PREVALIDATED: Partial<Record<InvokeChannel, string>> = { 'experiments.open': 'events', 'experiments.events': 'events' };

export function createHostApi(services: HostServices): HostApi {
  const handlers: Handlers = {
    'env.get': () => services.environment(),
    'presets.list': () => listPresets().map(presetSummary),
    'jobs.start': (req) => services.supervisor.start(req),
    'jobs.cancel': (req) => services.supervisor.cancel(req.jobId),
    'jobs.pause': (req) => services.supervisor.pause(req.jobId, req.paused),
    'jobs.command': (req) => services.supervisor.command(req.jobId, req.command),
    'jobs.resume': (req) => services.supervisor.resume({ dir: experimentDirOf(services.supervisor.workspace, req.id) }),
    'jobs.list': () => services.supervisor.list(),
    'experiments.list': () => listExperiments(services.supervisor.workspace),
    'experiments.open': (req) => readExperimentDetail(services.supervisor.workspace, req.id),
    'truth.read': (req) => readTruthForUi(services.supervisor.workspace, req.source),
    'drafts.defaults': () => draftDefaultsByMethod(),
    'experiments.events': (req) => readExperimentEvents(services.supervisor.workspace, req.id, req.types),
    'drafts.validate': async (req) => (await validateDraft(req.draft)).validation,
    'drafts.start': async (req) => {
      const config = await configFromDraft(req.draft);
      return services.supervisor.start({ preset: config.name, config });
    },
  };

  return {
    async invoke(channel, payload) {
      if (!isInvokeChannel(channel)) {
        throw new NasError('UNKNOWN_CHANNEL', `Unknown channel '${String(channel)}'.`, { fix: 'Only channels declared in shared/ipc/contract.ts can be called.' });
      }
      const spec = invokeChannels[channel];
      const parsed = spec.request.safeParse(payload ?? {});
      if (!parsed.success) throw invalidPayload(channel, parsed.error.issues);
      const handler = handlers[channel] as (request: unknown) => Promise<unknown> | unknown;
      const response = await handler(parsed.data);
      // A response that breaks the contract is our bug; fail loudly rather than confuse the UI.
      const key = PREVALIDATED[channel];
      const items = key === undefined ? undefined : (response as Record<string, unknown>)[key];
      const checked = spec.response.safeParse(key === undefined || !Array.isArray(items) ? response : { ...(response as object), [key]: [] });
      if (!checked.success) throw new NasError('INTERNAL', `The host produced an invalid response for ${channel}: ${checked.error.message}`);
      return key === undefined || !Array.isArray(items) ? checked.data : { ...(checked.data as object), [key]: items };
    },

    subscribe(channel, payload, sink: EventSink) {
      if (!isSubscribeChannel(channel)) {
        sink.end(new NasError('UNKNOWN_CHANNEL', `Unknown subscription channel '${String(channel)}'.`).toData());
        return () => undefined;
      }
      const parsed = subscribeChannels[channel].request.safeParse(payload ?? {});
      if (!parsed.success) {
        sink.end(invalidPayload(channel, parsed.error.issues).toData());
        return () => undefined;
      }
      try {
        return services.supervisor.subscribe(
          parsed.data.jobId,
          (events) => sink.event(events),
          (error) => sink.end(error),
        );
      } catch (error) {
        sink.end(toErrorData(error));
        return () => undefined;
      }
    },
  };
}
