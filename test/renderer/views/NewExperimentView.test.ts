import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import NewExperimentView from '../../../renderer/src/views/NewExperimentView.vue';
import { setApi } from '../../../renderer/src/api';
import { ApiError } from '../../../renderer/src/api/apiError';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary, PRESETS } from '../fixtures/jobs';

describe('NewExperimentView', () => {
  let pinia: Pinia;
  let api: FakeApi;
  let router: Router;

  beforeEach(async () => {
    pinia = createPinia();
    setActivePinia(pinia);
    api = new FakeApi().on('presets.list', () => PRESETS).on('jobs.start', () => jobSummary('job-42', 'queued'));
    setApi(api);
    // The real route names, with a stub for the live view (it would load ECharts).
    router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/new', name: 'new', component: NewExperimentView },
        { path: '/experiments/:jobId?', name: 'experiments', component: { render: () => null } },
      ],
    });
    await router.push('/new');
  });

  async function render() {
    const wrapper = mount(NewExperimentView, { global: { plugins: [pinia, router] } });
    await flushPromises();
    return wrapper;
  }

  it('shows a card per preset with its method, dataset and epochs', async () => {
    const wrapper = await render();
    const cards = wrapper.findAll('[data-testid="preset-card"]');
    expect(cards).toHaveLength(2);
    expect(cards[0]!.text()).toContain('Small CNN on Fashion-MNIST');
    expect(cards[0]!.text()).toContain('fashion-mnist-sample');
    expect(cards[1]!.text()).toContain('abs');
  });

  it('validates epochs and seed next to the field and blocks the start', async () => {
    const wrapper = await render();
    await wrapper.get('[data-testid="epochs-cnn-fashion"]').setValue('0');
    await wrapper.get('[data-testid="seed-cnn-fashion"]').setValue('1.5');
    await wrapper.get('[data-testid="images-cnn-fashion"]').setValue('-3');
    const card = wrapper.get('[data-preset="cnn-fashion"]');
    expect(card.text()).toContain('Enter a whole number from 1 to 10,000.');
    expect(card.text()).toContain('Enter a whole number.');
    expect(card.text()).toContain('Enter a whole number from 1 to 10,000,000.');
    expect(wrapper.get('[data-testid="start-cnn-fashion"]').attributes('disabled')).toBeDefined();
  });

  it('starts the job with the given options and opens its live view', async () => {
    const wrapper = await render();
    await wrapper.get('[data-testid="epochs-cnn-fashion"]').setValue('2');
    await wrapper.get('[data-testid="seed-cnn-fashion"]').setValue('7');
    await wrapper.get('[data-testid="images-cnn-fashion"]').setValue('1200');
    await wrapper.get('[data-testid="start-cnn-fashion"]').trigger('submit');
    await flushPromises();
    expect(api.calls.find((call) => call.channel === 'jobs.start')?.request).toEqual({ preset: 'cnn-fashion', epochs: 2, seed: 7, maxTrainImages: 1200 });
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/experiments/job-42'));
  });

  it('shows a start error with its fix on the card', async () => {
    api.on('jobs.start', () => {
      throw new ApiError('DATASET_MISSING', 'CIFAR-10 was not found in ~/.nas-shrink/data/cifar10.', { fix: 'Download the binary version or pass --data.' });
    });
    const wrapper = await render();
    await wrapper.get('[data-preset="abs-nb201-cifar10"] form').trigger('submit');
    await flushPromises();
    const card = wrapper.get('[data-preset="abs-nb201-cifar10"]');
    expect(card.get('[data-testid="error-notice"]').text()).toContain('CIFAR-10 was not found');
    expect(card.get('[data-testid="error-fix"]').text()).toContain('Download the binary version');
    expect(router.currentRoute.value.fullPath).toBe('/new');
  });
});
