/**
 * The preload: exposes exactly one object, `window.nasBridge` (invoke, subscribe). No
 * ipcRenderer, no Node: the renderer can reach only the channels declared in shared/ipc, and
 * main validates every payload again.
 *
 * `invoke` resolves to an envelope `{ ok, value | error }` instead of throwing, because
 * contextBridge drops every property of a thrown Error but its message, and the UI needs the
 * error's code and fix. renderer/src/api turns the envelope back into a NasApi.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { ELECTRON_IPC, INVOKE_CHANNEL_NAMES, SUBSCRIBE_CHANNEL_NAMES } from '../../shared/ipc/channelNames';

type ErrorData = { code: string; message: string; fix?: string; details?: unknown };
type InvokeReply = { ok: true; value: unknown } | { ok: false; error: ErrorData };

const invokeNames: readonly string[] = INVOKE_CHANNEL_NAMES;
const subscribeNames: readonly string[] = SUBSCRIBE_CHANNEL_NAMES;
let nextSubscriptionId = 1;

const api = {
  async invoke(channel: string, request: unknown): Promise<InvokeReply> {
    if (!invokeNames.includes(channel)) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel '${channel}'.` } };
    return (await ipcRenderer.invoke(ELECTRON_IPC.invoke, channel, request)) as InvokeReply;
  },

  subscribe(channel: string, request: unknown, onEvent: (event: unknown) => void, onEnd?: (error?: ErrorData) => void): () => void {
    if (!subscribeNames.includes(channel)) {
      onEnd?.({ code: 'UNKNOWN_CHANNEL', message: `Unknown subscription channel '${channel}'.` });
      return () => undefined;
    }
    const id = nextSubscriptionId++;
    const onEventMessage = (_e: IpcRendererEvent, subId: number, event: unknown): void => {
      if (subId === id) onEvent(event);
    };
    const onEndMessage = (_e: IpcRendererEvent, subId: number, error?: ErrorData): void => {
      if (subId !== id) return;
      cleanup();
      onEnd?.(error);
    };
    const cleanup = (): void => {
      ipcRenderer.off(ELECTRON_IPC.event, onEventMessage);
      ipcRenderer.off(ELECTRON_IPC.end, onEndMessage);
    };
    ipcRenderer.on(ELECTRON_IPC.event, onEventMessage);
    ipcRenderer.on(ELECTRON_IPC.end, onEndMessage);
    ipcRenderer.send(ELECTRON_IPC.subscribe, id, channel, request);
    return () => {
      cleanup();
      ipcRenderer.send(ELECTRON_IPC.unsubscribe, id);
    };
  },
};

contextBridge.exposeInMainWorld('nasBridge', api);
