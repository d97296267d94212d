/**
 * The host's side of the IPC contract, independent of the transport.
 *
 * Electron's main process (electron/main/ipc) and `nas-shrink serve` (electron/server) both
 * hand raw, untrusted requests to a {@link HostApi}; it validates them against
 * shared/ipc/contract.ts and dispatches them to the services. Neither transport parses payloads
 * itself, so validation cannot differ between the desktop app and the browser.
 */
import type { NasErrorData } from '../../shared/errors';

/** Receives a subscription's events and its end (with an error when it failed). */
export interface EventSink {
  event(event: unknown): void;
  end(error?: NasErrorData): void;
}

export interface HostApi {
  /**
   * Validates `payload` against the channel's request schema, runs the handler and validates
   * its response. Rejects with a NasError (UNKNOWN_CHANNEL, INVALID_PAYLOAD, or the handler's).
   */
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /**
   * Validates the request and starts a stream of events into `sink`. Returns the function that
   * stops it. An invalid request ends the sink at once with the error.
   */
  subscribe(channel: string, payload: unknown, sink: EventSink): () => void;
}
