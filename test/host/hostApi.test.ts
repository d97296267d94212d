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
    const draft = { name: 'tiny', method: 'abs', dataset: { source: 'bundled' }, space: 'nb201', channels: 8, cellsPerStage: 1, epochs: 1, batchSize: 64, learningRate: 0.025, seed: 1, maxTrainImages: 600, metric: 'angle-cells', dropPerStep: 20, targetSize: 1000, gmRepeats: 10, archsPerLeaf: 20 };
    const verdict = (await api.invoke('drafts.validate', { draft: { ...draft, epochs: 0 } })) as { valid: boolean; errors: { field: string; message: string }[] };
    expect(verdict.valid).toBe(false);
    expect(verdict.errors).toEqual([{ field: 'epochs', message: 'must be at least 1' }]);
    const refused = await rejection(api.invoke('drafts.start', { draft: { ...draft, epochs: 0 } }));
    expect(refused.code).toBe('INVALID_CONFIG');
    expect(supervisor.started).toHaveLength(0);
    await api.invoke('drafts.start', { draft });
    expect(supervisor.started[0]).toMatchObject({ preset: 'tiny', config: { name: 'tiny', method: 'abs', maxTrainImages: 600, training: { epochs: 1 } } });
    expect((await rejection(api.invoke('drafts.validate', { draft: { ...draft, method: 'ground-truth' } }))).code).toBe('INVALID_PAYLOAD');
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
  it('refuses ids that leave the workspace (also for jobs.resume)', async () => {
    const { api, supervisor } = makeApi();
    for (const id of ['../etc', '..', '/etc/passwd', 'a/../../b', 'a\\..\\b']) {
      const error = await rejection(api.invoke('experiments.open', { id }));
      expect(error.code, id).toBe('INVALID_PAYLOAD');
      const resumeError = await rejection(api.invoke('jobs.resume', { id }));
      expect(resumeError.code, id).toBe('INVALID_PAYLOAD');
    }
    expect(supervisor.resumed).toEqual([]);
  });

  it('jobs.resume resumes the experiment folder of that id inside the workspace', async () => {
    const { api, supervisor } = makeApi();
    const path = await import('node:path');
    const summary = (await api.invoke('jobs.resume', { id: 'exp-a' })) as { jobId: string; status: string };
    expect(summary.status).toBe('queued');
    expect(supervisor.resumed).toEqual([path.join(path.resolve(supervisor.workspace), 'exp-a')]);
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
    // Failed, and its lock is ours (alive): not resumable until it is released.
    expect((detail as { resumable?: boolean }).resumable).toBe(false);
  });

  it('marks a failed supernet run whose folder no live job holds as resumable, a finished one not', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { ExperimentStore } = await import('../../electron/engine/store/experimentStore');
    const { releaseLock } = await import('../../electron/engine/store/directoryLock');
    const supervisor = new FakeSupervisor(fs.mkdtempSync(path.join(os.tmpdir(), 'nas-open-')));
    const api = createHostApi({ supervisor: supervisor.asSupervisor(), environment: () => Promise.reject(new Error('unused')) as Promise<Environment> });
    const record = { preset: 'nb201-fashion', created: 1, config: { method: 'supernet' }, backend: 'cpu', versions: {}, error: null, summary: null };
    for (const [id, status] of [['failed-run', 'failed'], ['done-run', 'finished']] as const) {
      ExperimentStore.create(path.join(supervisor.workspace, id), { ...record, id, status });
      releaseLock(path.join(supervisor.workspace, id));
    }
    expect(((await api.invoke('experiments.open', { id: 'failed-run' })) as { resumable?: boolean }).resumable).toBe(true);
    expect(((await api.invoke('experiments.open', { id: 'done-run' })) as { resumable?: boolean }).resumable).toBe(false);
  });

  it('offers Resume for a killed GM+RSPS or GM+DARTS run (method gm resumes), not for a cnn run', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { ExperimentStore } = await import('../../electron/engine/store/experimentStore');
    const { releaseLock } = await import('../../electron/engine/store/directoryLock');
    const supervisor = new FakeSupervisor(fs.mkdtempSync(path.join(os.tmpdir(), 'nas-open-gm-')));
    const api = createHostApi({ supervisor: supervisor.asSupervisor(), environment: () => Promise.reject(new Error('unused')) as Promise<Environment> });
    const runs = [['gm-run', { method: 'gm' }], ['gm-darts-run', { method: 'gm', gm: { setting: 'nb201-gm-darts', search: 'darts' } }], ['cnn-run', { method: 'cnn' }]] as const;
    for (const [id, config] of runs) {
      ExperimentStore.create(path.join(supervisor.workspace, id), { id, preset: 'nb201-fashion-gm', created: 1, status: 'failed', config, backend: 'cpu', versions: {}, error: null, summary: null });
      releaseLock(path.join(supervisor.workspace, id));
    }
    expect(((await api.invoke('experiments.open', { id: 'gm-run' })) as { resumable?: boolean }).resumable).toBe(true);
    expect(((await api.invoke('experiments.open', { id: 'gm-darts-run' })) as { resumable?: boolean }).resumable).toBe(true);
    expect(((await api.invoke('experiments.open', { id: 'cnn-run' })) as { resumable?: boolean }).resumable).toBe(false);
  });

  it('carries the tau-<checkpoint>.json rankings, leaving out files that are not such records', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { ExperimentStore } = await import('../../electron/engine/store/experimentStore');
    const supervisor = new FakeSupervisor(fs.mkdtempSync(path.join(os.tmpdir(), 'nas-open-tau-')));
    const api = createHostApi({ supervisor: supervisor.asSupervisor(), environment: () => Promise.reject(new Error('unused')) as Promise<Environment> });
    const dir = path.join(supervisor.workspace, 'exp-t');
    ExperimentStore.create(dir, { id: 'exp-t', preset: 'nb201-fashion-abs', created: 1, status: 'finished', config: {}, backend: 'wasm', versions: {}, error: null, summary: null });
    const record = (checkpoint: string, tau: number | null) => ({ checkpoint, truth: '/t/ground-truth.csv', computed: '2026-12-01T21:00:00.000Z', results: [{ metric: 'angle-cells', kendallTau: tau, spearmanRho: 0.5, n: 30 }], verdict: 'trust angle-cells (tau 0.41)' });
    fs.writeFileSync(path.join(dir, 'tau-shrink-1.json'), JSON.stringify(record('shrink-1', 0.41)));
    // NaN as JSON writes it (null), still a record.
    fs.writeFileSync(path.join(dir, 'tau-epoch-1.json'), JSON.stringify(record('epoch-1', null)));
    fs.writeFileSync(path.join(dir, 'tau-mine.json'), JSON.stringify({ note: 'not a record' }));
    fs.writeFileSync(path.join(dir, 'tau-broken.json'), '{');
    const detail = (await api.invoke('experiments.open', { id: 'exp-t' })) as { tau: { checkpoint: string; results: { kendallTau: number | null }[] }[] };
    expect(detail.tau.map((t) => t.checkpoint)).toEqual(['epoch-1', 'shrink-1']);
    expect(detail.tau[0]!.results[0]!.kendallTau).toBeNull();
    expect(detail.tau[1]!.results[0]!.kendallTau).toBe(0.41);
  });

  it('opens a long resumed run as a display stream: superseded events out, one progress event, series as bucket means; experiments.events has every point', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { ExperimentStore } = await import('../../electron/engine/store/experimentStore');
    const { DISPLAY_MAX_POINTS } = await import('../../shared/model/displayEvents');
    const supervisor = new FakeSupervisor(fs.mkdtempSync(path.join(os.tmpdir(), 'nas-open-long-')));
    const api = createHostApi({ supervisor: supervisor.asSupervisor(), environment: () => Promise.reject(new Error('unused')) as Promise<Environment> });
    const dir = path.join(supervisor.workspace, 'long');
    const store = ExperimentStore.create(dir, { id: 'long', preset: 'nb201-fashion', created: 1, status: 'finished', config: { method: 'supernet' }, backend: 'wasm', versions: {}, error: null, summary: null });
    // Interrupted run: steps 1..3000 with a train metric each (a checkpoint covered seq < 4000),
    // killed; resumed from there, it redoes steps 2001..3000 and goes on to 5000.
    type Ev = import('../../shared/model/job').JobEvent;
    const events: Ev[] = [];
    const step = (i: number): void => {
      events.push({ type: 'progress', seq: events.length, time: 1, phase: 'supernet', epoch: 1, epochs: 1, step: i, steps: 5000, imagesPerSec: 1, etaSec: null });
      events.push({ type: 'metric', seq: events.length, time: 1, split: 'train', epoch: i / 1000, step: i, loss: 1 / i, accuracy: i / 5000 });
    };
    for (let i = 1; i <= 3000; i++) step(i);
    events.push({ type: 'resumed', seq: events.length, time: 2, checkpoint: 'last', epoch: 2, step: 2000, redoFrom: 4000 });
    for (let i = 2001; i <= 5000; i++) step(i);
    store.appendEvents(events);
    const detail = (await api.invoke('experiments.open', { id: 'long' })) as import('../../shared/model/job').ExperimentDetail;
    expect(detail.eventCounts).toEqual({ recorded: 12_001, superseded: 2000, progressDropped: 4999, metricMerged: 5000 - 1250 });
    const metrics = detail.events.filter((e): e is Extract<Ev, { type: 'metric' }> => e.type === 'metric');
    expect(metrics.length).toBe(1250);
    expect(metrics.length).toBeLessThan(DISPLAY_MAX_POINTS);
    // Bucket k holds steps 4k+1..4k+4, each once: its mean step count and loss by hand.
    expect(metrics.map((m) => m.points)).toEqual(Array(1250).fill(4));
    expect(metrics[500]!.step).toBe(2004);
    expect(metrics[500]!.loss).toBeCloseTo((1 / 2001 + 1 / 2002 + 1 / 2003 + 1 / 2004) / 4, 15);
    expect(detail.events.filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? e.step : 0))).toEqual([5000]);
    expect(detail.events.filter((e) => e.type === 'resumed')).toHaveLength(1);

    const all = (await api.invoke('experiments.events', { id: 'long', types: ['metric'] })) as import('../../shared/model/job').ExperimentEvents;
    expect(all.superseded).toBe(2000);
    expect(all.events.map((e) => (e.type === 'metric' ? e.step : -1))).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(((await api.invoke('experiments.events', { id: 'long' })) as { events: unknown[] }).events).toHaveLength(12_001 - 2000);
    expect((await rejection(api.invoke('experiments.events', { id: '../long' }))).code).toBe('INVALID_PAYLOAD');
    expect((await rejection(api.invoke('experiments.events', { id: 'long', types: ['nonsense'] }))).code).toBe('INVALID_PAYLOAD');
  });
});
