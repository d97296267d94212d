/**
 * The registry of job runners by method. A config names its method; the job process looks the
 * runner up here. Later methods (ABS, GM-NAS, few-shot) register beside these.
 */
import { NasError } from '../../../shared/errors';
import type { Method } from '../config/experimentConfig';
import { runAbsJob } from '../runners/absRunner';
import { runStandaloneJob } from '../runners/standaloneRunner';
import { runGroundTruthJob } from '../runners/groundTruthRunner';
import { runGmJob } from '../runners/gmRunner';
import { runSupernetJob } from '../runners/supernetRunner';
import { runCnnJob } from '../train/cnn/cnnRunner';
import type { JobRunner } from './jobContext';

const runners = new Map<Method, JobRunner>([
  ['cnn', runCnnJob],
  ['supernet', runSupernetJob],
  ['standalone', runStandaloneJob],
  ['abs', runAbsJob],
  ['ground-truth', runGroundTruthJob],
  ['gm', runGmJob],
]);

export function runnerFor(method: Method): JobRunner {
  const runner = runners.get(method);
  if (!runner) throw new NasError('INVALID_CONFIG', `No runner is registered for method '${method}'.`, { fix: 'This build does not support that method yet.' });
  return runner;
}
