/** The host's environment (`env.get`): backend, devices, versions. */
import { computed } from 'vue';
import { defineStore } from 'pinia';
import type { Environment } from '../../../shared/model/environment';
import { getApi } from '../api';
import { useLoadable } from '../composables/useLoadable';

export const useEnvironmentStore = defineStore('environment', () => {
  const { data: environment, loading, error, load } = useLoadable<Environment>(() => getApi().invoke('env.get', {}));

  /** Backends that were tried and not taken, with their reasons (GPU first, as attempted). */
  const skipped = computed(() => environment.value?.backend.attempts.filter((attempt) => !attempt.ok) ?? []);

  /**
   * Why the GPU backend was not used, when it was not: the reason recorded for tfjs-node-gpu,
   * or null when the GPU is in use or it was never attempted.
   */
  const gpuSkipReason = computed(() => {
    const backend = environment.value?.backend;
    if (!backend || backend.gpu) return null;
    return backend.attempts.find((attempt) => attempt.name === 'tfjs-node-gpu' && !attempt.ok)?.reason ?? null;
  });

  /** Loads once; later calls reuse the data unless `force`. */
  async function ensureLoaded(force = false): Promise<void> {
    if (force || (!environment.value && !loading.value)) await load();
  }

  return { environment, loading, error, skipped, gpuSkipReason, load, ensureLoaded };
});
