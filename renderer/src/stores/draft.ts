/**
 * The experiment being built in the New experiment form: the host's latest verdict on it
 * (`drafts.validate`: errors per field, space size, summary) and starting it (`drafts.start`).
 * Replies to older drafts are dropped: only the answer to the last one asked counts.
 */
import { ref } from 'vue';
import { defineStore } from 'pinia';
import type { JobSummary } from '../../../shared/model/job';
import type { DraftDefaultsByMethod, DraftValidation, ExperimentDraft } from '../../../shared/model/experimentDraft';
import { getApi, toDisplayError, type DisplayError } from '../api';
import { useJobsStore } from './jobs';

export const useDraftStore = defineStore('draft', () => {
  const validation = ref<DraftValidation | null>(null);
  /** The draft `validation` answers (as JSON), to know whether it is current. */
  const validatedFor = ref<string | null>(null);
  const validating = ref(false);
  const error = ref<DisplayError | null>(null);
  /** Each method's preset recipe in the form's fields (`drafts.defaults`); null until loaded or when the host has none. */
  const defaults = ref<DraftDefaultsByMethod | null>(null);
  let asked = 0;

  /**
   * Loads the per-method defaults once. Never throws: without them (an older host) the form
   * keeps its built-in values and the user's, which the host validates as usual.
   */
  async function loadDefaults(): Promise<void> {
    if (defaults.value) return;
    try {
      defaults.value = await getApi().invoke('drafts.defaults', {});
    } catch {
      defaults.value = null;
    }
  }

  /** Asks the host about `draft`. Never throws; see `error`. */
  async function validate(draft: ExperimentDraft): Promise<void> {
    const ticket = ++asked;
    validating.value = true;
    try {
      const answer = await getApi().invoke('drafts.validate', { draft });
      if (ticket !== asked) return;
      validation.value = answer;
      validatedFor.value = JSON.stringify(draft);
      error.value = null;
    } catch (caught) {
      if (ticket === asked) error.value = toDisplayError(caught);
    } finally {
      if (ticket === asked) validating.value = false;
    }
  }

  /** Starts `draft`; throws an ApiError (INVALID_CONFIG with the fields when it is not valid). */
  async function start(draft: ExperimentDraft): Promise<JobSummary> {
    const summary = await getApi().invoke('drafts.start', { draft });
    useJobsStore().remember(summary);
    return summary;
  }

  /** Forgets an answer (the form changed and has client-side errors). */
  function clear(): void {
    asked += 1;
    validation.value = null;
    validatedFor.value = null;
    validating.value = false;
  }

  return { validation, validatedFor, validating, error, defaults, loadDefaults, validate, start, clear };
});
