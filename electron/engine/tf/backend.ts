/**
 * Chooses the fastest tfjs backend this process can load, and says why it skipped the others.
 *
 * Order: tfjs-node-gpu (CUDA), tfjs-node (TensorFlow's C library on the CPU), wasm (only when
 * the CPU training kernels are registered, see {@link wasmTrainingSupport}), then tfjs's pure-JS
 * `cpu` backend, which always loads. Both tfjs-node packages are optionalDependencies: their
 * install downloads libtensorflow, which fails offline, and npm then drops them.
 */
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';
import type { BackendName, BackendReport } from '../../../shared/model/environment';
import { BACKEND_NAMES } from '../../../shared/model/environment';
import { wasmTrainingSupport } from './wasmTrainingSupport';

/** Tries to make one backend the active one; throws an Error whose message is the reason it cannot. */
export interface BackendLoader {
  readonly name: BackendName;
  load(): Promise<void>;
  /** A description of the loaded path for the report (after load). */
  detail?(): string;
}

export interface BackendChoiceOptions {
  /** Only try this backend (and fail if it cannot load); from `--backend` or NAS_BACKEND. */
  only?: BackendName | undefined;
}

function describeRequireError(pkg: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot find module/.test(message) && message.includes(pkg)) {
    return `${pkg} is not installed (it is optional: its install downloads libtensorflow, which needs internet; run \`npm install ${pkg}\` online)`;
  }
  const firstLine = message.split('\n')[0] ?? message;
  if (pkg.endsWith('-gpu') && /libcud|cudnn|CUDA/i.test(message)) {
    return `${pkg} is installed but CUDA 11.2 / cuDNN 8.1 could not be loaded: ${firstLine}`;
  }
  return `${pkg} is installed but failed to load: ${firstLine}`;
}

async function activate(tfName: string): Promise<void> {
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new Error(`tfjs could not initialise its '${tfName}' backend`);
  await tf.ready();
}

function nodeLoader(name: 'tfjs-node-gpu' | 'tfjs-node'): BackendLoader {
  const pkg = `@tensorflow/${name}`;
  return {
    name,
    detail: () => (name === 'tfjs-node-gpu' ? 'TensorFlow C library with CUDA' : 'TensorFlow C library on the CPU (all cores)'),
    async load() {
      try {
        // A runtime require, not an import: the package is optional and may be absent.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(pkg);
      } catch (error) {
        throw new Error(describeRequireError(pkg, error));
      }
      await activate('tensorflow');
    },
  };
}

let wasmDetail = '';

const wasmLoader: BackendLoader = {
  name: 'wasm',
  async load() {
    const support = wasmTrainingSupport();
    if (!support.ok) throw new Error(support.reason);
    await support.register();
    await activate('wasm');
    wasmDetail = support.detail();
  },
  detail: () => wasmDetail,
};

const cpuLoader: BackendLoader = {
  name: 'cpu',
  async load() {
    await activate('cpu');
  },
  detail: () => "tfjs's pure-JavaScript kernels (slow: for tests and last resort)",
};

/** The real loaders, fastest first. */
export const DEFAULT_LOADERS: readonly BackendLoader[] = [nodeLoader('tfjs-node-gpu'), nodeLoader('tfjs-node'), wasmLoader, cpuLoader];

function devicesFor(name: BackendName): string[] {
  if (name === 'tfjs-node-gpu') return ['CUDA GPU (TensorFlow C library; see its log for the device name)'];
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return [`${cpu} (${os.cpus().length} cores)`];
}

/**
 * Tries `loaders` in order and keeps the first that loads. Pure over its inputs, so tests can
 * pass fake loaders to check the fallback order and the reasons.
 */
export async function chooseBackend(loaders: readonly BackendLoader[], options: BackendChoiceOptions = {}): Promise<BackendReport> {
  const attempts: BackendReport['attempts'] = [];
  for (const loader of loaders) {
    if (options.only && loader.name !== options.only) {
      attempts.push({ name: loader.name, ok: false, reason: `not tried: --backend ${options.only} was requested` });
      continue;
    }
    try {
      await loader.load();
      attempts.push({ name: loader.name, ok: true, reason: '' });
      const report: BackendReport = { chosen: loader.name, tfBackend: tf.getBackend(), gpu: loader.name === 'tfjs-node-gpu', attempts, devices: devicesFor(loader.name) };
      const detail = loader.detail?.();
      if (detail) report.detail = detail;
      return report;
    } catch (error) {
      attempts.push({ name: loader.name, ok: false, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const reasons = attempts.map((a) => `${a.name}: ${a.reason}`).join('; ');
  throw new Error(`No tfjs backend could be loaded (${reasons}).`);
}

let current: Promise<BackendReport> | null = null;

/** Parses NAS_BACKEND or a `--backend` value; undefined means "the fastest available". */
export function parseBackendName(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`Unknown backend '${value}'. Use one of: auto, ${BACKEND_NAMES.join(', ')}.`);
}

/**
 * Initialises the process's backend once (later calls return the same report).
 * `only` defaults to the NAS_BACKEND environment variable.
 */
export function initBackend(options: BackendChoiceOptions = {}): Promise<BackendReport> {
  if (!current) {
    const only = options.only ?? parseBackendName(process.env['NAS_BACKEND']);
    current = chooseBackend(DEFAULT_LOADERS, { only });
  }
  return current;
}
