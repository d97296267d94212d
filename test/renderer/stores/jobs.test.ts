import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { JobEvent } from '../../../shared/model/job';
import { setApi } from '../../../renderer/src/api';
import { ApiError } from '../../../renderer/src/api/apiError';
import { useJobsStore } from '../../../renderer/src/stores/jobs';
import { progressFraction } from '../../../renderer/src/lib/jobTimeline';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary, trainMetrics } from '../fixtures/jobs';

const t = 1_700_000_000_000;

describe('useJobsStore', () => {
  let api: FakeApi;

  beforeEach(() => {
    setActivePinia(createPinia());
    api = new FakeApi()
      .on('jobs.list', () => [jobSummary('old', 'finished'), { ...jobSummary('new'), startedAt: t + 5 }])
      .on('jobs.start', (request) => ({ ...jobSummary('j1', 'queued'), preset: request.preset, startedAt: t + 10 }))
      .on('jobs.cancel', ({ jobId }) => ({ ...jobSummary(jobId, 'cancelled'), endedAt: t + 20 }));
    setApi(api);
  });

  it('lists jobs newest first', async () => {
    const store = useJobsStore();
    await store.load();
    expect(store.jobs.map((job) => job.jobId)).toEqual(['new', 'old']);
    expect(store.loaded).toBe(true);
  });

  it('starts a job with only the options given, and lists it', async () => {
    const store = useJobsStore();
    const job = await store.start('cnn-fashion', { epochs: 2 });
    expect(api.calls).toEqual([{ channel: 'jobs.start', request: { preset: 'cnn-fashion', epochs: 2 } }]);
    expect(job.jobId).toBe('j1');
    expect(store.jobs[0]?.jobId).toBe('j1');
  });

  it('rethrows start errors with their code and fix', async () => {
    api.on('jobs.start', () => {
      throw new ApiError('DATASET_MISSING', 'No CIFAR-10 at ~/data/cifar10.', { fix: 'Download it or pass --data.' });
    });
    await expect(useJobsStore().start('abs-nb201-cifar10')).rejects.toMatchObject({ code: 'DATASET_MISSING', fix: 'Download it or pass --data.' });
  });

  it('cancels and updates the listed status', async () => {
    const store = useJobsStore();
    await store.start('cnn-fashion');
    await store.cancel('j1');
    expect(api.calls[1]).toEqual({ channel: 'jobs.cancel', request: { jobId: 'j1' } });
    expect(store.jobs.find((job) => job.jobId === 'j1')?.status).toBe('cancelled');
  });

  it('accumulates status, progress, metrics, errors and the result from the event stream', async () => {
    const store = useJobsStore();
    await store.start('cnn-fashion');
    const release = store.follow('j1');
    const subscription = api.subscriptions[0]!;
    expect(subscription.request).toEqual({ jobId: 'j1' });

    const batch: JobEvent[] = [
      { seq: 0, time: t, type: 'status', status: 'running', backend: 'cpu' },
      { seq: 1, time: t, type: 'progress', phase: 'train', epoch: 2, epochs: 4, step: 25, steps: 100, imagesPerSec: 812.5, etaSec: 90 },
      { seq: 2, time: t, type: 'metric', split: 'train', epoch: 1.25, step: 25, loss: 2.0, accuracy: 0.3 },
      { seq: 3, time: t, type: 'metric', split: 'test', epoch: 1, step: 100, loss: 1.5, accuracy: 0.45 },
      { seq: 4, time: t, type: 'metric', split: 'train', epoch: 1.5, step: 50, loss: 1.0, accuracy: 0.5 },
    ];
    subscription.emit(batch);
    const timeline = store.timelines.j1!;
    expect(timeline.status).toBe('running');
    expect(timeline.backend).toBe('cpu');
    expect(store.jobs.find((job) => job.jobId === 'j1')?.status).toBe('running');
    expect(timeline.progress?.imagesPerSec).toBe(812.5);
    expect(progressFraction(timeline.progress, timeline.status)).toBeCloseTo((1 + 0.25) / 4, 10);
    expect(timeline.metrics.train?.loss.points()).toEqual([
      [1.25, 2.0],
      [1.5, 1.0],
    ]);
    expect(timeline.metrics.test?.accuracy.points()).toEqual([[1, 0.45]]);
    const revision = timeline.revision;

    // After a reconnect the host replays everything: nothing is counted twice.
    subscription.emit(batch);
    expect(timeline.metrics.train?.loss.total).toBe(2);
    expect(timeline.revision).toBe(revision);

    subscription.emit([
      { seq: 6, time: t, type: 'result', summary: { testAccuracy: 0.87 } },
      { seq: 5, time: t, type: 'error', error: { code: 'NAN_LOSS', message: 'Loss became NaN at step 51.', fix: 'Lower the learning rate.' } },
      { seq: 7, time: t, type: 'status', status: 'failed' },
    ]);
    expect(timeline.errors).toEqual([{ code: 'NAN_LOSS', message: 'Loss became NaN at step 51.', fix: 'Lower the learning rate.' }]);
    expect(timeline.result).toEqual({ testAccuracy: 0.87 });
    expect(timeline.lastSeq).toBe(7);
    expect(progressFraction(timeline.progress, 'finished')).toBe(1);

    subscription.end();
    expect(store.streams.j1).toEqual({ live: false, error: null });
    release();
  });

  it('pauses and continues through jobs.pause, and follows the paused / resumed events', async () => {
    api.on('jobs.pause', ({ jobId }) => jobSummary(jobId, 'running'));
    const store = useJobsStore();
    await store.start('cnn-fashion');
    store.follow('j1');
    const subscription = api.subscriptions[0]!;
    subscription.emit([{ seq: 0, time: t, type: 'status', status: 'running', backend: 'wasm' }]);
    await store.setPaused('j1', true);
    expect(api.calls.at(-1)).toEqual({ channel: 'jobs.pause', request: { jobId: 'j1', paused: true } });
    const timeline = store.timelines.j1!;
    // Asked, not yet held: the job says so with its own event.
    expect(timeline.paused).toBe(false);
    subscription.emit([{ seq: 1, time: t, type: 'paused' }]);
    expect(timeline.paused).toBe(true);
    expect(store.jobs.find((job) => job.jobId === 'j1')?.paused).toBe(true);
    await store.setPaused('j1', false);
    expect(api.calls.at(-1)).toEqual({ channel: 'jobs.pause', request: { jobId: 'j1', paused: false } });
    subscription.emit([{ seq: 2, time: t, type: 'continued', pausedSec: 42.5 }, { seq: 3, time: t, type: 'paused' }, { seq: 4, time: t, type: 'continued', pausedSec: 7.5 }]);
    expect(timeline.paused).toBe(false);
    expect(timeline.pausedSec).toBe(50);
    expect(store.jobs.find((job) => job.jobId === 'j1')?.paused).toBe(false);
    // A job that ends while paused is not shown paused any more.
    subscription.emit([{ seq: 5, time: t, type: 'paused' }, { seq: 6, time: t, type: 'status', status: 'cancelled' }]);
    expect(timeline.paused).toBe(false);
  });

  it('rethrows a refused pause with its code', async () => {
    api.on('jobs.pause', () => {
      throw new ApiError('INVALID_CONFIG', 'Job j1 has ended (finished); there is nothing to pause.', { fix: 'Resume an interrupted experiment from its folder (jobs.resume) instead.' });
    });
    await expect(useJobsStore().setPaused('j1', true)).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: 'Job j1 has ended (finished); there is nothing to pause.' });
  });

  it('downsamples long series to at most maxPointsPerSeries, with exact bucket means', () => {
    const store = useJobsStore();
    store.maxPointsPerSeries = 2000;
    store.follow('long');
    const subscription = api.subscriptions[0]!;
    // 5,000 train metrics in batches of 250, as the host sends them (~every 250 ms).
    const events = trainMetrics(5000);
    for (let i = 0; i < events.length; i += 250) subscription.emit(events.slice(i, i + 250));

    const loss = store.timelines.long!.metrics.train!.loss;
    expect(loss.total).toBe(5000);
    expect(loss.bucketSize).toBe(4);
    const points = loss.points();
    expect(points).toHaveLength(1250);
    // Bucket k holds raw points 4k..4k+3: epoch = i/10, loss = i.
    expect(points[0]![0]).toBeCloseTo(0.15, 12);
    expect(points[0]![1]).toBe(1.5);
    expect(points[1249]![0]).toBeCloseTo(499.75, 9);
    expect(points[1249]![1]).toBe(4997.5);
    const accuracy = store.timelines.long!.metrics.train!.accuracy.points();
    expect(accuracy[1249]![1]).toBeCloseTo(4997.5 / 5000, 12);
  });

  it('subscribes once per job however many viewers follow it, and stops after the last', () => {
    const store = useJobsStore();
    const first = store.follow('j1');
    const second = store.follow('j1');
    expect(api.subscriptions).toHaveLength(1);
    first();
    first();
    expect(api.subscriptions[0]!.unsubscribed).toBe(false);
    second();
    expect(api.subscriptions[0]!.unsubscribed).toBe(true);
  });

  it('records a stream that ends with an error, and reloads the list when the job ended', async () => {
    const store = useJobsStore();
    store.follow('j1');
    const subscription = api.subscriptions[0]!;
    subscription.emit([{ seq: 0, time: t, type: 'status', status: 'failed' }]);
    subscription.end({ code: 'JOB_CRASHED', message: 'The job process exited with code 134.', fix: 'See the log in the experiment folder.' });
    expect(store.streams.j1).toEqual({
      live: false,
      error: { code: 'JOB_CRASHED', message: 'The job process exited with code 134.', fix: 'See the log in the experiment folder.' },
    });
    await Promise.resolve();
    expect(api.calls.map((call) => call.channel)).toContain('jobs.list');
  });
});
