/**
 * The `ground-truth` method: trains a set of architectures stand-alone (the preset's recipe) and
 * writes their test accuracy as a table (ground-truth.csv), the ground truth `nas-shrink tau`
 * ranks supernet metrics against. The table is rewritten atomically after every architecture,
 * so a killed run keeps every finished row.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import { formatTruthTable, GROUND_TRUTH_FILE, splitCsvLine } from '../groundTruth/truthTable';
import type { JobContext, JobSummaryData } from '../jobs/jobContext';
import { SeededRng } from '../random/seededRng';
import { createSampler } from '../sampler/registry';
import { createSearchSpace } from '../space/registry';
import { architectureKey } from '../space/searchSpace';
import { fullState } from '../space/spaceState';
import { writeFileAtomic } from '../store/atomicFile';
import { loadExperimentData } from './experimentData';
import { trainStandalone } from './standaloneRunner';

/** The architectures to train: the config's list, else `count` distinct uniform samples. */
export function groundTruthArchitectures(ctx: JobContext): string[] {
  const config = ctx.config;
  const gt = config.groundTruth;
  if (!gt) throw new NasError('INVALID_CONFIG', 'Method ground-truth needs a groundTruth section ({count} or {architectures}).', { fix: 'Start from the nb201-fashion-truth preset.' });
  const space = createSearchSpace(config.space);
  if (gt.architectures) return gt.architectures.map((a) => space.format(space.parse(a)));
  const sampler = createSampler(space, 'uniform', new SeededRng(gt.sampleSeed));
  const seen = new Set<string>();
  const out: string[] = [];
  for (let tries = 0; out.length < gt.count && tries < gt.count * 100; tries++) {
    const arch = sampler.next(fullState(space))[0]!;
    const key = architectureKey(space, arch);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(space.format(arch));
  }
  return out;
}

interface TableRow {
  text: string;
  value: number;
  extra: Record<string, number>;
}

/**
 * The rows an interrupted run finished, read back from the table it rewrote (atomically, so
 * never torn) after each architecture; only architectures of `planned` count.
 * @throws NasError DATASET_CORRUPT when the file is not such a table (edited by hand?).
 */
export function finishedRows(file: string, planned: readonly string[]): TableRow[] {
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines[0] ?? '');
  if (header[0] !== 'architecture' || header[1] !== 'testAccuracy') {
    throw new NasError('DATASET_CORRUPT', `${file} is not the table this ground-truth job writes (its header is '${lines[0] ?? ''}').`, { fix: 'Move the file away to train every architecture again, or restore the job\'s own table.' });
  }
  const wanted = new Set(planned);
  const rows: TableRow[] = [];
  for (const line of lines.slice(1)) {
    const fields = splitCsvLine(line);
    const text = fields[0] ?? '';
    const value = Number(fields[1]);
    if (!wanted.has(text) || !Number.isFinite(value)) continue;
    const extra: Record<string, number> = {};
    header.slice(2).forEach((name, i) => (extra[name] = Number(fields[i + 2])));
    rows.push({ text, value, extra });
  }
  return rows;
}

export async function runGroundTruthJob(ctx: JobContext): Promise<JobSummaryData> {
  const archs = groundTruthArchitectures(ctx);
  const data = await loadExperimentData(ctx.config, ctx.emit, false);
  const file = path.join(ctx.dir, GROUND_TRUTH_FILE);
  // Resumed (ctx.resumeFrom is set, null: this method keeps no checkpoints): the table's rows are the finished work.
  const rows: TableRow[] = ctx.resumeFrom !== undefined ? finishedRows(file, archs) : [];
  const done = new Set(rows.map((r) => r.text));
  if (ctx.resumeFrom !== undefined) ctx.emit({ type: 'log', level: 'info', message: `ground truth resumed: ${rows.length} of ${archs.length} architectures already in ${GROUND_TRUTH_FILE}, training the other ${archs.length - rows.length}` });
  for (const [i, arch] of archs.entries()) {
    if (ctx.cancelled()) break;
    if (done.has(arch)) continue;
    ctx.emit({ type: 'log', level: 'info', message: `ground truth ${i + 1}/${archs.length}: ${arch}` });
    const result = await trainStandalone(ctx, ctx.config, arch, data, `stand-alone ${i + 1}/${archs.length}`);
    if (ctx.cancelled()) break;
    rows.push({ text: result.architecture, value: result.testAccuracy, extra: { epochs: result.epochs, trainImages: result.trainImages, seconds: Math.round(result.trainSeconds) } });
    writeFileAtomic(file, formatTruthTable(rows));
  }
  return { table: GROUND_TRUTH_FILE, architectures: rows.length, planned: archs.length, backend: ctx.backend.chosen, completed: !ctx.cancelled() };
}
