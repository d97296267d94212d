/**
 * Carries the IPC contract over one WebSocket connection: client messages are parsed with the
 * wire schemas and handed to the HostApi, which validates the payloads themselves.
 */
import type { WebSocket } from 'ws';
import { toErrorData } from '../../shared/errors';
import { clientMessageSchema } from '../../shared/ipc/wire';
import type { ServerMessage } from '../../shared/ipc/wire';
import type { HostApi } from '../host/hostApi';

/** Largest message a client may send (the contract's requests are small). */
export const MAX_CLIENT_MESSAGE_BYTES = 256 * 1024;

export function bridgeSocket(socket: WebSocket, api: HostApi): void {
  const subscriptions = new Map<number, () => void>();
  const send = (message: ServerMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      send({ kind: 'error', id: -1, error: { code: 'INVALID_PAYLOAD', message: 'Binary messages are not part of the protocol.' } });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      send({ kind: 'error', id: -1, error: { code: 'INVALID_PAYLOAD', message: 'The message is not valid JSON.' } });
      return;
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
      send({ kind: 'error', id, error: { code: 'INVALID_PAYLOAD', message: `Malformed message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` } });
      return;
    }
    const message = parsed.data;
    if (message.kind === 'invoke') {
      api.invoke(message.channel, message.payload).then(
        (value) => send({ kind: 'result', id: message.id, value }),
        (error: unknown) => send({ kind: 'error', id: message.id, error: toErrorData(error) }),
      );
    } else if (message.kind === 'subscribe') {
      subscriptions.get(message.id)?.();
      const stop = api.subscribe(message.channel, message.payload, {
        event: (event) => send({ kind: 'event', id: message.id, event }),
        end: (error) => {
          subscriptions.delete(message.id);
          send(error ? { kind: 'end', id: message.id, error } : { kind: 'end', id: message.id });
        },
      });
      subscriptions.set(message.id, stop);
    } else {
      subscriptions.get(message.id)?.();
      subscriptions.delete(message.id);
    }
  });

  socket.on('close', () => {
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
  });
}
