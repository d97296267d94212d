/** Experiment directories in the workspace (`experiments.list`), newest first. */
import { computed } from 'vue';
import { defineStore } from 'pinia';
import type { ExperimentSummary } from '../../../shared/model/job';
import { getApi } from '../api';
import { useLoadable } from '../composables/useLoadable';

export const useExperimentsStore = defineStore('experiments', () => {
  const { data, loading, error, load } = useLoadable<ExperimentSummary[]>(() => getApi().invoke('experiments.list', {}));
  /** Sorted by creation time, newest first; empty before the first load. */
  const experiments = computed(() => [...(data.value ?? [])].sort((a, b) => b.created - a.created));
  return { experiments, loaded: computed(() => data.value !== null), loading, error, load };
});
