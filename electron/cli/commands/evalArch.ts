/**
 * `nas-shrink eval <arch> [--preset NAME]`: trains one architecture stand-alone with the
 * preset's recipe (ALGORITHMS.md "Project decisions") and prints its test accuracy.
 */
import { parseArgs } from 'node:util';
import { formatError } from '../../../shared/errors';
import { parseExperimentConfig } from '../../engine/config/experimentConfig';
import { getPreset } from '../../engine/presets/presets';
import { readExperimentRecord } from '../../engine/store/experimentStore';
import { defaultWorkspace } from '../../host/appPaths';
import { createNodeHost } from '../../host/nodeHost';
import { UsageError } from '../cliError';
import { followJob } from '../followJob';
import { START_OPTIONS, startFields } from '../jobOptions';

export const EVAL_HELP = `Usage: nas-shrink eval <arch> [options]

Trains one architecture from scratch (stand-alone) and prints its test accuracy.
<arch> is the canonical string of the preset's space, e.g. for NB201:
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'

Options:
  --preset NAME          preset whose network and stand-alone recipe to use (default nb201-fashion)
  --data DIR             dataset folder (default: the preset's, i.e. the bundled sample)
  --epochs N             stand-alone epochs (default: the preset's)
  --seed N               random seed
  --max-train-images N   use at most N training images
  --out DIR              experiment directory
  --backend NAME         auto, tfjs-node-gpu, tfjs-node, wasm or cpu
  --json                 events as JSON lines`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...START_OPTIONS, preset: { type: 'string', default: 'nb201-fashion' } },
  });
  if (values.help) {
    console.log(EVAL_HELP);
    return 0;
  }
  const arch = positionals[0];
  if (!arch || positionals.length > 1) throw new UsageError('eval takes exactly one architecture string (quote it: it contains | characters); see `nas-shrink eval --help`.');
  const base = getPreset(values.preset ?? 'nb201-fashion');
  if (!base.standalone) throw new UsageError(`Preset ${base.name} has no stand-alone recipe; use --preset nb201-fashion.`);
  const config = parseExperimentConfig({ ...base, name: `${base.name}-eval`, method: 'standalone', architecture: arch }, `eval --preset ${base.name}`);
  const host = createNodeHost({ workspace: defaultWorkspace(), host: 'cli' });
  const job = host.supervisor.start({
    preset: config.name,
    config,
    ...startFields(values),
  });
  const final = await followJob(host.supervisor, job, values.json === true);
  if (final.status !== 'finished') {
    if (final.error) console.error(`nas-shrink eval: ${formatError(final.error)}`);
    return final.status === 'cancelled' ? 130 : 1;
  }
  const summary = readExperimentRecord(final.dir).summary ?? {};
  const acc = summary['testAccuracy'];
  if (values.json !== true) {
    console.log(`${String(summary['architecture'] ?? arch)}\ttest accuracy ${typeof acc === 'number' ? (acc * 100).toFixed(2) : '?'}%\t(${String(summary['testImages'])} test images, ${String(summary['epochs'])} epochs, ${Number(summary['trainSeconds']).toFixed(0)} s, ${final.dir})`);
  }
  return 0;
}
