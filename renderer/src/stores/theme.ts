/**
 * Light or dark. Defaults to the system's preference (and follows it while the user has not
 * chosen); a choice made with the header toggle is kept in localStorage. The mode is applied as
 * `data-theme` on <html>, which the CSS variables in styles/theme.css key on.
 */
import { ref, watch } from 'vue';
import { defineStore } from 'pinia';

export type ThemeMode = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'nas-shrink.theme';

export const useThemeStore = defineStore('theme', () => {
  const stored = readStored();
  const systemQuery = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  /** The mode in effect. */
  const mode = ref<ThemeMode>(stored ?? (systemQuery?.matches ? 'dark' : 'light'));
  /** Whether the user picked the mode (then the system preference no longer applies). */
  const chosen = ref(stored !== null);

  systemQuery?.addEventListener?.('change', (event) => {
    if (!chosen.value) mode.value = event.matches ? 'dark' : 'light';
  });

  watch(mode, (value) => document.documentElement.setAttribute('data-theme', value), { immediate: true });

  /** Switches between light and dark and remembers the choice. */
  function toggle(): void {
    setMode(mode.value === 'dark' ? 'light' : 'dark');
  }

  function setMode(value: ThemeMode): void {
    mode.value = value;
    chosen.value = true;
    try {
      localStorage.setItem(THEME_STORAGE_KEY, value);
    } catch {
      // storage unavailable: the choice lasts for this page only
    }
  }

  return { mode, chosen, toggle, setMode };
});

function readStored(): ThemeMode | null {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}
