/**
 * The job process's line to its host: Electron's `process.parentPort` when the job runs as a
 * utilityProcess, Node's IPC channel (`process.send`) when it was started by child_process.fork.
 */
import type { FromJobMessage } from './protocol';

export interface ParentChannel {
  send(message: FromJobMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectToParent(): ParentChannel {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (typeof process.send === 'function') {
    return {
      send: (message) => {
        process.send?.(message);
      },
      onMessage: (listener) => process.on('message', listener),
    };
  }
  throw new Error('This file is a job process entry: start it through the job supervisor (nas-shrink run), not directly.');
}
