/**
 * Entry of a short-lived probe process: initialises the tfjs backend exactly as a job would
 * and reports the choice. The host never loads TensorFlow itself (one runtime per job process,
 * GPU memory returned when it exits), so this is how `doctor` and the Environment page learn
 * what a job will get.
 */
import { NasError } from '../../shared/errors';
import { parseBackendName, initBackend } from '../engine/tf/backend';
import { connectToParent } from './parentChannel';

const parent = connectToParent();

async function probe(): Promise<void> {
  try {
    const report = await initBackend({ only: parseBackendName(process.env['NAS_BACKEND']) });
    parent.send({ type: 'backend', report, error: null });
  } catch (error) {
    parent.send({ type: 'backend', report: null, error: new NasError('BACKEND_UNAVAILABLE', (error as Error).message, { fix: 'Run `nas-shrink doctor` and reinstall with `npm install`.' }).toData() });
  }
}

void probe().finally(() => setTimeout(() => process.exit(0), 50));
