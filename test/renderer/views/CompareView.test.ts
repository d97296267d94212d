import { beforeEach, describe, expect, it, vi } from 'vitest';
import { shallowRef } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import CompareView from '../../../renderer/src/views/CompareView.vue';
import { setApi } from '../../../renderer/src/api';
import type { ExperimentSummary } from '../../../shared/model/job';
import { FakeApi } from '../helpers/fakeApi';
import { absDetail, stepOne } from '../fixtures/abs';

// happy-dom has no 2D canvas: the charts are drawn by a stand-in here (their options are not under test).
vi.mock('../../../renderer/src/composables/useChart', () => ({ useChart: () => ({ chart: shallowRef(null) }) }));

const summary = (id: string, change: Partial<ExperimentSummary> = {}): ExperimentSummary => ({ id, dir: `/ws/${id}`, preset: 'nb201-fashion-abs', status: 'finished', created: 0, finalAccuracy: null, method: 'abs', bestValAccuracy: null, ...change });

describe('CompareView (browse and compare)', () => {
  let pinia: Pinia;
  let api: FakeApi;
  let router: Router;

  beforeEach(async () => {
    pinia = createPinia();
    setActivePinia(pinia);
    api = new FakeApi()
      .on('experiments.list', () => [
        summary('abs1', { created: 2, bestValAccuracy: 0.5 }),
        summary('abs2', { created: 3, bestValAccuracy: 0.6 }),
        summary('cnn1', { created: 1, preset: 'cnn-fashion', method: 'cnn', finalAccuracy: 0.8 }),
      ])
      .on('experiments.open', ({ id }) => {
        if (id === 'abs2') {
          // The same space, scores in another order: a:x and a:y swapped.
          const step = { ...stepOne(5), scores: { 'a:x': 0.3, 'a:y': 0.1, 'a:z': 0.2, 'b:x': 0.5, 'b:y': 0.4 } };
          return absDetail({ id, events: [...absDetail().events.filter((e) => e.type !== 'shrink'), step] });
        }
        return absDetail({ id });
      });
    setApi(api);
    router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/compare', name: 'compare', component: CompareView },
        { path: '/experiment/:experimentId', name: 'experiment', component: { render: () => null } },
      ],
    });
    await router.push('/compare');
  });

  async function render() {
    const wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [pinia, router] } });
    await flushPromises();
    return wrapper;
  }

  const ids = (wrapper: Awaited<ReturnType<typeof render>>) => wrapper.findAll('[data-testid="table-row"]').map((row) => row.attributes('data-experiment-id'));

  it('lists every experiment newest first, filters by text and method, and sorts by a column', async () => {
    const wrapper = await render();
    expect(ids(wrapper)).toEqual(['abs2', 'abs1', 'cnn1']);
    expect(wrapper.get('[data-experiment-id="cnn1"]').text()).toContain('80.0 % test');
    expect(wrapper.get('[data-experiment-id="abs1"]').text()).toContain('50.0 % val');
    await wrapper.get('[data-testid="filter-method"]').setValue('cnn');
    expect(ids(wrapper)).toEqual(['cnn1']);
    await wrapper.get('[data-testid="filter-method"]').setValue('');
    await wrapper.get('[data-testid="filter-text"]').setValue('zzz');
    expect(wrapper.get('[data-testid="table-empty"]').text()).toBe('No experiment matches the filter.');
    await wrapper.get('[data-testid="filter-text"]').setValue('');
    await wrapper.get('[data-testid="sort-accuracy"]').trigger('click');
    expect(ids(wrapper)).toEqual(['cnn1', 'abs2', 'abs1']);
    await wrapper.get('[data-testid="sort-accuracy"]').trigger('click');
    expect(ids(wrapper)).toEqual(['abs1', 'abs2', 'cnn1']);
  });

  it('compares the ticked experiments: selection in the address, curves overlaid, scores side by side with Kendall tau', async () => {
    const wrapper = await render();
    await wrapper.get('[data-experiment-id="abs1"] [data-testid="compare-pick"]').setValue(true);
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ ids: 'abs1' });
    expect(wrapper.get('[data-testid="compare-hint"]').text()).toContain('Tick one more');
    await wrapper.get('[data-experiment-id="abs2"] [data-testid="compare-pick"]').setValue(true);
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ ids: 'abs1,abs2' });
    expect(api.calls.filter((c) => c.channel === 'experiments.open').map((c) => c.request)).toEqual([{ id: 'abs1' }, { id: 'abs2' }]);
    expect(wrapper.get('[data-testid="compare-val-accuracy"]').attributes('data-points')).toBe('2');
    const rows = wrapper.get('[data-testid="compare-scores-table"]').findAll('tbody tr');
    expect(rows.map((r) => r.findAll('td').map((td) => td.text().trim()))).toEqual([
      ['a:x', '0.1000', '0.3000'],
      ['a:y', '0.3000', '0.1000'],
      ['a:z', '0.2000 ✕', '0.2000 ✕'],
      ['b:x', '0.5000', '0.5000'],
      ['b:y', '0.4000 ✕', '0.4000 ✕'],
    ]);
    // Scores (.1 .3 .2 .5 .4) vs (.3 .1 .2 .5 .4): 7 concordant, 3 discordant pairs.
    expect(wrapper.get('[data-testid="compare-tau"]').text()).toContain('0.400');
    expect(wrapper.find('[data-testid="compare-scatter"]').exists()).toBe(true);
  });
});
