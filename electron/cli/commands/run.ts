/**
 * `nas-shrink run <preset>`: runs one experiment in a job process and follows it: a progress
 * line on a terminal, JSON lines with --json. Ctrl-C cancels cleanly (a second Ctrl-C kills).
 */
import { parseArgs } from 'node:util';
import { formatError } from '../../../shared/errors';
import type { JobSummary } from '../../../shared/model/job';
import { readExperimentRecord } from '../../engine/store/experimentStore';
import { defaultWorkspace } from '../../host/appPaths';
import { createNodeHost } from '../../host/nodeHost';
import { UsageError } from '../cliError';
import { followJob } from '../followJob';
import { START_OPTIONS, startFields } from '../jobOptions';

export const RUN_HELP = `Usage: nas-shrink run <preset | config.json> [options]

Runs an experiment in its own process and writes an experiment directory. A config file
holds a complete experiment config (start from 'nas-shrink presets --json'); every field is
validated before anything runs.

Options:
  --out DIR               experiment directory (default: ./experiments/<date>-<preset>-<id>)
  --data DIR              dataset folder (default: the bundled Fashion-MNIST sample)
  --epochs N              training epochs (default: the preset's); GM presets: the whole run, split epochs scaled
  --seed N                random seed (default: the preset's)
  --max-train-images N    use at most N training images (quick trials)
  --backend NAME          auto (default), tfjs-node-gpu, tfjs-node, wasm or cpu
  --json                  print every event as one JSON line on stdout

Exit codes: 0 finished, 1 failed, 2 usage error, 130 cancelled.`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: START_OPTIONS,
  });
  if (values.help) {
    console.log(RUN_HELP);
    return 0;
  }
  const preset = positionals[0];
  if (!preset || positionals.length > 1) throw new UsageError('run takes exactly one preset name or config file, e.g. `nas-shrink run cnn-fashion` (see `nas-shrink presets`).');
  const request = { preset, ...startFields(values) };
  const host = createNodeHost({ workspace: defaultWorkspace(), host: 'cli' });
  const job = host.supervisor.start(request);
  const json = values.json === true;
  const final = await followJob(host.supervisor, job, json);

  return reportEnd(final, json);
}

/** Prints how a followed job ended (the summary's highlights) and returns the exit code. */
export function reportEnd(final: JobSummary, json: boolean): number {
  if (json) return final.status === 'finished' ? 0 : final.status === 'cancelled' ? 130 : 1;
  if (final.status === 'finished') {
    console.error(`finished: ${final.dir}`);
    const summary = readExperimentRecord(final.dir).summary ?? {};
    const acc = summary['testAccuracy'];
    if (typeof acc === 'number') console.error(`test accuracy: ${(acc * 100).toFixed(2)}%`);
    const best = summary['best'];
    if (typeof best === 'string') {
      const val = summary['bestValAccuracy'];
      const test = summary['bestTestAccuracy'];
      const downstream = summary['downstream'];
      const searched = typeof downstream === 'string' ? `, searched on a fresh ${downstream} supernet` : '';
      console.error(`best architecture: ${best}${typeof val === 'number' ? ` (validation accuracy ${(val * 100).toFixed(2)}%${searched})` : ''}`);
      if (typeof test === 'number') console.error(`stand-alone test accuracy of the best: ${(test * 100).toFixed(2)}%`);
      if (Array.isArray(summary['dropped'])) console.error(`dropped ${summary['dropped'].length} operators; ${String(summary['finalSize'])} architectures left (details: nas-shrink show ${final.dir})`);
      if (typeof summary['leaves'] === 'number') console.error(`${summary['leaves']} leaf sub-supernet(s), ${String(summary['nodeEpochs'])} supernet node-epochs; picked by ${String(summary['pickedBy'])} (details: nas-shrink show ${final.dir})`);
    }
    const speed = summary['imagesPerSec'];
    if (typeof speed === 'number') console.error(`training speed: ${speed.toFixed(0)} img/s on ${String(summary['backend'] ?? '?')}`);
    return 0;
  }
  if (final.status === 'cancelled') {
    console.error(`cancelled: what was recorded is kept in ${final.dir}`);
    return 130;
  }
  console.error(`nas-shrink: ${final.error ? formatError(final.error) : 'the job failed.'}`);
  return 1;
}
