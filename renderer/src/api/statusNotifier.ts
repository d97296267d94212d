/** Holds the current ConnectionStatus and tells listeners when it changes. */
import type { ConnectionStatus, StatusListener } from './connectionStatus';

export class StatusNotifier {
  private status: ConnectionStatus;
  private readonly listeners = new Set<StatusListener>();

  constructor(initial: ConnectionStatus) {
    this.status = initial;
  }

  get current(): ConnectionStatus {
    return this.status;
  }

  /** Merges `change` into the status (a `fix: undefined` removes the fix) and notifies. */
  set(change: Partial<ConnectionStatus>): void {
    const next: ConnectionStatus = { ...this.status, ...change };
    if (next.fix === undefined) delete next.fix;
    this.status = next;
    for (const listener of [...this.listeners]) listener(next);
  }

  /** Calls `listener` with the current status now and on every change; returns the remover. */
  listen(listener: StatusListener): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }
}
