/**
 * Reopens a finished (or running) experiment's supernet from its checkpoints, for scoring
 * architectures later (`nas-shrink score`, `nas-shrink tau`): the config from experiment.json,
 * the weights of a chosen checkpoint, and the angle reference.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import { parseExperimentConfig } from '../config/experimentConfig';
import type { ExperimentConfig } from '../config/experimentConfig';
import type { JobContext } from '../jobs/jobContext';
import { createSearchSpace } from '../space/registry';
import type { SearchSpace } from '../space/searchSpace';
import type { LoadedCheckpoint, NamedArray } from '../store/checkpoint';
import { listCheckpoints } from '../store/checkpointList';
import { MODEL_PREFIX } from '../store/checkpointTensors';
import { checkpointsRoot, loadCheckpoint } from '../store/checkpoint';
import { readExperimentRecord } from '../store/experimentStore';
import { createSupernet } from '../supernet/createSupernet';
import type { Supernet } from '../supernet/supernet';
import type { ParamStore } from '../supernet/params';
import { loadExperimentData } from './experimentData';
import type { ExperimentData } from './experimentData';
import { restoreSupernetWeights } from './supernetCheckpoint';
import { REFERENCE_CHECKPOINT, LAST_CHECKPOINT } from './supernetRunner';

export interface OpenedExperiment {
  config: ExperimentConfig;
  space: SearchSpace;
  supernet: Supernet;
  reference: Record<string, NamedArray>;
  data: ExperimentData;
  checkpoint: string;
}

/** The checkpoint scores should use by default: the weights that decided the first shrink step, else the last. */
export function defaultScoringCheckpoint(dir: string): string {
  const root = checkpointsRoot(dir);
  for (const label of ['shrink-1', LAST_CHECKPOINT]) if (fs.existsSync(path.join(root, label))) return label;
  throw new NasError('STORE_IO', `${dir} has no trained checkpoint (neither shrink-1 nor last).`, { fix: 'Score an experiment that trained at least one epoch.' });
}

export async function openExperimentSupernet(dir: string, checkpoint?: string, emit: JobContext['emit'] = () => undefined): Promise<OpenedExperiment> {
  const record = readExperimentRecord(dir);
  const config = parseExperimentConfig(record.config, path.join(dir, 'experiment.json'));
  const space = createSearchSpace(config.space);
  const label = checkpoint ?? defaultScoringCheckpoint(dir);
  const loaded = loadCheckpoint(path.join(checkpointsRoot(dir), label));
  const reference = loadCheckpoint(path.join(checkpointsRoot(dir), REFERENCE_CHECKPOINT)).arrays;
  const data = await loadExperimentData(config, emit);
  const supernet = createSupernet(space, config.network, { inputChannels: data.train.channels, numClasses: data.train.numClasses, seed: config.seed });
  restoreSupernetWeights(supernet.params, withDroppedOps(dir, loaded, supernet.params));
  return { config, space, supernet, reference, data, checkpoint: label };
}

/**
 * The checkpoint's arrays, completed with the weights of operators ABS had dropped (and freed)
 * before it was written. A dropped op is never trained again, so its weights are the ones saved
 * in the newest earlier checkpoint that still has them (the shrink-K checkpoint written just
 * before the drop); scoring an architecture that uses it gives what it gave at that step.
 */
function withDroppedOps(dir: string, checkpoint: LoadedCheckpoint, params: ParamStore): Record<string, NamedArray> {
  const arrays: Record<string, NamedArray> = { ...checkpoint.arrays };
  const missing = new Set(params.entries().map(([name]) => `${MODEL_PREFIX}${name}`).filter((name) => !(name in arrays)));
  if (missing.size === 0) return arrays;
  // Newest first (listCheckpoints' order), only those written before this one.
  for (const entry of listCheckpoints(dir)) {
    if (missing.size === 0) break;
    if (entry.label === checkpoint.label || entry.created === null || entry.created > checkpoint.created) continue;
    const candidate = loadCheckpoint(entry.dir).arrays;
    for (const name of [...missing]) {
      const array = candidate[name];
      if (array) {
        arrays[name] = array;
        missing.delete(name);
      }
    }
  }
  return arrays;
}
