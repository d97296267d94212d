import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import NewExperimentView from '../../../renderer/src/views/NewExperimentView.vue';
import { setApi } from '../../../renderer/src/api';
import type { DraftValidation, ExperimentDraft } from '../../../shared/model/experimentDraft';
import { FakeApi } from '../helpers/fakeApi';
import { jobSummary, PRESETS } from '../fixtures/jobs';

const OPTIONS = { spaces: ['nb201'], metrics: ['angle', 'angle-cells'] };

/** What the host answers: the dataset path /bad is refused, a target of 20000 too, GM-NAS with fewer than 3 epochs too; otherwise valid. */
function hostAnswer({ draft }: { draft: ExperimentDraft }): DraftValidation {
  const errors: DraftValidation['errors'] = [];
  if (draft.dataset.source === 'path' && draft.dataset.path === '/bad') errors.push({ field: 'dataset', message: 'The dataset folder /bad does not exist or cannot be read.' });
  if (draft.method === 'gm' && draft.epochs < 3) errors.push({ field: 'epochs', message: `${draft.epochs} epochs are too few for the 2 split(s) of nb201-gm-rsps. Use at least 3 epochs.` });
  if (draft.targetSize >= 15625) errors.push({ field: 'targetSize', message: 'must be smaller than the space (15,625 architectures), or nothing is shrunk.' });
  return {
    valid: errors.length === 0,
    errors,
    spaceSize: 15625,
    spaceShape: { choices: 6, ops: 30 },
    dataset: draft.dataset.source === 'bundled' ? 'the bundled Fashion-MNIST sample: 28x28x1 images, 10 classes' : null,
    summary: errors.length ? [] : [draft.method === 'gm' ? `GM-NAS with R=${draft.gmRepeats}, ${draft.archsPerLeaf} per leaf.` : `Supernet: NB201 trained ${draft.epochs} epochs.`],
    options: OPTIONS,
  };
}

