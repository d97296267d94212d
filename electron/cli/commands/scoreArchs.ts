/**
 * `nas-shrink score DIR --archs FILE [--metric M] [--checkpoint LABEL]` and
 * `nas-shrink tau DIR --truth CSV [...]`: score architectures with a finished experiment's
 * supernet, and rank each metric against a ground-truth table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NasError } from '../../../shared/errors';
import { readTruthTable, type TruthRow } from '../../engine/groundTruth/truthTable';
import { kendallTau, spearmanRho } from '../../engine/metrics/rankCorrelation';
import { EXHAUSTIVE_METRICS, metricByName, metricNames } from '../../engine/runners/absScoring';
import { SeededRng } from '../../engine/random/seededRng';
import { openExperimentSupernet } from '../../engine/runners/experimentSupernet';
import { GM_METRICS, isGmExperiment, scoreGmArchitectures } from '../../engine/runners/gmScoring';
import { initBackend, parseBackendName } from '../../engine/tf/backend';
import { intOption, UsageError } from '../cliError';
import { writeJsonAtomic } from '../../engine/store/atomicFile';
import { parseExperimentConfig } from '../../engine/config/experimentConfig';
import { createSearchSpace } from '../../engine/space/registry';
import { readExperimentRecord } from '../../engine/store/experimentStore';
import { TRUSTED_TAU, type TauRecord } from '../../../shared/model/tau';

export const SCORE_HELP = `Usage: nas-shrink score <experiment-dir> --archs FILE [--metric M] [--checkpoint LABEL]

Scores architectures (one canonical string per line in FILE; # starts a comment) with the
experiment's supernet as it was at its first shrink step (the weights whose scores decided the
drops), or at --checkpoint LABEL (e.g. last, reference). Architectures outside the shrunk
space can be scored too. Prints arch<TAB>score per line.

Metrics: angle (default), angle-cells, accuracy, accuracy-rebn, magnitude.

GM-NAS / few-shot / one-shot experiments (method gm): an architecture is scored in the leaf
sub-supernet whose space contains it, with that leaf's final weights; metrics accuracy-rebn
(default) and accuracy. An architecture no leaf contains scores NaN.`;

export const TAU_HELP = `Usage: nas-shrink tau <experiment-dir> --truth CSV [--arch-column C] [--value-column V] [--checkpoint LABEL]

Kendall tau and Spearman rho of every metric against a ground-truth table: NAS-Bench-201's CSV
(columns ArchitectureString and CIFAR10TestAccuracy200Epochs) or one written by a ground-truth job.
The angle metrics and magnitude score every row; the accuracy metrics (a forward pass per
architecture) a seeded sample of --max-archs rows (default 100).

GM-NAS / few-shot / one-shot experiments (method gm): accuracy-rebn and accuracy, each
architecture scored in the leaf sub-supernet that contains it (rows no leaf contains, e.g. outside
an ABS-shrunk root space, are left out and counted); the result is saved as tau-leaves.json.`;

async function open(dir: string | undefined, checkpoint: string | undefined, backend: string | undefined) {
  if (!dir) throw new UsageError('Give the experiment directory first, e.g. `nas-shrink score experiments/<name> --archs archs.txt`.');
  await initBackend({ only: parseBackendName(backend) });
  return openExperimentSupernet(path.resolve(dir), checkpoint);
}

export async function scoreCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { archs: { type: 'string' }, metric: { type: 'string' }, checkpoint: { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(SCORE_HELP);
    return 0;
  }
  if (!values.archs) throw new UsageError('score needs --archs FILE (one architecture string per line).');
  let lines: string[];
  try {
    lines = fs.readFileSync(values.archs, 'utf8').split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
  } catch (error) {
    throw new NasError('INVALID_CONFIG', `Cannot read ${values.archs}: ${(error as Error).message}`, { fix: 'Pass a text file with one architecture per line.' });
  }
  if (positionals[0] && isGmExperiment(path.resolve(positionals[0]))) {
    if (values.checkpoint) throw new UsageError('A GM experiment scores every architecture with its leaf\'s final weights; --checkpoint does not apply.');
    await initBackend({ only: parseBackendName(values.backend) });
    const { scores, space } = await scoreGmArchitectures(path.resolve(positionals[0]), lines, values.metric ?? GM_METRICS[0]);
    lines.forEach((line, i) => console.log(`${space.format(space.parse(line))}\t${scores[i]}`));
    return 0;
  }
  const metric = metricByName(values.metric ?? 'angle');
  const opened = await open(positionals[0], values.checkpoint, values.backend);
  try {
    const archs = lines.map((line, i) => {
      try {
        return opened.space.parse(line);
      } catch (error) {
        throw new NasError('INVALID_CONFIG', `${values.archs} line ${i + 1}: ${(error as Error).message}`, { fix: `Write ${opened.space.name} architectures in canonical notation.` });
      }
    });
    const { scores } = await metric.scoreArchitectures({ supernet: opened.supernet, reference: opened.reference, data: opened.data, state: { remaining: opened.space.choices.map((c) => [...c.ops]), locked: [], forceDropped: [] } }, archs);
    archs.forEach((arch, i) => console.log(`${opened.space.format(arch)}\t${scores[i]}`));
    return 0;
  } finally {
    opened.supernet.dispose();
  }
}

export async function tauCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      truth: { type: 'string' },
      'arch-column': { type: 'string' },
      'value-column': { type: 'string' },
      checkpoint: { type: 'string' },
      backend: { type: 'string' },
      'max-archs': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(TAU_HELP);
    return 0;
  }
  if (!values.truth) throw new UsageError('tau needs --truth CSV (e.g. ../shared/data/nb201-accuracy.csv or a ground-truth job\'s table).');
  if (!positionals[0]) throw new UsageError('Give the experiment directory first, e.g. `nas-shrink tau experiments/<name> --truth truth.csv`.');
  // The table first: a bad CSV is reported before the dataset and the supernet are loaded.
  const record = readExperimentRecord(path.resolve(positionals[0]));
  const space = createSearchSpace(parseExperimentConfig(record.config, `${positionals[0]}/experiment.json`).space);
  const rows = readTruthTable(values.truth, space, { archColumn: values['arch-column'], valueColumn: values['value-column'] });
  if (isGmExperiment(path.resolve(positionals[0]))) return gmTau(path.resolve(positionals[0]), values, rows);
  const opened = await open(positionals[0], values.checkpoint, values.backend);
  try {
    if (rows.length < 3) throw new NasError('DATASET_CORRUPT', `${values.truth} has ${rows.length} rows; ranking needs at least 3.`, { fix: 'Use a larger table.' });
    const truth = rows.map((r) => r.value);
    const ctx = { supernet: opened.supernet, reference: opened.reference, data: opened.data, state: { remaining: opened.space.choices.map((c) => [...c.ops]), locked: [], forceDropped: [] } };
    const results: { metric: string; kendallTau: number; spearmanRho: number; n: number }[] = [];
    // Written as a TauRecord (shared/model/tau.ts): the UI reads it from the experiment detail.
    // Accuracy metrics cost a forward pass per architecture: a seeded sample of the table.
    const maxArchs = intOption('max-archs', values['max-archs']) ?? 100;
    const sample = new SeededRng(0).permutation(rows.length).slice(0, maxArchs).sort((a, b) => a - b);
    for (const name of metricNames()) {
      const chosen = EXHAUSTIVE_METRICS.has(name) || name === 'magnitude' ? rows.map((_, i) => i) : sample;
      const { scores } = await metricByName(name).scoreArchitectures(ctx, chosen.map((i) => rows[i]!.arch));
      const truthChosen = chosen.map((i) => truth[i] as number);
      results.push({ metric: name, kendallTau: kendallTau(scores, truthChosen), spearmanRho: spearmanRho(scores, truthChosen), n: chosen.length });
      if (!values.json) process.stderr.write(`scored ${name} on ${chosen.length} architectures\n`);
    }
    const best = [...results].filter((r) => Number.isFinite(r.kendallTau)).sort((a, b) => b.kendallTau - a.kendallTau)[0];
    const verdict = !best ? 'no metric could be ranked' : best.kendallTau < TRUSTED_TAU ? `no metric ranks these architectures well (best ${best.metric}, tau ${best.kendallTau.toFixed(2)}): do not trust shrinking on them in this setting` : `trust ${best.metric} (tau ${best.kendallTau.toFixed(2)})`;
    // Kept beside the experiment, so `nas-shrink show` and the UI can say which metric to trust.
    const record: TauRecord = { checkpoint: opened.checkpoint, truth: path.resolve(values.truth), computed: new Date().toISOString(), results, verdict };
    const tauFile = path.join(path.resolve(positionals[0] as string), `tau-${opened.checkpoint}.json`);
    writeJsonAtomic(tauFile, record);
    if (values.json) {
      console.log(JSON.stringify(record, null, 2));
      return 0;
    }
    console.log(`checkpoint ${opened.checkpoint}, ${rows.length} architectures from ${values.truth}`);
    console.log('metric\tkendall_tau\tspearman_rho\tarchitectures');
    for (const r of results) console.log(`${r.metric}\t${r.kendallTau.toFixed(4)}\t${r.spearmanRho.toFixed(4)}\t${r.n}`);
    console.log(best && best.kendallTau >= TRUSTED_TAU ? verdict : `warning: ${verdict}.`);
    console.log(`saved ${tauFile}`);
    return 0;
  } finally {
    opened.supernet.dispose();
  }
}

interface TauValues {
  truth?: string | undefined;
  'arch-column'?: string | undefined;
  'value-column'?: string | undefined;
  checkpoint?: string | undefined;
  backend?: string | undefined;
  'max-archs'?: string | undefined;
  json?: boolean | undefined;
}

/** `tau` on a GM experiment: each architecture scored in its leaf (engine/runners/gmScoring.ts). */
/** `tau` on a GM experiment; `rows` is the truth table the caller already read and checked. */
async function gmTau(dir: string, values: TauValues, rows: readonly TruthRow[]): Promise<number> {
  if (values.checkpoint) throw new UsageError('A GM experiment scores every architecture with its leaf\'s final weights; --checkpoint does not apply.');
  await initBackend({ only: parseBackendName(values.backend) });
  const truthFile = values.truth as string;
  const maxArchs = intOption('max-archs', values['max-archs']) ?? 100;
  const sample = new SeededRng(0).permutation(rows.length).slice(0, maxArchs).sort((a, b) => a - b);
  const results: { metric: string; kendallTau: number; spearmanRho: number; n: number; outsideLeaves: number }[] = [];
  for (const name of GM_METRICS) {
    const { scores } = await scoreGmArchitectures(dir, sample.map((i) => rows[i]!.arch), name);
    const kept = sample.map((row, k) => ({ score: scores[k] as number, truth: rows[row]!.value })).filter((x) => Number.isFinite(x.score));
    if (kept.length < 3) throw new NasError('DATASET_CORRUPT', `Only ${kept.length} rows of ${truthFile} lie in the experiment's leaves; ranking needs at least 3.`, { fix: 'Use a table of architectures from the searched space.' });
    results.push({ metric: name, kendallTau: kendallTau(kept.map((x) => x.score), kept.map((x) => x.truth)), spearmanRho: spearmanRho(kept.map((x) => x.score), kept.map((x) => x.truth)), n: kept.length, outsideLeaves: sample.length - kept.length });
    if (!values.json) process.stderr.write(`scored ${name} on ${kept.length} architectures in their leaves\n`);
  }
  const best = [...results].sort((a, b) => b.kendallTau - a.kendallTau)[0]!;
  const verdict = best.kendallTau < 0.3 ? `no metric ranks these architectures well (best ${best.metric}, tau ${best.kendallTau.toFixed(2)})` : `trust ${best.metric} (tau ${best.kendallTau.toFixed(2)})`;
  const recordOut = { checkpoint: 'leaves', truth: path.resolve(truthFile), computed: new Date().toISOString(), results, verdict };
  const tauFile = path.join(dir, 'tau-leaves.json');
  writeJsonAtomic(tauFile, recordOut);
  if (values.json) {
    console.log(JSON.stringify(recordOut, null, 2));
    return 0;
  }
  console.log(`leaf sub-supernets, ${rows.length} architectures from ${truthFile}`);
  console.log('metric\tkendall_tau\tspearman_rho\tarchitectures\toutside_leaves');
  for (const r of results) console.log(`${r.metric}\t${r.kendallTau.toFixed(4)}\t${r.spearmanRho.toFixed(4)}\t${r.n}\t${r.outsideLeaves}`);
  console.log(best.kendallTau >= 0.3 ? verdict : `warning: ${verdict}.`);
  console.log(`saved ${tauFile}`);
  return 0;
}
