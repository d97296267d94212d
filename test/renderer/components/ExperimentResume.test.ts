/** The Resume button of an opened experiment: shown only when the host says it can resume. */
import { describe, expect, it, vi } from 'vitest';
import { shallowRef } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { ApiError, setApi } from '../../../renderer/src/api';
import ExperimentDetailView from '../../../renderer/src/components/experiment/ExperimentDetailView.vue';
import { useExperimentDetailStore } from '../../../renderer/src/stores/experimentDetail';
import type { ExperimentDetail } from '../../../shared/model/job';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary } from '../fixtures/jobs';
import { absDetail } from '../fixtures/abs';

// No canvas in happy-dom: the charts are not what is tested here.
vi.mock('../../../renderer/src/composables/useChart', () => ({ useChart: () => ({ chart: shallowRef(null) }) }));

function setUp(detail: () => ExperimentDetail, resume?: () => never): FakeApi {
  setActivePinia(createPinia());
  const api = new FakeApi()
    .on('experiments.open', detail)
    .on('jobs.list', () => [])
    .on('jobs.resume', resume ?? (({ id }) => jobSummary(id, 'queued')));
  setApi(api);
  return api;
}

describe('Resume on an experiment', () => {
  it('is hidden for a finished experiment and one the host cannot resume', async () => {
    for (const detail of [absDetail({ status: 'finished', resumable: false }), absDetail({ status: 'failed' })]) {
      setUp(() => detail);
      const wrapper = mount(ExperimentDetailView, { props: { experimentId: 'abs1' } });
      await flushPromises();
      expect(wrapper.find('[data-testid="experiment-resume"]').exists()).toBe(false);
    }
  });

  it('sends jobs.resume for a failed run, then reads the folder again (now queued, no button)', async () => {
    let status: ExperimentDetail['status'] = 'failed';
    const api = setUp(() => absDetail({ status, resumable: status === 'failed' }));
    const wrapper = mount(ExperimentDetailView, { props: { experimentId: 'abs1' } });
    await flushPromises();
    const button = wrapper.get('[data-testid="experiment-resume"]');
    expect(button.text()).toBe('Resume');
    status = 'queued';
    await button.trigger('click');
    await flushPromises();
    expect(api.calls.map((c) => c.channel)).toEqual(['experiments.open', 'jobs.resume', 'jobs.list', 'experiments.open']);
    expect(api.calls[1]!.request).toEqual({ id: 'abs1' });
    expect(wrapper.get('[data-testid="experiment-status"]').text()).toBe('queued');
    expect(wrapper.find('[data-testid="experiment-resume"]').exists()).toBe(false);
  });

  it('shows why the host refused, next to the experiment', async () => {
    setUp(
      () => absDetail({ status: 'cancelled', resumable: true }),
      () => {
        throw new ApiError('EXPERIMENT_LOCKED', '/ws/abs1 is in use by another job (pid 42 on vm).', { fix: 'Wait for it to end or cancel it (kill 42).' });
      },
    );
    const wrapper = mount(ExperimentDetailView, { props: { experimentId: 'abs1' } });
    await flushPromises();
    await wrapper.get('[data-testid="experiment-resume"]').trigger('click');
    await flushPromises();
    const store = useExperimentDetailStore();
    expect(store.resumeErrors.abs1?.code).toBe('EXPERIMENT_LOCKED');
    expect(wrapper.get('[data-testid="experiment-resume-error"]').text()).toContain('is in use by another job (pid 42 on vm)');
    expect(wrapper.get('[data-testid="experiment-resume"]').text()).toBe('Resume');
  });
});
