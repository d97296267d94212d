/**
 * The ground-truth table the experiments browser ranks runs against (`truth.read`): one at a
 * time, from a ground-truth experiment of the workspace or a CSV path on the host.
 */
import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import type { TruthSource, TruthTable } from '../../../shared/model/truth';
import { getApi, toDisplayError, type DisplayError } from '../api';

export const useTruthStore = defineStore('truth', () => {
  /** Not deep-reactive: NAS-Bench-201's table has 15,625 rows. */
  const table = shallowRef<TruthTable | null>(null);
  const loading = ref(false);
  const error = ref<DisplayError | null>(null);
  let asked = 0;

  /** Architecture -> accuracy of the loaded table. */
  const byArchitecture = computed(() => new Map((table.value?.rows ?? []).map((r) => [r.architecture, r.accuracy])));

  /** Loads the table of `source`, replacing the current one. Never throws; see `error`. */
  async function load(source: TruthSource): Promise<void> {
    const ticket = ++asked;
    loading.value = true;
    error.value = null;
    try {
      const answer = await getApi().invoke('truth.read', { source });
      if (ticket === asked) table.value = answer;
    } catch (caught) {
      if (ticket === asked) {
        error.value = toDisplayError(caught);
        table.value = null;
      }
    } finally {
      if (ticket === asked) loading.value = false;
    }
  }

  function clear(): void {
    asked += 1;
    table.value = null;
    error.value = null;
    loading.value = false;
  }

  return { table, loading, error, byArchitecture, load, clear };
});
