/**
 * The options every job-starting command shares (`run`, `eval`, and of them `resume` takes the
 * backend and output ones), parsed one way: the same names, the same checks, the same messages.
 */
import * as path from 'node:path';
import type { BackendName } from '../../shared/model/environment';
import { parseBackendName } from '../engine/tf/backend';
import { intOption, UsageError } from './cliError';

/** How a followed job reports (`--json`), which backend it runs on, and `--help`. */
export const FOLLOW_OPTIONS = {
  backend: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** FOLLOW_OPTIONS plus what shapes a new run: output folder, dataset, epochs, seed, image cap. */
export const START_OPTIONS = {
  ...FOLLOW_OPTIONS,
  out: { type: 'string' },
  data: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  'max-train-images': { type: 'string' },
} as const;

/** `--backend`, checked: an unknown name is a usage error (exit 2) naming the accepted ones. */
export function backendOption(value: string | undefined): BackendName | undefined {
  try {
    return parseBackendName(value);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

interface StartValues {
  out?: string | undefined;
  data?: string | undefined;
  epochs?: string | undefined;
  seed?: string | undefined;
  'max-train-images'?: string | undefined;
  backend?: string | undefined;
}

/** The job request fields START_OPTIONS give, paths made absolute (the job process has its own cwd). */
export function startFields(values: StartValues) {
  return {
    epochs: intOption('epochs', values.epochs),
    seed: intOption('seed', values.seed, { min: 0 }),
    maxTrainImages: intOption('max-train-images', values['max-train-images']),
    dataPath: values.data ? path.resolve(values.data) : undefined,
    backend: backendOption(values.backend),
    dir: values.out ? path.resolve(values.out) : undefined,
  };
}
