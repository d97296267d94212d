/**
 * Job processes in the app: Electron's utilityProcess (a Node process Electron manages, with
 * a message port to main). Matches the JobProcess interface of child_process.fork.
 */
import { utilityProcess } from 'electron';
import * as fs from 'node:fs';
import type { JobLauncher } from '../host/jobProcess';

export const utilityLauncher: JobLauncher = (entry, logFile, env) => {
  const child = utilityProcess.fork(entry, [], { stdio: 'pipe', env, serviceName: 'NAS Shrink Studio job' });
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
  child.on('exit', (code) => {
    log.end();
    for (const l of exitListeners) l(code, null);
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => exitListeners.push(listener),
    kill: () => {
      child.kill();
    },
  };
};
