import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import AbsPanels from '../../../renderer/src/components/abs/AbsPanels.vue';
import { setApi } from '../../../renderer/src/api';
import { useJobsStore } from '../../../renderer/src/stores/jobs';
import { parseSpaceFile } from '../../../renderer/src/lib/absFiles';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary } from '../fixtures/jobs';
import { absDetail, commandEvent } from '../fixtures/abs';

describe('AbsPanels on a running job (space tree commands)', () => {
  let pinia: Pinia;
  let api: FakeApi;

  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    api = new FakeApi().on('jobs.command', ({ jobId }) => jobSummary(jobId, 'running'));
    setApi(api);
  });

  async function render(status: 'running' | 'finished' = 'running') {
    const jobs = useJobsStore();
    jobs.follow('j1');
    const live = api.subscriptions[0]!;
    live.emit([{ seq: 0, time: 0, type: 'status', status }]);
    const wrapper = mount(AbsPanels, {
      props: { timeline: jobs.timelineOf('j1'), space: parseSpaceFile(absDetail().space), results: null, jobId: 'j1', filename: 'j1' },
      global: { plugins: [pinia] },
    });
    await flushPromises();
    return { wrapper, live };
  }

  const row = (wrapper: Awaited<ReturnType<typeof render>>['wrapper'], key: string) => wrapper.get(`[data-testid="tree-operator"][data-key="${key}"]`);

  it('sends lock and force-drop for the operator clicked, shows them as sending, then the answer and pending state', async () => {
    const { wrapper, live } = await render();
    expect(wrapper.get('[data-testid="space-size"]').attributes('data-size')).toBe('6');
    expect(wrapper.get('[data-testid="scores-empty"]').text()).toContain('No shrink step yet');

    await row(wrapper, 'a:y').get('[data-testid="op-lock"]').trigger('click');
    await row(wrapper, 'b:y').get('[data-testid="op-force-drop"]').trigger('click');
    await flushPromises();
    expect(api.calls.filter((call) => call.channel === 'jobs.command').map((call) => call.request)).toEqual([
      { jobId: 'j1', command: { kind: 'lock', key: 'a:y' } },
      { jobId: 'j1', command: { kind: 'force-drop', key: 'b:y' } },
    ]);
    expect(row(wrapper, 'a:y').get('[data-testid="tree-operator-state"]').text()).toBe('lock sent · waiting for the job');
    expect(row(wrapper, 'a:y').find('[data-testid="op-lock"]').exists()).toBe(false);
    // The force-drop on its way already counts: 3 × 1.
    expect(wrapper.get('[data-testid="space-size"]').attributes('data-size')).toBe('3');
    // b:x is now the last op of b: it cannot be dropped.
    expect(row(wrapper, 'b:x').get('[data-testid="op-force-drop"]').attributes('disabled')).toBeDefined();

    live.emit([commandEvent(1, 'lock', 'a:y', true, 'a:y is locked: shrinking will never drop it.'), commandEvent(2, 'force-drop', 'b:y', false, 'b:y was already dropped.')]);
    await flushPromises();
    expect(row(wrapper, 'a:y').attributes('data-pending')).toBe('lock');
    expect(row(wrapper, 'a:y').get('[data-testid="op-ack"]').text()).toContain('a:y is locked');
    expect(row(wrapper, 'b:y').get('[data-testid="op-ack"]').attributes('data-accepted')).toBe('false');
    expect(row(wrapper, 'b:y').get('[data-testid="op-ack"]').text()).toContain('b:y was already dropped.');
    expect(wrapper.get('[data-testid="space-size"]').attributes('data-size')).toBe('6');

    await row(wrapper, 'a:y').get('[data-testid="op-undo"]').trigger('click');
    await flushPromises();
    expect(api.calls.at(-1)?.request).toEqual({ jobId: 'j1', command: { kind: 'undo', key: 'a:y' } });
  });

  it('offers no buttons once the job has ended', async () => {
    const { wrapper } = await render('finished');
    expect(wrapper.findAll('[data-testid="op-lock"]')).toHaveLength(0);
    expect(wrapper.findAll('[data-testid="tree-operator"]')).toHaveLength(5);
  });
});
