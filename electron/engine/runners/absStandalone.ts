/**
 * Optional stand-alone training of ABS's best architectures inside the run (issue #5 item 3,
 * `abs.standaloneTopK`): each of the first K is trained from scratch with the config's
 * `standalone` recipe on every training image (the same trainer as `nas-shrink eval` and the
 * ground-truth job) and tested on the test set, so results.json says how good the search's
 * picks really are.
 */
import type { JobContext } from '../jobs/jobContext';
import { loadExperimentData } from './experimentData';
import { trainStandalone } from './standaloneRunner';

/** The stand-alone outcome recorded beside a best architecture. */
export interface StandaloneRecord {
  testAccuracy: number;
  testLoss: number;
  testImages: number;
  epochs: number;
  trainImages: number;
  trainSeconds: number;
}

/**
 * Trains the first `k` of `architectures` stand-alone; returns their records in order (fewer
 * when cancelled). Loads the dataset without a validation hold-out, as `nas-shrink eval` does.
 */
export async function trainBestStandalone(ctx: JobContext, architectures: readonly string[], k: number): Promise<StandaloneRecord[]> {
  const chosen = architectures.slice(0, k);
  if (chosen.length === 0) return [];
  const data = await loadExperimentData(ctx.config, ctx.emit, false);
  const out: StandaloneRecord[] = [];
  for (const [i, arch] of chosen.entries()) {
    if (ctx.cancelled()) break;
    const r = await trainStandalone(ctx, ctx.config, arch, data, `stand-alone ${i + 1}/${chosen.length}`);
    if (ctx.cancelled()) break;
    out.push({ testAccuracy: r.testAccuracy, testLoss: r.testLoss, testImages: r.testImages, epochs: r.epochs, trainImages: r.trainImages, trainSeconds: r.trainSeconds });
    ctx.emit({ type: 'log', level: 'info', message: `stand-alone ${i + 1}/${chosen.length}: ${r.architecture} test accuracy ${(r.testAccuracy * 100).toFixed(2)}% after ${r.epochs} epochs` });
  }
  return out;
}
