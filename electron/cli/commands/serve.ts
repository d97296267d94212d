/**
 * `nas-shrink serve`: the UI for a browser, bound to 127.0.0.1 unless told otherwise.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultWorkspace, rendererDir } from '../../host/appPaths';
import { createNodeHost } from '../../host/nodeHost';
import { isLoopback, startServeServer } from '../../server/serveServer';
import { intOption, UsageError } from '../cliError';

export const SERVE_HELP = `Usage: nas-shrink serve [--host H] [--port P] [--workspace DIR]

Serves the NAS Shrink Studio UI to a browser and prints its URL with a random access token;
requests without the token get 401.

Options:
  --host H          address to bind (default 127.0.0.1; anything else exposes the UI to your network)
  --port P          port (default 8765; 0 picks a free port)
  --workspace DIR   folder of experiment directories (default: ./experiments)

On a remote server, keep the default host and tunnel: ssh -L 8765:127.0.0.1:8765 server`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8765' },
      workspace: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(SERVE_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments (got '${positionals.join(' ')}'); see \`nas-shrink serve --help\`.`);
  const port = intOption('port', values.port, { min: 0 }) ?? 8765;
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}.`);
  const workspace = values.workspace ? path.resolve(values.workspace) : defaultWorkspace();
  const host = createNodeHost({ workspace, host: 'serve' });
  const server = await startServeServer({ api: host.api, staticDir: rendererDir(), host: values.host, port });
  if (!isLoopback(values.host ?? '127.0.0.1')) {
    console.error(`WARNING: bound to ${values.host}, reachable from other machines. Anyone with the token can run jobs; prefer 127.0.0.1 and an SSH tunnel.`);
  }
  console.log(`NAS Shrink Studio is serving ${workspace}`);
  console.log(`Open: ${server.url}`);
  // Keep the URL on its own line for scripts: `nas-shrink serve | head -2 | tail -1`.
  const stop = async (): Promise<void> => {
    console.error('stopping: cancelling running jobs...');
    await host.supervisor.shutdown();
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return new Promise<number>(() => undefined); // runs until a signal
}
