/**
 * The architecture ranking of a GM-NAS / few-shot / one-shot experiment (issue #6 item 4): an
 * architecture's score is its validation accuracy after BN recalibration (`accuracy-rebn`, or
 * `accuracy` without it) in the LEAF sub-supernet whose space contains it, with that leaf's final
 * weights (checkpoint node-<id>-last). Every leaf is scored on the same seeded validation and
 * calibration draws, so scores from different leaves are comparable. `nas-shrink score` and
 * `nas-shrink tau` use this for experiments of method gm.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import { subSupernetTreeSchema } from '../../../shared/model/splitTree';
import type { SubSupernetNodeDto } from '../../../shared/model/splitTree';
import { parseExperimentConfig } from '../config/experimentConfig';
import type { JobContext } from '../jobs/jobContext';
import { createMetric } from '../metrics/registry';
import { createSearchSpace } from '../space/registry';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import { stateContains } from '../space/spaceState';
import { checkpointsRoot, loadCheckpoint } from '../store/checkpoint';
import { readExperimentRecord } from '../store/experimentStore';
import { createSupernet } from '../supernet/createSupernet';
import { loadExperimentData } from './experimentData';
import { nodeCheckpoint } from './gmTree';
import { restoreSupernetWeights } from './supernetCheckpoint';

/** The metrics a GM experiment ranks by (both per leaf). */
export const GM_METRICS = ['accuracy-rebn', 'accuracy'] as const;

/** True for an experiment directory of method gm. */
export function isGmExperiment(dir: string): boolean {
  return readExperimentRecord(dir).config['method'] === 'gm';
}

export interface GmScores {
  /** One score per architecture, in the order given; NaN for an architecture no leaf contains. */
  readonly scores: number[];
  /** The leaf that scored each architecture; null when none contains it. */
  readonly leaves: (number | null)[];
  readonly space: SearchSpace;
}

function finishedLeaves(dir: string): SubSupernetNodeDto[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
  } catch (error) {
    throw new NasError('STORE_IO', `${dir} has no readable results.json (${(error as Error).message}).`, { fix: 'Score a GM experiment that finished training its leaves.' });
  }
  const tree = subSupernetTreeSchema.safeParse((raw as { tree?: unknown }).tree);
  if (!tree.success) throw new NasError('STORE_IO', `${dir}/results.json has no sub-supernet tree.`, { fix: 'Score an experiment of method gm.' });
  const leaves = tree.data.nodes.filter((n) => n.status === 'done');
  if (leaves.length === 0) throw new NasError('STORE_IO', `${dir} has no trained leaf sub-supernet yet.`, { fix: 'Wait until the run has trained its leaves.' });
  return leaves;
}

/**
 * Scores `archTexts` with `metricName` in their leaves.
 * @throws NasError INVALID_CONFIG for a metric other than accuracy-rebn/accuracy, STORE_IO when the experiment has no trained leaves.
 */
export async function scoreGmArchitectures(dir: string, archTexts: readonly string[] | readonly Architecture[], metricName: string, emit: JobContext['emit'] = () => undefined): Promise<GmScores> {
  if (!(GM_METRICS as readonly string[]).includes(metricName)) {
    throw new NasError('INVALID_CONFIG', `A GM experiment ranks architectures by ${GM_METRICS.join(' or ')} in their leaf sub-supernet, not by ${metricName}.`, { fix: `Use --metric ${GM_METRICS[0]}.` });
  }
  const record = readExperimentRecord(dir);
  const config = parseExperimentConfig(record.config, path.join(dir, 'experiment.json'));
  const space = createSearchSpace(config.space);
  const archs = archTexts.map((a) => (typeof a === 'string' ? space.parse(a) : a));
  const leaves = finishedLeaves(dir);
  const leafOf = archs.map((arch) => leaves.find((l) => stateContains(l.state, arch))?.id ?? null);
  const scores = archs.map(() => Number.NaN);
  const data = await loadExperimentData(config, emit);
  const supernet = createSupernet(space, config.network, { inputChannels: data.train.channels, numClasses: data.train.numClasses, seed: config.seed });
  try {
    for (const leaf of leaves) {
      const mine = archs.map((_, i) => i).filter((i) => leafOf[i] === leaf.id);
      if (mine.length === 0) continue;
      restoreSupernetWeights(supernet.params, loadCheckpoint(path.join(checkpointsRoot(dir), nodeCheckpoint(leaf.id, 'last'))).arrays);
      const result = await createMetric(metricName).scoreArchitectures({ supernet, data, state: leaf.state }, mine.map((i) => archs[i] as Architecture));
      mine.forEach((i, k) => (scores[i] = result.scores[k] as number));
    }
  } finally {
    supernet.dispose();
  }
  return { scores, leaves: leafOf, space };
}
