/**
 * The live view's Pause / Continue: the request goes to jobs.pause, "Pausing…" until the job
 * holds, then the paused badge, a progress line that says the estimate waits, and Continue.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { shallowRef } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import JobLiveView from '../../../renderer/src/components/jobs/JobLiveView.vue';
import { setApi } from '../../../renderer/src/api';
import { useJobsStore } from '../../../renderer/src/stores/jobs';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary } from '../fixtures/jobs';

vi.mock('../../../renderer/src/composables/useChart', () => ({ useChart: () => ({ chart: shallowRef(null) }) }));

const t = 1_700_000_000_000;

describe('JobLiveView pause', () => {
  let pinia: Pinia;
  let api: FakeApi;
  let router: Router;

  beforeEach(async () => {
    pinia = createPinia();
    setActivePinia(pinia);
    api = new FakeApi().on('jobs.pause', ({ jobId }) => jobSummary(jobId, 'running'));
    setApi(api);
    router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', name: 'experiments', component: { render: () => null } }] });
    await router.push('/');
  });

  it('pauses, waits for the job to hold, shows it paused, and continues', async () => {
    useJobsStore().remember(jobSummary('j1', 'running'));
    const wrapper = mount(JobLiveView, { props: { jobId: 'j1' }, global: { plugins: [pinia, router] } });
    const stream = api.subscriptions[0]!;
    stream.emit([
      { seq: 0, time: t, type: 'status', status: 'running', backend: 'wasm' },
      { seq: 1, time: t, type: 'progress', phase: 'supernet', epoch: 1, epochs: 2, step: 3, steps: 10, imagesPerSec: 250, etaSec: 125 },
    ]);
    await flushPromises();
    const button = wrapper.get('[data-testid="job-pause"]');
    expect(button.text()).toBe('Pause');
    expect(wrapper.get('[data-testid="job-progress-text"]').text()).toContain('2 min 05 s left');

    await button.trigger('click');
    await flushPromises();
    expect(api.calls.filter((c) => c.channel === 'jobs.pause')).toEqual([{ channel: 'jobs.pause', request: { jobId: 'j1', paused: true } }]);
    expect(wrapper.get('[data-testid="job-pause"]').text()).toBe('Pausing…');
    expect(wrapper.get('[data-testid="job-pause"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="job-pausing"]').text()).toBe('pausing at the next training step…');
    expect(wrapper.get('[data-testid="job-status"]').text()).toBe('running');

    stream.emit([{ seq: 2, time: t, type: 'paused' }]);
    await flushPromises();
    expect(wrapper.find('[data-testid="job-pausing"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="job-status"]').text()).toBe('paused');
    expect(wrapper.get('[data-testid="job-status"]').attributes('data-paused')).toBe('true');
    expect(wrapper.get('[data-testid="job-paused-note"]').text()).toBe('paused · 2 min 05 s left after Continue');
    expect(wrapper.get('[data-testid="job-pause"]').text()).toBe('Continue');

    await wrapper.get('[data-testid="job-pause"]').trigger('click');
    await flushPromises();
    expect(api.calls.filter((c) => c.channel === 'jobs.pause').at(-1)).toEqual({ channel: 'jobs.pause', request: { jobId: 'j1', paused: false } });
    stream.emit([{ seq: 3, time: t, type: 'continued', pausedSec: 30 }]);
    await flushPromises();
    expect(wrapper.get('[data-testid="job-status"]').text()).toBe('running');
    expect(wrapper.get('[data-testid="job-pause"]').text()).toBe('Pause');
    expect(wrapper.find('[data-testid="job-paused-note"]').exists()).toBe(false);
  });

  it('offers no pause once the job has ended', async () => {
    useJobsStore().remember(jobSummary('j2', 'running'));
    const wrapper = mount(JobLiveView, { props: { jobId: 'j2' }, global: { plugins: [pinia, router] } });
    api.subscriptions[0]!.emit([{ seq: 0, time: t, type: 'status', status: 'finished' }]);
    await flushPromises();
    expect(wrapper.find('[data-testid="job-pause"]').exists()).toBe(false);
  });
});
