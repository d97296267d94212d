/** The built-in presets (`presets.list`) offered on the New experiment page. */
import { defineStore } from 'pinia';
import type { PresetSummary } from '../../../shared/model/job';
import { getApi } from '../api';
import { useLoadable } from '../composables/useLoadable';

export const usePresetsStore = defineStore('presets', () => {
  const { data: presets, loading, error, load } = useLoadable<PresetSummary[]>(() => getApi().invoke('presets.list', {}));
  return { presets, loading, error, load };
});
