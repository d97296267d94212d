/**
 * Connects Electron's IPC to the HostApi. Every message is checked for its sender (our own
 * renderer, top frame) before anything else, and the HostApi parses every payload.
 */
import { ipcMain } from 'electron';
import type { IpcMainEvent, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { toErrorData } from '../../shared/errors';
import { ELECTRON_IPC } from '../../shared/ipc/channelNames';
import type { HostApi } from '../host/hostApi';
import { isTrustedRendererUrl } from './security';

function trusted(frame: WebFrameMain | null): boolean {
  return frame !== null && frame.parent === null && isTrustedRendererUrl(frame.url);
}

const forbidden = { ok: false as const, error: { code: 'FORBIDDEN_SENDER' as const, message: 'IPC from an untrusted frame was refused.' } };

export function registerIpc(api: HostApi): void {
  const subscriptions = new Map<WebContents, Map<number, () => void>>();

  ipcMain.handle(ELECTRON_IPC.invoke, async (event: IpcMainInvokeEvent, channel: unknown, payload: unknown) => {
    if (!trusted(event.senderFrame)) return forbidden;
    try {
      return { ok: true, value: await api.invoke(String(channel), payload) };
    } catch (error) {
      return { ok: false, error: toErrorData(error) };
    }
  });

  ipcMain.on(ELECTRON_IPC.subscribe, (event: IpcMainEvent, id: unknown, channel: unknown, payload: unknown) => {
    if (typeof id !== 'number') return;
    const sender = event.sender;
    if (!trusted(event.senderFrame)) {
      sender.send(ELECTRON_IPC.end, id, forbidden.error);
      return;
    }
    let perSender = subscriptions.get(sender);
    if (!perSender) {
      const created = new Map<number, () => void>();
      subscriptions.set(sender, created);
      sender.once('destroyed', () => {
        for (const stop of created.values()) stop();
        subscriptions.delete(sender);
      });
      perSender = created;
    }
    const own = perSender;
    own.get(id)?.();
    own.set(
      id,
      api.subscribe(String(channel), payload, {
        event: (data) => {
          if (!sender.isDestroyed()) sender.send(ELECTRON_IPC.event, id, data);
        },
        end: (error) => {
          own.delete(id);
          if (!sender.isDestroyed()) sender.send(ELECTRON_IPC.end, id, error);
        },
      }),
    );
  });

  ipcMain.on(ELECTRON_IPC.unsubscribe, (event: IpcMainEvent, id: unknown) => {
    const own = subscriptions.get(event.sender);
    if (typeof id !== 'number' || !own) return;
    own.get(id)?.();
    own.delete(id);
  });
}
