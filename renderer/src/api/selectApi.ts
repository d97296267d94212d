/**
 * Chooses the transport once, at startup: Electron's preload (`window.nasBridge`, or a
 * `window.nas` that already has the NasApi shape) when present,
 * otherwise a WebSocket to the `serve` host that served this page. The rest of the renderer
 * cannot tell which one it got.
 */
import type { NasApi } from '../../../shared/ipc/contract';
import type { ConnectionStatus, StatusListener, TransportKind } from './connectionStatus';
import { resolveToken } from './token';
import { withContractValidation } from './validatedApi';
import { fromElectronBridge } from './electronBridge';
import { WsClient, type ProbeResult, type WsClientOptions } from './wsClient';

export interface ApiHandle {
  api: NasApi;
  transport: TransportKind;
  /** Calls `listener` with the connection status now and on every change. */
  onStatus(listener: StatusListener): () => void;
}

const ELECTRON_STATUS: ConnectionStatus = { transport: 'electron', state: 'open', attempt: 0, retryInMs: null, message: '' };

/** The WebSocket endpoint of the host serving `location` (`ws:` for http, `wss:` for https). */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  return `${protocol}//${location.host}/api/ws${query}`;
}

/**
 * Asks `serve`'s health endpoint, with the same token, whether a failed WebSocket was refused
 * (401) or the server is down (network error).
 */
export function healthProbe(location: Pick<Location, 'origin'>, token: string | null, fetcher: typeof fetch): () => Promise<ProbeResult> {
  const url = `${location.origin}/api/health${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
  return async () => {
    try {
      const response = await fetcher(url, { cache: 'no-store', credentials: 'same-origin' });
      return response.status === 401 || response.status === 403 ? 'unauthorized' : 'ok';
    } catch {
      return 'unreachable';
    }
  };
}

/** Picks and starts the transport for this window. `socketOptions` is for tests. */
export function selectApi(win: Window = window, socketOptions: Partial<WsClientOptions> = {}): ApiHandle {
  const electron = win.nas ?? (win.nasBridge ? fromElectronBridge(win.nasBridge) : null);
  if (electron) {
    return { api: withContractValidation(electron), transport: 'electron', onStatus: (listener) => (listener(ELECTRON_STATUS), () => undefined) };
  }
  const token = resolveToken(win.location, storageOf(win), win.history);
  const options: WsClientOptions = {
    url: socketUrl(win.location, token),
    hasToken: token !== null,
    probe: healthProbe(win.location, token, (input, init) => win.fetch(input, init)),
    ...socketOptions,
  };
  if (win.location.protocol !== 'http:' && win.location.protocol !== 'https:') {
    options.createSocket = () => {
      throw new Error(`this page was opened from ${win.location.protocol} without the desktop app's bridge`);
    };
  }
  const client = new WsClient(options);
  client.connect();
  return { api: withContractValidation(client), transport: 'websocket', onStatus: (listener) => client.onStatus(listener) };
}

function storageOf(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    return null;
  }
}
