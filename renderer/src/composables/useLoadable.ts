/**
 * The state of one request the UI waits for: its data, whether it is under way, and the error
 * to show. Setup stores use it for their `load` actions so each reads in a few lines.
 */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { toDisplayError, type DisplayError } from '../api';

export interface Loadable<T> {
  /** The last data loaded; null before the first success. */
  data: ShallowRef<T | null>;
  loading: Ref<boolean>;
  error: Ref<DisplayError | null>;
  /** Runs the request (again); concurrent calls share one request. Never throws. */
  load(): Promise<void>;
}

export function useLoadable<T>(request: () => Promise<T>): Loadable<T> {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = ref<DisplayError | null>(null);
  let running: Promise<void> | null = null;

  function load(): Promise<void> {
    running ??= (async () => {
      loading.value = true;
      try {
        data.value = await request();
        error.value = null;
      } catch (caught) {
        error.value = toDisplayError(caught);
      } finally {
        loading.value = false;
        running = null;
      }
    })();
    return running;
  }

  return { data, loading, error, load };
}
