import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import AppHeader from '../../../renderer/src/components/AppHeader.vue';

const blank = { render: () => null };

async function headerAt(path: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/experiments/:jobId?', name: 'experiments', component: blank },
      { path: '/experiment/:experimentId', name: 'experiment', component: blank },
      { path: '/new', name: 'new', component: blank },
      { path: '/compare', name: 'compare', component: blank },
      { path: '/environment', name: 'environment', component: blank },
    ],
  });
  await router.push(path);
  return mount(AppHeader, { global: { plugins: [router, createPinia()] } });
}

function current(wrapper: Awaited<ReturnType<typeof headerAt>>): string[] {
  return wrapper.findAll('.nav-link').filter((link) => link.classes('current')).map((link) => link.attributes('data-testid')!);
}

describe('AppHeader: which section is current', () => {
  it.each([
    ['/experiments', 'nav-experiments'],
    ['/experiments/job-3', 'nav-experiments'],
    // An experiment opened read-only is on the Experiments page, though its path differs.
    ['/experiment/run-7', 'nav-experiments'],
    ['/new', 'nav-new'],
    ['/compare', 'nav-compare'],
    ['/environment', 'nav-environment'],
  ])('at %s: %s only, marked for assistive technology too', async (path, testid) => {
    const wrapper = await headerAt(path);
    expect(current(wrapper)).toEqual([testid]);
    expect(wrapper.findAll('.nav-link[aria-current="page"]').map((link) => link.attributes('data-testid'))).toEqual([testid]);
  });
});
