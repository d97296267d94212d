/**
 * One entry point for every dataset: `loadDataset(spec)` validates the spec and dispatches to
 * the loader registered for its `kind`. The table is typed by kind, so adding a kind to
 * DATASET_KINDS without a loader is a compile error rather than a runtime surprise.
 */
import { NasError } from '../../../shared/errors';
import type { ImageDataset } from './imageDataset';
import { assertValidDataset } from './imageDataset';
import type { DatasetKind, DatasetSpec, SpecOf } from './datasetSpec';
import { datasetSpecSchema } from './datasetSpec';
import { loadIdxDataset } from './idxDataset';
import { loadCifar10, loadCifar100 } from './cifar';
import { loadImageFolder } from './imageFolder';
import { loadBundledSample } from './bundled';
import { capDataset } from './balancedSubset';

/** Loads one split of one kind of dataset; `maxImages` is applied by {@link loadDataset} unless the loader applies it itself. */
export type DatasetLoader<K extends DatasetKind> = (spec: SpecOf<K>) => Promise<ImageDataset>;

/** The loader of each kind. */
export const DATASET_LOADERS: { readonly [K in DatasetKind]: DatasetLoader<K> } = {
  idx: (spec) => loadIdxDataset(spec.path, spec.split, { name: spec.name, numClasses: spec.numClasses }),
  cifar10: (spec) => loadCifar10(spec.path, spec.split),
  cifar100: (spec) => loadCifar100(spec.path, spec.split),
  // The folder loader caps before decoding, which is where the time goes.
  folder: (spec) => loadImageFolder(spec.path, spec.split, spec.maxImages),
  bundled: (spec) => loadBundledSample(spec.split),
};

function describeSource(spec: DatasetSpec): string {
  return spec.kind === 'bundled' ? 'bundled Fashion-MNIST sample' : `${spec.kind} dataset ${spec.path}`;
}

/**
 * Validates untrusted input (a config file, CLI flags, an IPC payload) as a dataset spec.
 * @throws NasError INVALID_CONFIG listing every problem.
 */
export function parseDatasetSpec(input: unknown): DatasetSpec {
  const parsed = datasetSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new NasError('INVALID_CONFIG', `Invalid dataset spec: ${issues}.`, {
    fix: 'Give kind (idx, cifar10, cifar100, folder or bundled), path (except for bundled) and split (train or test).',
    details: input,
  });
}

function dispatch<K extends DatasetKind>(spec: SpecOf<K>): Promise<ImageDataset> {
  const loader: DatasetLoader<K> = DATASET_LOADERS[spec.kind as K];
  return loader(spec);
}

/**
 * Loads the dataset a spec describes.
 * @param spec e.g. `{ kind: 'idx', path: '/data/fashion-mnist', split: 'train' }` or
 * `{ kind: 'bundled', split: 'test', maxImages: 500 }`; validated again here, so a spec built
 * from loose input fails with a clear message rather than deep inside a loader.
 * @returns the dataset (uint8 HWC pixels, uint8 labels), at most `maxImages` images, balanced over classes.
 * @throws NasError INVALID_CONFIG for a malformed spec, DATASET_MISSING / DATASET_CORRUPT from the loaders.
 */
export async function loadDataset(spec: DatasetSpec): Promise<ImageDataset> {
  const valid = parseDatasetSpec(spec);
  const dataset = capDataset(await dispatch(valid), valid.maxImages);
  assertValidDataset(dataset, describeSource(valid));
  return dataset;
}
