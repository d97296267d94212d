/**
 * `nas-shrink doctor`: which backend a job will use, why the faster ones were skipped, and the
 * versions that matter for a bug report.
 */
import { parseArgs } from 'node:util';
import { createNodeHost } from '../../host/nodeHost';
import { defaultWorkspace } from '../../host/appPaths';

export const DOCTOR_HELP = `Usage: nas-shrink doctor [--json]

Starts a probe process that loads the tfjs backend exactly as a job would, then prints the
backend chosen, every backend tried (fastest first) with the reason it was skipped, devices
and versions.`;

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log(DOCTOR_HELP);
    return 0;
  }
  const env = await createNodeHost({ workspace: defaultWorkspace(), host: 'cli' }).environment();
  if (values.json) {
    console.log(JSON.stringify(env, null, 2));
    return 0;
  }
  const b = env.backend;
  console.log(`${env.app.name} ${env.app.version}`);
  console.log(`Backend:  ${b.chosen} (tfjs '${b.tfBackend}', ${b.gpu ? 'GPU' : 'CPU'})`);
  if (b.detail) console.log(`Path:     ${b.detail}`);
  console.log(`Devices:  ${b.devices.join(', ')}`);
  console.log('Tried, fastest first:');
  for (const a of b.attempts) console.log(`  ${a.ok ? 'ok  ' : 'skip'}  ${a.name.padEnd(14)} ${a.reason}`);
  console.log(`Machine:  ${env.platform} ${env.arch}, ${env.cpus} cores, ${(env.memoryMB / 1024).toFixed(1)} GB`);
  console.log(`Versions: ${Object.entries(env.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return 0;
}
