import { describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createRouter, createWebHashHistory } from 'vue-router';
import ExperimentList from '../../../renderer/src/components/jobs/ExperimentList.vue';
import type { ExperimentSummary } from '../../../shared/model/job';
import { jobSummary } from '../fixtures/jobs';

const routes = [
  { path: '/experiments/:jobId?', name: 'experiments', component: { render: () => null } },
  { path: '/experiment/:experimentId', name: 'experiment', component: { render: () => null } },
];

function experiment(id: string, status: ExperimentSummary['status'], finalAccuracy: number | null = null): ExperimentSummary {
  return { id, dir: `/ws/${id}`, preset: `preset-${id}`, status, created: Date.UTC(2026, 11, 1, 12, 0), finalAccuracy };
}

describe('ExperimentList (plain rows, no component per row)', () => {
  it('links a job’s directory to its live view and the others read-only, with hash hrefs as the app uses', async () => {
    const router = createRouter({ history: createWebHashHistory(), routes });
    await router.push('/experiments');
    const job = { ...jobSummary('j7', 'running'), dir: '/ws/live' };
    const wrapper = mount(ExperimentList, {
      props: { experiments: [experiment('live', 'running'), experiment('old', 'finished', 0.8125), experiment('bad', 'failed')], jobs: [job], selected: 'old' },
      global: { plugins: [router] },
    });
    const links = wrapper.findAll('[data-testid="experiment-link"]');
    expect(links.map((link) => link.attributes('href'))).toEqual(['#/experiments/j7', '#/experiment/old', '#/experiment/bad']);
    expect(links.map((link) => link.get('[data-status]').text())).toEqual(['running', 'finished', 'failed']);
    expect(links.map((link) => link.get('.status-badge').classes())).toEqual([
      ['status-badge', 'running'],
      ['status-badge', 'finished'],
      ['status-badge', 'failed'],
    ]);
    expect(links[1]!.attributes('aria-current')).toBe('page');
    expect(links[0]!.attributes('aria-current')).toBeUndefined();
    // Short enough for the 300 px column: "2026-12-01 12:00 · test 81.3 %".
    expect(links[1]!.get('.run-list-sub').text()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d · test 81\.3 %$/);
    expect(links[2]!.get('.run-list-sub').text()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);

    await links[0]!.trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/experiments/j7');
    // A ctrl-click is the browser's (a new tab in `serve`), not an in-app navigation.
    await links[2]!.trigger('click', { ctrlKey: true });
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe('/experiments/j7');
  });
});
