/**
 * The WebSocket transport for `nas-shrink serve`: the NasApi contract over the framing of
 * shared/ipc/wire.ts.
 *
 * - Every request gets an id; an invoke's promise settles with the matching `result`/`error`.
 * - Invokes made before the socket opens (or while reconnecting) wait in a queue. Invokes already
 *   sent when the socket drops are rejected (NOT_CONNECTED): re-sending `jobs.start` could start
 *   a second job, so the caller decides.
 * - Subscriptions outlive the socket: after a reconnect each is sent again under its id; the host
 *   replays the stream from the start, so consumers must de-duplicate (job events carry `seq`).
 * - The host refuses a bad token by failing the upgrade with 401, which a browser reports only
 *   as a close before open. So after such a close the client asks `probe` (an HTTP request that
 *   carries the same token) whether the token or the server is the problem. Without a probe, a
 *   refused connection without a token counts as unauthorized. A close with code 4401 / 1008,
 *   or an UNAUTHORIZED error that answers no request, is unauthorized too.
 */
import type {
  InvokeChannel,
  InvokeRequest,
  InvokeResponse,
  NasApi,
  SubscribeChannel,
  SubscribeEvent,
  SubscribeRequest,
} from '../../../shared/ipc/contract';
import { serverMessageSchema, type ClientMessage, type ServerMessage } from '../../../shared/ipc/wire';
import type { NasErrorData } from '../../../shared/errors';
import { ApiError } from './apiError';
import { TOKEN_FIX, type ConnectionStatus, type StatusListener } from './connectionStatus';
import { StatusNotifier } from './statusNotifier';

/** The part of the DOM WebSocket the client uses; tests pass a fake. */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** What an HTTP request with the same credentials says about the host. */
export type ProbeResult = 'ok' | 'unauthorized' | 'unreachable';

export interface WsClientOptions {
  url: string;
  /** Whether the URL carries a token; without one a refused connection is final. */
  hasToken: boolean;
  createSocket?: (url: string) => SocketLike;
  /** Tells a refused token from a server that is down (see the module comment). */
  probe?: () => Promise<ProbeResult>;
  /** An attempt still not open after this long is abandoned and retried (a hanging upgrade). */
  connectTimeoutMs?: number;
  /** First retry delay; doubles per failed attempt up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Close codes by which the host says "unauthorized" after the upgrade. */
export const UNAUTHORIZED_CLOSE_CODES: readonly number[] = [4401, 1008];

interface PendingInvoke {
  message: ClientMessage;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Subscription {
  message: ClientMessage;
  onEvent: (event: unknown) => void;
  onEnd: ((error?: NasErrorData) => void) | undefined;
}

export class WsClient implements NasApi {
  private readonly options: Required<Omit<WsClientOptions, 'createSocket' | 'probe'>> & Pick<WsClientOptions, 'createSocket' | 'probe'>;
  private readonly notifier = new StatusNotifier({ transport: 'websocket', state: 'connecting', attempt: 0, retryInMs: null, message: '' });
  private socket: SocketLike | null = null;
  private isOpen = false;
  private nextId = 1;
  private retryTimer: unknown = null;
  private connectTimer: unknown = null;
  private disposed = false;
  /** Invokes not yet sent, in order. */
  private readonly queued: PendingInvoke[] = [];
  /** Invokes sent on the current socket, by id. */
  private readonly inFlight = new Map<number, PendingInvoke>();
  private readonly subscriptions = new Map<number, Subscription>();

