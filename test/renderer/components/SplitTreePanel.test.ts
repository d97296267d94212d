import { beforeEach, describe, expect, it, vi } from 'vitest';
import { shallowRef } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import ExperimentDetailView from '../../../renderer/src/components/experiment/ExperimentDetailView.vue';
import JobLiveView from '../../../renderer/src/components/jobs/JobLiveView.vue';
import { setApi } from '../../../renderer/src/api';
import { useJobsStore } from '../../../renderer/src/stores/jobs';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary } from '../fixtures/jobs';
import { gmDetail, nodeMetricEvents, splitEvents } from '../fixtures/split';

// happy-dom has no 2D canvas: the charts are drawn by a stand-in here (their options are not under test).
vi.mock('../../../renderer/src/composables/useChart', () => ({ useChart: () => ({ chart: shallowRef(null) }) }));

describe('the sub-supernet tree of a GM run', () => {
  let pinia: Pinia;
  let api: FakeApi;

  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    api = new FakeApi().on('experiments.open', () => gmDetail());
    setApi(api);
  });

  async function openFolder() {
    const wrapper = mount(ExperimentDetailView, { props: { experimentId: 'gm1' }, global: { plugins: [pinia] } });
    await flushPromises();
    return wrapper;
  }

  it('lists the nodes depth first, each with its edge group and the certainty of the split that made it', async () => {
    const wrapper = await openFolder();
    const nodes = wrapper.findAll('[data-testid="split-node"]');
    expect(nodes.map((n) => n.attributes('data-node'))).toEqual(['0', '1', '3', '4', '2', '5', '6']);
    expect(nodes[1]!.text()).toContain('edge 1←0 ∈ {none, skip_connect}');
    expect(nodes[1]!.get('[data-testid="certainty-badge"]').attributes('data-level')).toBe('decided');
    expect(nodes[2]!.get('[data-testid="certainty-badge"]').attributes('data-level')).toBe('uncertain');
    expect(nodes[5]!.get('[data-testid="certainty-badge"]').text()).toBe('noise level');
    expect(wrapper.get('[data-testid="split-tree-summary"]').text()).toContain('7 nodes, 4 leaves; 3 splits');
    // Every metric names a node: no "no curves" notice for the whole run, no ABS panels.
    expect(wrapper.find('[data-testid="no-curves"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="abs-panels"]').exists()).toBe(false);
  });

  it('shows the root by default: its curves, its split on edge 1←0 with groups, GM matrix and scored edges', async () => {
    const wrapper = await openFolder();
    const detail = wrapper.get('[data-testid="split-node-detail"]');
    expect(detail.attributes('data-node')).toBe('0');
    expect(detail.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('2');
    const split = detail.get('[data-testid="split-info"]');
    expect(split.text()).toContain('Split at epoch 2 on edge 1←0');
    expect(split.attributes('data-level')).toBe('decided');
    expect(split.findAll('[data-testid="split-group"]').map((g) => g.text())).toEqual(['[A] none, skip_connect → #1', '[B] nor_conv_1x1, nor_conv_3x3, avg_pool_3x3 → #2']);
    expect(split.find('[data-testid="gm-matrix"]').exists()).toBe(true);
    expect(split.get('[data-testid="split-candidate-edges"]').findAll('tbody tr')).toHaveLength(6);
    expect(detail.get('[data-testid="split-no-candidates"]').text()).toContain('Searched in its children');
  });

  it('selecting a leaf shows its own curves, the noise verdict of the split that made it, and its candidates best first', async () => {
    const wrapper = await openFolder();
    await wrapper.get('[data-testid="split-node"][data-node="5"]').trigger('click');
    const detail = wrapper.get('[data-testid="split-node-detail"]');
    expect(detail.attributes('data-node')).toBe('5');
    expect(detail.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('2');
    expect(detail.get('[data-testid="split-made-by"]').text()).toContain('Decided by noise');
    expect(detail.get('[data-testid="split-made-by"]').text()).toContain('both in 31 % of 200 bootstrap resamples');
    expect(detail.find('[data-testid="split-info"]').exists()).toBe(false);
    const rows = detail.findAll('[data-testid="split-candidate"]');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.text()).toContain('0.8000');
    expect(rows[0]!.text()).toContain('avg_pool_3x3~0');
  });

  it('builds the tree live from split events while the job runs', async () => {
    api.on('experiments.open', () => gmDetail({ status: 'running', results: null, events: [] })).on('jobs.start', () => jobSummary('gmjob', 'running'));
    const jobs = useJobsStore();
    await jobs.start('nb201-fashion-gm');
    const wrapper = mount(JobLiveView, { props: { jobId: 'gmjob' }, global: { plugins: [pinia] } });
    await flushPromises();
    const live = api.subscriptions[0]!;
    live.emit([{ seq: 0, time: 0, type: 'status', status: 'running' }, ...nodeMetricEvents(1)]);
    await flushPromises();
    expect(wrapper.find('[data-testid="split-tree"]').exists()).toBe(false);
    // Before the first split every metric names the supernet: the run-wide charts show node 0's.
    expect(wrapper.get('[data-testid="chart-loss"]').attributes('data-points')).toBe('2');
    live.emit(splitEvents(100).slice(0, 1));
    await flushPromises();
    expect(wrapper.findAll('[data-testid="split-node"]').map((n) => n.attributes('data-node'))).toEqual(['0', '1', '2']);
    // Node metrics only: the run-wide charts give way to the selected node's.
    expect(wrapper.findAll('[data-testid="chart-loss"]')).toHaveLength(1);
    live.emit(splitEvents(100).slice(1));
    await flushPromises();
    expect(wrapper.findAll('[data-testid="split-node"]')).toHaveLength(7);
  });
});
