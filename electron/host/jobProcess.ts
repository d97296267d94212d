/**
 * A running job process, whatever started it. The supervisor sees only this interface, so the
 * same supervision (streaming, cancel, crash reports) runs over Electron's utilityProcess in the
 * app and over child_process.fork under the CLI and `serve`.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import type { ToJobMessage } from '../job/protocol';

export interface JobProcess {
  readonly pid: number | undefined;
  send(message: ToJobMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** `code` is null when the process was killed by a signal. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

/** Starts the job entry script; its stdout and stderr go to `logFile`. */
export type JobLauncher = (entry: string, logFile: string, env: NodeJS.ProcessEnv) => JobProcess;

/** The launcher for Node hosts (CLI, serve, tests): child_process.fork. */
export const forkLauncher: JobLauncher = (entry, logFile, env) => {
  const log = fs.openSync(logFile, 'a');
  // execArgv: [] so the job does not inherit the host's Node flags (a test runner's loaders, --inspect).
  const child = fork(entry, [], { stdio: ['ignore', log, log, 'ipc'], env, serialization: 'json', execArgv: [] });
  fs.closeSync(log); // the child holds its own descriptor
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code, signal) => listener(code, signal)),
    kill: () => {
      child.kill('SIGKILL');
    },
  };
};
