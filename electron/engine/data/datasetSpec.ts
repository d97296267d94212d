/**
 * What a config says about its dataset: the kind of files, where they are, which split.
 *
 * A zod schema rather than only a type, because specs arrive from config files, the CLI
 * (`--data DIR`) and the UI; {@link loadDataset} parses before it touches the disk.
 */
import { z } from 'zod';

/** The dataset kinds there is a loader for (see registry.ts). */
export const DATASET_KINDS = ['idx', 'cifar10', 'cifar100', 'folder', 'bundled'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

const split = z.enum(['train', 'test']);
/** Optional cap for quick runs: keep at most this many images, balanced over classes (see balancedSubset.ts). */
const maxImages = z.number().int().positive().optional();
const path = z.string().min(1);

export const datasetSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    /** IDX files (MNIST, Fashion-MNIST, KMNIST), gzipped or not, in one directory. */
    kind: z.literal('idx'),
    path,
    split,
    maxImages,
    /** Dataset name, e.g. `fashion-mnist`; picks known class names and normalisation. Default: guessed from the directory name. */
    name: z.string().min(1).optional(),
    /** Number of classes; labels must be below it. Default 10. */
    numClasses: z.number().int().min(1).max(256).optional(),
  }),
  z.object({ kind: z.literal('cifar10'), path, split, maxImages }),
  z.object({ kind: z.literal('cifar100'), path, split, maxImages }),
  /** One sub-folder per class (PNG or JPEG); see imageFolder.ts for the train/test layout. */
  z.object({ kind: z.literal('folder'), path, split, maxImages }),
  /** The Fashion-MNIST sample shipped in resources/data/fashion-mnist-sample (no path). */
  z.object({ kind: z.literal('bundled'), split, maxImages }),
]);

/** A parsed, valid dataset spec; `kind` selects the loader. */
export type DatasetSpec = z.infer<typeof datasetSpecSchema>;
/** The spec of one kind, e.g. `SpecOf<'idx'>`. */
export type SpecOf<K extends DatasetKind> = Extract<DatasetSpec, { kind: K }>;
