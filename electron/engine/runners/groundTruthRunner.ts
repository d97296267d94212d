/**
 * The `ground-truth` method: trains a set of architectures stand-alone (the preset's recipe) and
 * writes their test accuracy as a table (ground-truth.csv), the ground truth `nas-shrink tau`
 * ranks supernet metrics against. The table is rewritten atomically after every architecture,
 * so a killed run keeps every finished row.
 */
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import { formatTruthTable } from '../groundTruth/truthTable';
import type { JobContext, JobSummaryData } from '../jobs/jobContext';
import { SeededRng } from '../random/seededRng';
import { createSampler } from '../sampler/registry';
import { createSearchSpace } from '../space/registry';
import { architectureKey } from '../space/searchSpace';
import { fullState } from '../space/spaceState';
import { writeFileAtomic } from '../store/atomicFile';
import { loadExperimentData } from './experimentData';
import { trainStandalone } from './standaloneRunner';

export const GROUND_TRUTH_FILE = 'ground-truth.csv';

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

export async function runGroundTruthJob(ctx: JobContext): Promise<JobSummaryData> {
  const archs = groundTruthArchitectures(ctx);
  const data = await loadExperimentData(ctx.config, ctx.emit, false);
  const rows: { text: string; value: number; extra: Record<string, number> }[] = [];
  const file = path.join(ctx.dir, GROUND_TRUTH_FILE);
  for (const [i, arch] of archs.entries()) {
    if (ctx.cancelled()) break;
    ctx.emit({ type: 'log', level: 'info', message: `ground truth ${i + 1}/${archs.length}: ${arch}` });
    const result = await trainStandalone(ctx, ctx.config, arch, data, `stand-alone ${i + 1}/${archs.length}`);
    if (ctx.cancelled()) break;
    rows.push({ text: result.architecture, value: result.testAccuracy, extra: { epochs: result.epochs, trainImages: result.trainImages, seconds: Math.round(result.trainSeconds) } });
    writeFileAtomic(file, formatTruthTable(rows));
  }
  return { table: GROUND_TRUTH_FILE, architectures: rows.length, planned: archs.length, backend: ctx.backend.chosen, completed: !ctx.cancelled() };
}
