/**
 * The host without Electron (CLI and `serve`): jobs as child_process.fork, the same HostApi.
 */
import type { Environment } from '../../shared/model/environment';
import { createHostApi } from './createHostApi';
import type { HostApi } from './hostApi';
import { describeEnvironment, probeBackend } from './environment';
import { forkLauncher } from './jobProcess';
import type { JobLauncher } from './jobProcess';
import { JobSupervisor } from './jobSupervisor';
import { jobEntry, probeEntry } from './appPaths';

export interface NodeHost {
  api: HostApi;
  supervisor: JobSupervisor;
  environment(): Promise<Environment>;
}

export function createNodeHost(options: { workspace: string; host: Environment['host']; launcher?: JobLauncher; env?: NodeJS.ProcessEnv }): NodeHost {
  const launcher = options.launcher ?? forkLauncher;
  const supervisor = new JobSupervisor({ launcher, entry: jobEntry(), workspace: options.workspace, env: options.env, versions: { node: process.versions.node } });
  let cached: Promise<Environment> | null = null;
  const environment = (): Promise<Environment> => {
    if (!cached) {
      cached = probeBackend(launcher, probeEntry(), { ...process.env, ...options.env }).then((backend) => describeEnvironment(options.host, backend));
      cached.catch(() => (cached = null)); // a failed probe is retried on the next request
    }
    return cached;
  };
  return { api: createHostApi({ supervisor, environment }), supervisor, environment };
}
