/** A WebSocket stand-in: records what the client sends; the test plays the server. */
import type { SocketLike } from '../../../renderer/src/api/wsClient';

export class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];
  closed = false;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(): void {
    this.closed = true;
  }

  /** Server side: accept the connection. */
  open(): void {
    this.onopen?.({});
  }

  /** Server side: send a message (any value; strings are sent as they are). */
  receive(message: unknown): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  /** Server side: drop the connection. */
  drop(code = 1006): void {
    this.onclose?.({ code, reason: '' });
  }
}

/** A socket factory that keeps every socket it made, and manual timers for the reconnect delay. */
export function socketHarness(): {
  sockets: FakeSocket[];
  createSocket: (url: string) => FakeSocket;
  timers: { ms: number; run: () => void }[];
  setTimer: (callback: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  last: () => FakeSocket;
} {
  const sockets: FakeSocket[] = [];
  const timers: { ms: number; run: () => void }[] = [];
  return {
    sockets,
    timers,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    setTimer: (callback, ms) => {
      const timer = { ms, run: callback };
      timers.push(timer);
      return timer;
    },
    clearTimer: (handle) => {
      const index = timers.indexOf(handle as { ms: number; run: () => void });
      if (index >= 0) timers.splice(index, 1);
    },
    last: () => {
      const socket = sockets[sockets.length - 1];
      if (!socket) throw new Error('no socket created yet');
      return socket;
    },
  };
}
