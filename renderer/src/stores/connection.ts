/** The link to the host as the banner shows it: transport and connection state. */
import { ref } from 'vue';
import { defineStore } from 'pinia';
import type { ConnectionStatus } from '../api';
import type { ApiHandle } from '../api/selectApi';

export const useConnectionStore = defineStore('connection', () => {
  /** The latest status; `open` until a transport is attached. */
  const status = ref<ConnectionStatus>({ transport: 'websocket', state: 'open', attempt: 0, retryInMs: null, message: '' });
  let detach: (() => void) | null = null;

  /** Follows `handle`'s status from now on (replacing any earlier handle). */
  function attach(handle: Pick<ApiHandle, 'onStatus'>): void {
    detach?.();
    detach = handle.onStatus((next) => {
      status.value = next;
    });
  }

  return { status, attach };
});
