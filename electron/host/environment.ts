/**
 * The environment report shown by `nas-shrink doctor` and the Environment page.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NasError } from '../../shared/errors';
import type { BackendReport, Environment } from '../../shared/model/environment';
import { fromJobMessageSchema } from '../job/protocol';
import type { JobLauncher } from './jobProcess';
import { appRoot } from './appPaths';

/** Runs the probe entry in its own process and returns its backend report. */
export function probeBackend(launcher: JobLauncher, entry: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<BackendReport> {
  const logFile = path.join(os.tmpdir(), `nas-shrink-probe-${process.pid}.log`);
  return new Promise((resolve, reject) => {
    const child = launcher(entry, logFile, env);
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill();
      settle(() => reject(new NasError('BACKEND_UNAVAILABLE', `The backend probe did not answer within ${timeoutMs / 1000} s.`, { fix: `See ${logFile}.` })));
    }, timeoutMs);
    child.onMessage((raw) => {
      const parsed = fromJobMessageSchema.safeParse(raw);
      if (!parsed.success || parsed.data.type !== 'backend') return;
      const { report, error } = parsed.data;
      settle(() => (report ? resolve(report) : reject(NasError.fromData(error ?? { code: 'BACKEND_UNAVAILABLE', message: 'The backend probe failed.' }))));
    });
    child.onExit((code, signal) => {
      settle(() => reject(new NasError('BACKEND_UNAVAILABLE', `The backend probe exited (${signal ?? `code ${code}`}) without an answer.`, { fix: `See ${logFile}.` })));
    });
  });
}

function packageVersion(name: string): string | undefined {
  try {
    const file = require.resolve(`${name}/package.json`, { paths: [appRoot()] });
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The full report: app, host, versions, machine, and the backend a job would use. */
export function describeEnvironment(host: Environment['host'], backend: BackendReport): Environment {
  const app = JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { name: string; version: string; productName?: string };
  const versions: Record<string, string> = { node: process.versions.node, v8: process.versions.v8 };
  if (process.versions['electron']) versions['electron'] = process.versions['electron'];
  if (process.versions['chrome']) versions['chrome'] = process.versions['chrome'];
  for (const pkg of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
    const v = packageVersion(pkg);
    if (v) versions[pkg.replace('@tensorflow/', '')] = v;
  }
  return {
    app: { name: app.productName ?? app.name, version: app.version },
    host,
    versions,
    platform: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpus: os.cpus().length,
    memoryMB: Math.round(os.totalmem() / (1024 * 1024)),
    backend,
  };
}
