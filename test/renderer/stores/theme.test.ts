import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { THEME_STORAGE_KEY, useThemeStore } from '../../../renderer/src/stores/theme';

describe('useThemeStore', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });

  afterEach(() => {
    document.documentElement.removeAttribute('data-theme');
  });

  it('starts from the stored choice and applies it to <html>', () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    const store = useThemeStore();
    expect(store.mode).toBe('dark');
    expect(store.chosen).toBe(true);
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
  });

  it('toggles, persists the choice and updates <html>', async () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'light');
    const store = useThemeStore();
    store.toggle();
    await nextTick();
    expect(store.mode).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
  });

  it('follows the system preference when nothing is stored', () => {
    const store = useThemeStore();
    const systemDark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    expect(store.mode).toBe(systemDark ? 'dark' : 'light');
    expect(store.chosen).toBe(false);
  });
});
