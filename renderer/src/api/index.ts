/**
 * The renderer's one handle on the host. main.ts installs the transport chosen by selectApi();
 * stores call getApi(); tests install a fake with setApi().
 */
import type { NasApi } from '../../../shared/ipc/contract';

let current: NasApi | null = null;

export function setApi(api: NasApi | null): void {
  current = api;
}

/** The installed API; throws if main.ts (or the test) has not installed one. */
export function getApi(): NasApi {
  if (!current) throw new Error('No NasApi installed: call setApi() before using the stores.');
  return current;
}

export { ApiError, toDisplayError, type DisplayError } from './apiError';
export type { ConnectionStatus, ConnectionState, TransportKind } from './connectionStatus';
