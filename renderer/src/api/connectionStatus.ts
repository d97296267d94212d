/** The state of the link to the host, as the connection banner shows it. */

export type TransportKind = 'electron' | 'websocket';

/**
 * - `connecting`: first attempt under way; requests wait in a queue.
 * - `open`: connected; requests go out at once.
 * - `reconnecting`: the socket closed; the next attempt is scheduled (`retryInMs`).
 * - `unauthorized`: the host refused the token (or there is none); no more attempts.
 * - `unavailable`: no transport can work here (no `window.nas` and no http(s) origin).
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized' | 'unavailable';

export interface ConnectionStatus {
  transport: TransportKind;
  state: ConnectionState;
  /** Consecutive failed attempts since the last successful connection. */
  attempt: number;
  /** Delay before the next attempt, when one is scheduled. */
  retryInMs: number | null;
  /** One sentence for the user; empty when all is well. */
  message: string;
  /** What the user can do about it. */
  fix?: string;
}

export type StatusListener = (status: ConnectionStatus) => void;

/** The fix shown whenever the token is missing or refused. */
export const TOKEN_FIX = 'Open the URL printed by `nas-shrink serve` (it ends in ?token=…).';
