import { describe, expect, it } from 'vitest';
import * as os from 'node:os';
import { createHostApi } from '../../electron/host/createHostApi';
import { NasError } from '../../shared/errors';
import { FakeSupervisor } from '../helpers/fakeSupervisor';
import type { Environment } from '../../shared/model/environment';

function makeApi() {
  const supervisor = new FakeSupervisor(os.tmpdir());
  const api = createHostApi({ supervisor: supervisor.asSupervisor(), environment: () => Promise.reject(new Error('not needed')) as Promise<Environment> });
  return { api, supervisor };
}

async function rejection(promise: Promise<unknown>): Promise<NasError> {
  try {
    await promise;
  } catch (error) {
    return error as NasError;
  }
  throw new Error('expected a rejection');
}

describe('HostApi', () => {
  it('rejects a malformed payload with INVALID_PAYLOAD naming the field, and starts nothing', async () => {
    const { api, supervisor } = makeApi();
    const error = await rejection(api.invoke('jobs.start', { preset: 42 }));
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.message).toMatch(/jobs\.start/);
    expect(error.message).toMatch(/preset/);
    expect(supervisor.started).toHaveLength(0);
  });

  it('rejects an unknown channel with UNKNOWN_CHANNEL', async () => {
    const { api } = makeApi();
    const error = await rejection(api.invoke('fs.readFile', { path: '/etc/passwd' }));
    expect(error.code).toBe('UNKNOWN_CHANNEL');
  });

  it('dispatches a valid request and validates the response', async () => {
    const { api, supervisor } = makeApi();
    const summary = (await api.invoke('jobs.start', { preset: 'cnn-fashion', epochs: 2 })) as { jobId: string; status: string };
    expect(summary).toMatchObject({ jobId: 'job-1', status: 'queued' });
    expect(supervisor.started[0]).toMatchObject({ preset: 'cnn-fashion', epochs: 2 });
    const presets = (await api.invoke('presets.list', {})) as { name: string }[];
    expect(presets.map((p) => p.name)).toContain('cnn-fashion');
  });

  it('validates a draft from the builder and starts only a valid one, with the config built from it', async () => {
    const { api, supervisor } = makeApi();
    const draft = { name: 'tiny', method: 'abs', dataset: { source: 'bundled' }, space: 'nb201', channels: 8, cellsPerStage: 1, epochs: 1, batchSize: 64, learningRate: 0.025, seed: 1, maxTrainImages: 600, metric: 'angle-cells', dropPerStep: 20, targetSize: 1000 };
    const verdict = (await api.invoke('drafts.validate', { draft: { ...draft, epochs: 0 } })) as { valid: boolean; errors: { field: string; message: string }[] };
    expect(verdict.valid).toBe(false);
    expect(verdict.errors).toEqual([{ field: 'epochs', message: 'must be at least 1' }]);
    const refused = await rejection(api.invoke('drafts.start', { draft: { ...draft, epochs: 0 } }));
    expect(refused.code).toBe('INVALID_CONFIG');
    expect(supervisor.started).toHaveLength(0);
    await api.invoke('drafts.start', { draft });
    expect(supervisor.started[0]).toMatchObject({ preset: 'tiny', config: { name: 'tiny', method: 'abs', maxTrainImages: 600, training: { epochs: 1 } } });
    expect((await rejection(api.invoke('drafts.validate', { draft: { ...draft, method: 'gm' } }))).code).toBe('INVALID_PAYLOAD');
  });

  it('ends a subscription with a bad request at once, with the error', () => {
    const { api } = makeApi();
    const ended: unknown[] = [];
    api.subscribe('jobs.events', { jobId: '' }, { event: () => undefined, end: (e) => ended.push(e) });
    expect(ended).toHaveLength(1);
    expect((ended[0] as { code: string }).code).toBe('INVALID_PAYLOAD');
  });
});

describe('experiments.open', () => {
  it('refuses ids that leave the workspace', async () => {
    const { api } = makeApi();
    for (const id of ['../etc', '..', '/etc/passwd', 'a/../../b']) {
      const error = await rejection(api.invoke('experiments.open', { id }));
      expect(error.code, id).toBe('INVALID_PAYLOAD');
    }
  });

  it('reads a directory with a torn last event line, skipping it', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { ExperimentStore } = await import('../../electron/engine/store/experimentStore');
    const supervisor = new FakeSupervisor(fs.mkdtempSync(path.join(os.tmpdir(), 'nas-open-')));
    const api = createHostApi({ supervisor: supervisor.asSupervisor(), environment: () => Promise.reject(new Error('unused')) as Promise<Environment> });
    const dir = path.join(supervisor.workspace, 'exp-a');
    const store = ExperimentStore.create(dir, { id: 'exp-a', preset: 'cnn-fashion', created: 1, status: 'failed', config: {}, backend: 'cpu', versions: {}, error: null, summary: null });
    store.appendEvents([{ type: 'log', level: 'info', message: 'one', seq: 0, time: 1 }]);
    fs.appendFileSync(path.join(dir, 'events.jsonl'), '{"type":"log","lev');
    const detail = (await api.invoke('experiments.open', { id: 'exp-a' })) as { events: unknown[]; skippedLines: number[]; space: unknown };
    expect(detail.events).toHaveLength(1);
    expect(detail.skippedLines).toEqual([2]);
    expect(detail.space).toBeNull();
  });
});