describe('the experiment builder', () => {
  let pinia: Pinia;
  let api: FakeApi;
  let router: Router;

  beforeEach(async () => {
    vi.useFakeTimers();
    pinia = createPinia();
    setActivePinia(pinia);
    api = new FakeApi().on('presets.list', () => PRESETS).on('drafts.validate', hostAnswer).on('drafts.start', () => jobSummary('job-7', 'queued'));
    setApi(api);
    router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/new', name: 'new', component: NewExperimentView },
        { path: '/experiments/:jobId?', name: 'experiments', component: { render: () => null } },
      ],
    });
    await router.push('/new');
  });

  afterEach(() => vi.useRealTimers());

  async function render() {
    const wrapper = mount(NewExperimentView, { global: { plugins: [pinia, router] } });
    await flushPromises();
    await wrapper.get('[data-testid="new-tab-build"]').trigger('click');
    await settle();
    return wrapper;
  }

  async function settle(): Promise<void> {
    await flushPromises();
    vi.advanceTimersByTime(400);
    await flushPromises();
  }

  const validations = () => api.calls.filter((call) => call.channel === 'drafts.validate');
  const fieldError = (wrapper: Awaited<ReturnType<typeof render>>, id: string) => wrapper.find(`[data-field="${id}"] [data-testid="builder-field-error"]`);

  it('asks the host about the default draft once, shows the space size, the dataset found and the summary', async () => {
    const wrapper = await render();
    expect(validations()).toHaveLength(1);
    expect((validations()[0]!.request as { draft: ExperimentDraft }).draft).toMatchObject({ method: 'abs', dataset: { source: 'bundled' }, epochs: 3, maxTrainImages: null, dropPerStep: 20, targetSize: 1000 });
    expect(wrapper.get('[data-testid="builder-space-size"]').text()).toBe('15,625 architectures in the space');
    expect(wrapper.get('[data-testid="builder-dataset-found"]').text()).toContain('bundled Fashion-MNIST sample');
    expect(wrapper.get('[data-testid="builder-summary-line"]').text()).toBe('Supernet: NB201 trained 3 epochs.');
    expect(wrapper.get('[data-testid="builder-start"]').attributes('disabled')).toBeUndefined();
  });

  it('marks a field that is not a number without asking the host, and blocks the start', async () => {
    const wrapper = await render();
    await wrapper.get('[data-testid="builder-epochs"]').setValue('three');
    await settle();
    expect(fieldError(wrapper, 'builder-epochs').text()).toBe('Enter a number.');
    expect(validations()).toHaveLength(1);
    expect(wrapper.get('[data-testid="builder-start"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="builder-epochs"]').setValue('2.5');
    await settle();
    expect(fieldError(wrapper, 'builder-epochs').text()).toBe('Enter a whole number.');
  });

  it("shows the host's message next to the field it concerns: a typed folder that cannot be read, a target too large", async () => {
    const wrapper = await render();
    await wrapper.get('[data-testid="builder-dataset-path-choice"]').setValue(true);
    await wrapper.get('[data-testid="builder-dataset-path"]').setValue('/bad');
    await wrapper.get('[data-testid="builder-targetSize"]').setValue('20000');
    await settle();
    // Only the last draft was sent (the changes came within the debounce).
    expect(validations()).toHaveLength(2);
    expect(fieldError(wrapper, 'builder-dataset').text()).toBe('The dataset folder /bad does not exist or cannot be read.');
    expect(fieldError(wrapper, 'builder-target').text()).toContain('must be smaller than the space');
    expect(wrapper.get('[data-testid="builder-invalid"]').text()).toContain('2 fields need a change');
    expect(wrapper.get('[data-testid="builder-start"]').attributes('disabled')).toBeDefined();
  });

  it('starts the checked draft and opens its live view', async () => {
    const wrapper = await render();
    await wrapper.get('[data-testid="builder-epochs"]').setValue('1');
    await wrapper.get('[data-testid="builder-maxTrainImages"]').setValue('600');
    await wrapper.get('[data-testid="builder-name"]').setValue('tiny');
    await settle();
    await wrapper.get('[data-testid="builder"]').trigger('submit');
    await flushPromises();
    const start = api.calls.find((call) => call.channel === 'drafts.start');
    expect((start?.request as { draft: ExperimentDraft }).draft).toMatchObject({ name: 'tiny', epochs: 1, maxTrainImages: 600 });
    vi.useRealTimers();
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/experiments/job-7'));
  });

  it('shows the GM fields for GM-NAS only, sends them, and puts the host\'s epochs message on the epochs field', async () => {
    const wrapper = await render();
    expect(wrapper.find('[data-testid="builder-gmRepeats"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="builder-archsPerLeaf"]').exists()).toBe(false);
    await wrapper.get('[data-testid="builder-method-gm"]').setValue(true);
    await settle();
    // ABS's shrink fields give way to R and the leaf search.
    expect(wrapper.find('[data-testid="builder-targetSize"]').exists()).toBe(false);
    expect(wrapper.get('[data-field="builder-epochs"] label').text()).toBe('Epochs (whole run)');
    await wrapper.get('[data-testid="builder-gmRepeats"]').setValue('4');
    await wrapper.get('[data-testid="builder-archsPerLeaf"]').setValue('7');
    await settle();
    expect((validations().at(-1)!.request as { draft: ExperimentDraft }).draft).toMatchObject({ method: 'gm', epochs: 3, gmRepeats: 4, archsPerLeaf: 7 });
    expect(wrapper.get('[data-testid="builder-summary-line"]').text()).toBe('GM-NAS with R=4, 7 per leaf.');

    await wrapper.get('[data-testid="builder-epochs"]').setValue('2');
    await settle();
    expect(fieldError(wrapper, 'builder-epochs').text()).toBe('2 epochs are too few for the 2 split(s) of nb201-gm-rsps. Use at least 3 epochs.');
    expect(wrapper.get('[data-testid="builder-start"]').attributes('disabled')).toBeDefined();

    // Few-shot has no R, but searches its leaves; a typo in the leaf count is caught in the form.
    await wrapper.get('[data-testid="builder-method-fewshot"]').setValue(true);
    await wrapper.get('[data-testid="builder-archsPerLeaf"]').setValue('many');
    await settle();
    expect(wrapper.find('[data-testid="builder-gmRepeats"]').exists()).toBe(false);
    expect(fieldError(wrapper, 'builder-archs').text()).toBe('Enter a number.');

    // GM+DARTS asks for R but not for a leaf search size (its leaves take argmax alpha): the
    // hidden field's typo blocks nothing and the draft carries R.
    await wrapper.get('[data-testid="builder-method-gm-darts"]').setValue(true);
    await wrapper.get('[data-testid="builder-gmRepeats"]').setValue('5');
    await settle();
    expect(wrapper.find('[data-testid="builder-archsPerLeaf"]').exists()).toBe(false);
    expect((validations().at(-1)!.request as { draft: ExperimentDraft }).draft).toMatchObject({ method: 'gm-darts', gmRepeats: 5, archsPerLeaf: 20 });
  });

  it("opens each method with its preset's values, and keeps the fields the user edited when the method changes", async () => {
    const recipe = { channels: 8, cellsPerStage: 1, batchSize: 64, learningRate: 0.025, maxTrainImages: null, metric: 'angle-cells', dropPerStep: 20, targetSize: 1000, gmRepeats: 10 };
    api.on('drafts.defaults', () => ({
      abs: { ...recipe, epochs: 3, archsPerLeaf: 20, targetSize: 500 },
      supernet: { ...recipe, epochs: 5, archsPerLeaf: 20 },
      gm: { ...recipe, epochs: 3, archsPerLeaf: 25, gmRepeats: 6 },
      'gm-darts': { ...recipe, epochs: 3, archsPerLeaf: 25, gmRepeats: 10 },
      fewshot: { ...recipe, epochs: 3, archsPerLeaf: 20 },
      oneshot: { ...recipe, epochs: 7, archsPerLeaf: 100, batchSize: 128 },
    }));
    const wrapper = await render();
    const field = (id: string) => (wrapper.get(`[data-testid="builder-${id}"]`).element as HTMLInputElement).value;
    // The host's ABS recipe replaces the built-in one before the user typed anything.
    expect(field('targetSize')).toBe('500');
    await wrapper.get('[data-testid="builder-method-oneshot"]').setValue(true);
    await settle();
    expect([field('epochs'), field('archsPerLeaf'), field('batchSize')]).toEqual(['7', '100', '128']);
    // The user's own choices survive a change of method; the others follow the method.
    await wrapper.get('[data-testid="builder-batchSize"]').setValue('32');
    await wrapper.get('[data-testid="builder-seed"]').setValue('9');
    await wrapper.get('[data-testid="builder-method-gm"]').setValue(true);
    await settle();
    expect([field('epochs'), field('archsPerLeaf'), field('gmRepeats'), field('batchSize'), field('seed')]).toEqual(['3', '25', '6', '32', '9']);
    await wrapper.get('[data-testid="builder-epochs"]').setValue('4');
    await wrapper.get('[data-testid="builder-method-abs"]').setValue(true);
    await settle();
    expect([field('epochs'), field('targetSize'), field('batchSize')]).toEqual(['4', '500', '32']);
    expect((validations().at(-1)!.request as { draft: ExperimentDraft }).draft).toMatchObject({ method: 'abs', epochs: 4, targetSize: 500, batchSize: 32, seed: 9 });
  });
});
