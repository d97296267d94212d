import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import ExperimentsView from '../../../renderer/src/views/ExperimentsView.vue';
import { setApi } from '../../../renderer/src/api';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary } from '../fixtures/jobs';

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
    expect(rows[0]!.text()).toContain('91.2 %');
  });
});
