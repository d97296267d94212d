import { beforeEach, describe, expect, it, vi } from 'vitest';
import { shallowRef } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import ExperimentsView from '../../../renderer/src/views/ExperimentsView.vue';
import { setApi } from '../../../renderer/src/api';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary } from '../fixtures/jobs';
import { absDetail } from '../fixtures/abs';

// happy-dom has no 2D canvas: the charts are drawn by a stand-in here (their options are not under test).
vi.mock('../../../renderer/src/composables/useChart', () => ({ useChart: () => ({ chart: shallowRef(null) }) }));

describe('ExperimentsView (without a selected job)', () => {
  let pinia: Pinia;
  let api: FakeApi;
  let router: Router;

  beforeEach(async () => {
    pinia = createPinia();
    setActivePinia(pinia);
    api = new FakeApi().on('jobs.list', () => []).on('experiments.list', () => []);
    setApi(api);
    router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/experiments/:jobId?', name: 'experiments', component: ExperimentsView },
        { path: '/experiment/:experimentId', name: 'experiment', component: ExperimentsView },
        { path: '/new', name: 'new', component: { render: () => null } },
      ],
    });
    await router.push('/experiments');
  });

  async function render() {
    const wrapper = mount(ExperimentsView, { global: { plugins: [pinia, router] } });
    await flushPromises();
    return wrapper;
  }

  it('says there is nothing yet and where to start', async () => {
    const wrapper = await render();
    const empty = wrapper.get('[data-testid="empty-experiments"]');
    expect(empty.text()).toContain('No experiments yet');
    expect(empty.get('a').attributes('href')).toBe('/new');
  });

  it('lists jobs with their status, and other experiment directories apart from them', async () => {
    api
      .on('jobs.list', () => [jobSummary('j1', 'running')])
      .on('experiments.list', () => [
        { id: 'j1', dir: '/tmp/experiments/j1', preset: 'cnn-fashion', status: 'running', created: 1, finalAccuracy: null },
        { id: 'old', dir: '/tmp/experiments/old', preset: 'abs-nb201', status: 'finished', created: 0, finalAccuracy: 0.9123 },
      ]);
    const wrapper = await render();
    const job = wrapper.get('[data-testid="job-row"]');
    expect(job.attributes('data-job-id')).toBe('j1');
    expect(job.get('[data-status]').text()).toBe('running');
    const rows = wrapper.findAll('[data-testid="experiment-row"]');
    expect(rows.map((row) => row.attributes('data-experiment-id'))).toEqual(['old']);
    // The heading counts the folders listed (the job's own folder is under Jobs).
    expect(wrapper.get('[data-testid="experiment-count"]').text()).toBe('1');
    expect(rows[0]!.text()).toContain('91.2 %');
  });
});

describe('ExperimentsView (an experiment opened read-only)', () => {
  it('links every experiment row, and opens the selected one through experiments.open with its warnings and ABS tree', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const api = new FakeApi()
      .on('jobs.list', () => [])
      .on('experiments.list', () => [{ id: 'abs1', dir: '/ws/abs1', preset: 'nb201-fashion-abs', status: 'finished', created: 0, finalAccuracy: null }])
      .on('experiments.open', ({ id }) => absDetail({ id, results: null }));
    setApi(api);
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/experiments/:jobId?', name: 'experiments', component: ExperimentsView, props: true },
        { path: '/experiment/:experimentId', name: 'experiment', component: ExperimentsView, props: true },
        { path: '/new', name: 'new', component: { render: () => null } },
      ],
    });
    await router.push('/experiments');
    const wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [pinia, router] } });
    await flushPromises();
    expect(wrapper.get('[data-testid="select-hint"]').text()).toContain('Select');
    await wrapper.get('[data-testid="experiment-link"]').trigger('click');
    // The detail view is an async component (it brings ECharts): wait for its module, then its request.
    await vi.dynamicImportSettled();
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/experiment/abs1');
    expect(api.calls.filter((call) => call.channel === 'experiments.open').map((call) => call.request)).toEqual([{ id: 'abs1' }]);
    const view = wrapper.get('[data-testid="experiment-view"]');
    expect(view.get('[data-testid="experiment-status"]').text()).toBe('finished');
    expect(view.get('[data-testid="skipped-lines"]').text()).toContain('1 unreadable event line skipped: the run may have crashed while writing');
    expect(view.get('[data-testid="space-size"]').attributes('data-size')).toBe('2');
    expect(view.findAll('[data-testid="op-lock"]')).toHaveLength(0);
    expect(view.get('[data-testid="results-empty"]').text()).toContain('did not finish');
    expect(view.get('[data-testid="experiment-config"]').text()).toContain('"method": "abs"');
  });
});