  constructor(options: WsClientOptions) {
    this.options = {
      connectTimeoutMs: 10_000,
      initialDelayMs: 500,
      maxDelayMs: 10_000,
      setTimer: (callback, ms) => setTimeout(callback, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  get status(): ConnectionStatus {
    return this.notifier.current;
  }

  /** Calls `listener` now and on every change; returns the function that stops it. */
  onStatus(listener: StatusListener): () => void {
    return this.notifier.listen(listener);
  }

  /** Opens the socket (again). Safe to call once at startup; reconnects schedule themselves. */
  connect(): void {
    if (this.disposed || this.socket) return;
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let socket: SocketLike;
    try {
      socket = create(this.options.url);
    } catch (error) {
      this.notifier.set({
        state: 'unavailable',
        retryInMs: null,
        message: `Cannot open a connection to ${this.options.url}: ${error instanceof Error ? error.message : String(error)}`,
        fix: 'Start the desktop app, or run `nas-shrink serve` and open the URL it prints.',
      });
      this.failAll(new ApiError('NOT_CONNECTED', 'No connection to the server.'));
      return;
    }
    this.socket = socket;
    if (this.status.state !== 'reconnecting') this.notifier.set({ state: 'connecting', retryInMs: null, message: '' });
    socket.onopen = () => this.handleOpen();
    socket.onmessage = (event) => this.handleMessage(event.data);
    socket.onclose = (event) => this.handleClose(socket, event.code);
    socket.onerror = () => undefined; // a close always follows; handled there
    this.connectTimer = this.options.setTimer(() => {
      this.connectTimer = null;
      if (this.socket !== socket || this.isOpen) return;
      this.handleClose(socket, 1006);
      socket.close();
    }, this.options.connectTimeoutMs);
  }

  /** Closes the socket for good and rejects what is waiting. */
  dispose(): void {
    this.disposed = true;
    if (this.retryTimer !== null) this.options.clearTimer(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.detach();
    socket?.close(1000, 'client closed');
    this.failAll(new ApiError('NOT_CONNECTED', 'The connection was closed.'));
  }

  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    return new Promise<InvokeResponse<C>>((resolve, reject) => {
      const refusal = this.refusal();
      if (refusal) {
        reject(refusal);
        return;
      }
      const pending: PendingInvoke = {
        message: { kind: 'invoke', id: this.nextId++, channel, payload: request },
        resolve: (value) => resolve(value as InvokeResponse<C>),
        reject,
      };
      if (this.isOpen) this.sendInvoke(pending);
      else this.queued.push(pending);
    });
  }

  subscribe<C extends SubscribeChannel>(
    channel: C,
    request: SubscribeRequest<C>,
    onEvent: (event: SubscribeEvent<C>) => void,
    onEnd?: (error?: NasErrorData) => void,
  ): () => void {
    const id = this.nextId++;
    const subscription: Subscription = {
      message: { kind: 'subscribe', id, channel, payload: request },
      onEvent: (event) => onEvent(event as SubscribeEvent<C>),
      onEnd,
    };
    const refusal = this.refusal();
    if (refusal) {
      queueMicrotask(() => onEnd?.({ code: 'UNAUTHORIZED', message: refusal.message, fix: refusal.fix }));
      return () => undefined;
    }
    this.subscriptions.set(id, subscription);
    if (this.isOpen) this.send(subscription.message);
    return () => {
      if (this.subscriptions.delete(id) && this.isOpen) this.send({ kind: 'unsubscribe', id });
    };
  }

  private refusal(): ApiError | null {
    const { state, message, fix } = this.status;
    if (state === 'unauthorized') return new ApiError('UNAUTHORIZED', message, fix === undefined ? {} : { fix });
    if (state === 'unavailable' || this.disposed) return new ApiError('NOT_CONNECTED', message || 'No connection to the server.');
    return null;
  }

  private handleOpen(): void {
    this.clearConnectTimer();
    this.isOpen = true;
    this.notifier.set({ state: 'open', attempt: 0, retryInMs: null, message: '', fix: undefined });
    for (const subscription of this.subscriptions.values()) this.send(subscription.message);
    for (const pending of this.queued.splice(0)) this.sendInvoke(pending);
  }

  private handleMessage(data: unknown): void {
    let raw: unknown;
    try {
      raw = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      console.warn('nas-shrink: ignored a server message that is not JSON');
      return;
    }
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) {
      console.warn('nas-shrink: ignored a server message that does not match the wire schema', parsed.error.issues);
      return;
    }
    this.route(parsed.data);
  }

  private route(message: ServerMessage): void {
    switch (message.kind) {
      case 'result': {
        const pending = this.inFlight.get(message.id);
        this.inFlight.delete(message.id);
        pending?.resolve(message.value);
        return;
      }
      case 'error': {
        const pending = this.inFlight.get(message.id);
        if (pending) {
          this.inFlight.delete(message.id);
          pending.reject(ApiError.fromData(message.error));
        } else if (this.subscriptions.has(message.id)) {
          this.endSubscription(message.id, message.error);
        } else if (message.error.code === 'UNAUTHORIZED') {
          this.becomeUnauthorized(message.error.message);
        }
        return;
      }
      case 'event':
        this.subscriptions.get(message.id)?.onEvent(message.event);
        return;
      case 'end':
        this.endSubscription(message.id, message.error);
        return;
    }
  }

  private handleClose(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    const wasOpen = this.isOpen;
    this.detach();
    const lost = new ApiError('NOT_CONNECTED', 'The connection to the server was lost before it replied.', {
      fix: 'Check that `nas-shrink serve` is still running, then refresh: the request may or may not have taken effect.',
    });
    for (const pending of this.inFlight.values()) pending.reject(lost);
    this.inFlight.clear();
    if (this.disposed) return;
    if (UNAUTHORIZED_CLOSE_CODES.includes(code)) this.becomeUnauthorized(this.refusedMessage());
    else if (!wasOpen && this.options.probe) {
      this.scheduleReconnect(wasOpen);
      void this.diagnose(this.options.probe);
    } else if (!wasOpen && !this.options.hasToken) this.becomeUnauthorized(this.refusedMessage());
    else this.scheduleReconnect(wasOpen);
  }

  /** After a failed attempt: stop for a refused token, say so when the server is unreachable. */
  private async diagnose(probe: () => Promise<ProbeResult>): Promise<void> {
    const result = await probe().catch((): ProbeResult => 'unreachable');
    if (this.status.state !== 'reconnecting') return;
    if (result === 'unauthorized') {
      if (this.retryTimer !== null) this.options.clearTimer(this.retryTimer);
      this.retryTimer = null;
      this.becomeUnauthorized(this.refusedMessage());
    } else if (result === 'unreachable') {
      this.notifier.set({
        message: 'Cannot reach the server.',
        fix: 'Retrying automatically. Check that `nas-shrink serve` is still running on this address.',
      });
    }
  }

  private refusedMessage(): string {
    return this.options.hasToken
      ? 'The server refused the access token (a new one is made each time `nas-shrink serve` starts).'
      : 'No access token: this page was not opened from the URL printed by `nas-shrink serve`.';
  }

  private scheduleReconnect(wasOpen: boolean): void {
    const attempt = wasOpen ? 1 : this.status.attempt + 1;
    const delay = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** (attempt - 1));
    const neverConnected = !wasOpen && this.status.state === 'connecting';
    this.notifier.set({
      state: 'reconnecting',
      attempt,
      retryInMs: delay,
      message: neverConnected || attempt > 1 ? 'No answer from the server.' : 'The connection to the server was lost.',
      fix: 'Retrying automatically. Check that `nas-shrink serve` is running. If its token changed, open the URL it printed (it ends in ?token=…).',
    });
    this.retryTimer = this.options.setTimer(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private becomeUnauthorized(message: string): void {
    const socket = this.socket;
    this.detach();
    socket?.close(1000, 'unauthorized');
    this.notifier.set({ state: 'unauthorized', retryInMs: null, message, fix: TOKEN_FIX });
    this.failAll(new ApiError('UNAUTHORIZED', message, { fix: TOKEN_FIX }));
  }

  /** Rejects every waiting invoke and ends every subscription with `error`. */
  private failAll(error: ApiError): void {
    const data: NasErrorData = { code: error.code === 'NOT_CONNECTED' ? 'INTERNAL' : error.code, message: error.message };
    if (error.fix !== undefined) data.fix = error.fix;
    for (const pending of [...this.queued.splice(0), ...this.inFlight.values()]) pending.reject(error);
    this.inFlight.clear();
    for (const id of [...this.subscriptions.keys()]) this.endSubscription(id, data);
  }

  private endSubscription(id: number, error: NasErrorData | undefined): void {
    const subscription = this.subscriptions.get(id);
    if (!subscription) return;
    this.subscriptions.delete(id);
    subscription.onEnd?.(error);
  }

  private sendInvoke(pending: PendingInvoke): void {
    this.inFlight.set(pending.message.id, pending);
    this.send(pending.message);
  }

  private send(message: ClientMessage): void {
    this.socket?.send(JSON.stringify(message));
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) this.options.clearTimer(this.connectTimer);
    this.connectTimer = null;
  }

  private detach(): void {
    this.clearConnectTimer();
    if (this.socket) {
      this.socket.onopen = this.socket.onmessage = this.socket.onclose = this.socket.onerror = null;
    }
    this.socket = null;
    this.isOpen = false;
  }
}
