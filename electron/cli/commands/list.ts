/** `nas-shrink list [DIR]` and `nas-shrink show DIR`: experiments on disk, without a job process. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { listExperiments, readExperimentRecord, readRunEvents } from '../../engine/store/experimentStore';
import { defaultWorkspace } from '../../host/appPaths';
import { UsageError } from '../cliError';

export async function listCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const root = positionals[0] ? path.resolve(positionals[0]) : defaultWorkspace();
  const experiments = listExperiments(root);
  if (values.json) {
    console.log(JSON.stringify(experiments, null, 2));
    return 0;
  }
  if (experiments.length === 0) {
    console.log(`No experiments in ${root}. Start one with \`nas-shrink run cnn-fashion\`.`);
    return 0;
  }
  for (const e of experiments) {
    const acc = e.finalAccuracy === null ? '' : `  test acc ${(e.finalAccuracy * 100).toFixed(2)}%`;
    console.log(`${new Date(e.created).toISOString().slice(0, 19).replace('T', ' ')}  ${e.status.padEnd(9)}  ${e.preset.padEnd(16)}  ${e.dir}${acc}`);
  }
  return 0;
}

export async function showCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const dir = positionals[0];
  if (!dir) throw new UsageError('show needs an experiment directory: `nas-shrink show experiments/<name>`.');
  const record = readExperimentRecord(path.resolve(dir));
  const { events, skipped, superseded } = readRunEvents(path.resolve(dir));
  if (values.json) {
    console.log(JSON.stringify({ ...record, events: events.length, supersededEvents: superseded, skippedLines: skipped }, null, 2));
    return 0;
  }
  console.log(`${record.id}: ${record.preset}, ${record.status}, backend ${record.backend ?? 'not started'}`);
  const redone = superseded > 0 ? ` (and ${superseded} from interrupted work a resume did again, kept in events.jsonl but not counted)` : '';
  console.log(`created ${new Date(record.created).toISOString()}, ${events.length} events${redone}`);
  if (skipped.length > 0) console.log(`warning: skipped unreadable event lines ${skipped.join(', ')} (a crash while writing?)`);
  if (record.error) console.log(`error: ${record.error.message}${record.error.fix ? ` Fix: ${record.error.fix}` : ''}`);
  if (record.summary) console.log(`summary: ${JSON.stringify(record.summary)}`);
  // Rankings against ground truth written by `nas-shrink tau`: which metric to trust.
  for (const name of fs.readdirSync(path.resolve(dir)).filter((n) => /^tau-.*\.json$/.test(n)).sort()) {
    const tau = JSON.parse(fs.readFileSync(path.join(path.resolve(dir), name), 'utf8')) as { checkpoint: string; truth: string; results: { metric: string; kendallTau: number; n: number }[]; verdict: string };
    console.log(`ranking at ${tau.checkpoint} vs ${tau.truth}: ${tau.results.map((r) => `${r.metric} ${r.kendallTau.toFixed(3)} (n=${r.n})`).join(', ')}; ${tau.verdict}`);
  }
  return 0;
}
