/**
 * The Curves CSV button of an opened experiment: the view draws the display stream, the CSV
 * holds every metric event, fetched on click through experiments.events.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shallowRef } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { ApiError, setApi } from '../../../renderer/src/api';
import ExperimentDetailView from '../../../renderer/src/components/experiment/ExperimentDetailView.vue';
import type { JobEvent } from '../../../shared/model/job';
import { FakeApi } from '../helpers/fakeApi';
import { absDetail } from '../fixtures/abs';

vi.mock('../../../renderer/src/composables/useChart', () => ({ useChart: () => ({ chart: shallowRef(null) }) }));
const saved: { text: string; filename: string }[] = [];
vi.mock('../../../renderer/src/lib/download', async (original) => ({
  ...(await original<typeof import('../../../renderer/src/lib/download')>()),
  downloadCsv: (text: string, filename: string) => saved.push({ text, filename }),
}));

const everyPoint: JobEvent[] = [1, 2, 3].map((i) => ({ seq: i, time: 1, type: 'metric', split: 'train', epoch: i / 4, step: i, loss: 3 - i, accuracy: i / 10 }));

afterEach(() => {
  saved.length = 0;
});

describe('Curves CSV', () => {
  it('downloads every metric event from experiments.events, not the points drawn', async () => {
    setActivePinia(createPinia());
    const api = new FakeApi().on('experiments.open', () => absDetail()).on('experiments.events', ({ id }) => ({ id, events: everyPoint, skippedLines: [], superseded: 0 }));
    setApi(api);
    const wrapper = mount(ExperimentDetailView, { props: { experimentId: 'abs1' } });
    await flushPromises();
    await wrapper.get('[data-testid="curves-csv"]').trigger('click');
    await flushPromises();
    expect(api.calls.filter((c) => c.channel === 'experiments.events').map((c) => c.request)).toEqual([{ id: 'abs1', types: ['metric'] }]);
    expect(saved).toEqual([{ filename: 'abs1-curves.csv', text: 'split,node,epoch,step,loss,accuracy\ntrain,,0.25,1,2,0.1\ntrain,,0.5,2,1,0.2\ntrain,,0.75,3,0,0.3\n' }]);
  });

  it('shows why when the host cannot read the events', async () => {
    setActivePinia(createPinia());
    setApi(
      new FakeApi().on('experiments.open', () => absDetail()).on('experiments.events', () => {
        throw new ApiError('STORE_IO', 'Could not read events.jsonl.', { fix: 'Check the folder.' });
      }),
    );
    const wrapper = mount(ExperimentDetailView, { props: { experimentId: 'abs1' } });
    await flushPromises();
    await wrapper.get('[data-testid="curves-csv"]').trigger('click');
    await flushPromises();
    expect(saved).toEqual([]);
    expect(wrapper.text()).toContain('Could not export the curves');
    expect(wrapper.text()).toContain('Could not read events.jsonl.');
  });
});
