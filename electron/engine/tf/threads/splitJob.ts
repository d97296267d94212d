/**
 * Jobs of our SIMD kernels split by image into chunks, and how the main thread runs one alone
 * (docs/adr/0003-cpu-training-path.md, "Round 4: bit-reproducible kernel pool").
 *
 * Reproducibility rules, so that a seed gives the same bits whatever the timing, the number of
 * threads, and whether the pool runs at all:
 *   - the partition of a job into chunks is a function of its shapes only ({@link fixedChunkImages});
 *   - every chunk is computed by the same kernel code from the same inputs wherever it runs;
 *   - a summed output (the filter gradient, summed over images) is the sum of per-chunk partials,
 *     each computed from zero, added into the output in chunk order 0, 1, 2, ... — also when the
 *     main thread runs the whole job alone ({@link runJobOnMainThread}).
 * Per-image outputs (convolutions) need no order: every output image depends only on its input.
 */

/** Job kinds (numbers the worker switches on). */
export const JobKind = { Conv: 1, Winograd: 2, FilterGrad: 3 } as const;
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

/**
 * Chunks per job (at most; fewer when there are fewer images). Convolutions: about 8 per helper at
 * two threads, small enough to balance. Filter gradients: 8, fewer because every chunk beyond the
 * first costs one more pass over dW (its partial added into the total).
 */
export const CONV_CHUNKS = 16;
export const FILTER_GRAD_CHUNKS = 8;

/** Images per chunk for a job over `images` images cut into at most `chunks` chunks: shapes only. */
export function fixedChunkImages(images: number, chunks: number): number {
  return Math.max(1, Math.ceil(images / Math.max(1, Math.min(images, chunks))));
}

/** A block of floats on the tfjs heap (byte offset). */
export interface HeapBlock {
  readonly offset: number;
  readonly floats: number;
}

interface SplitJobBase {
  readonly kind: JobKind;
  readonly images: number;
  /** Images per chunk (the last chunk may have fewer), from {@link fixedChunkImages}. */
  readonly chunkImages: number;
  /** Inputs with one block per image (x; dy for the filter gradient): byte offset, floats per image. */
  readonly perImage: readonly HeapBlock[];
  /** Copied whole: the filter (null for the filter gradient), then the bias (or null). */
  readonly filter: HeapBlock | null;
  readonly bias: HeapBlock | null;
  /** Geometry for the worker, in the order kernelWorkerSource reads it, for chunks of `chunkImages`. */
  ints(chunkImages: number): number[];
  /** Scratch bytes one helper needs for a chunk of `chunkImages` images. */
  scratchBytes(chunkImages: number): number;
}

/** A convolution: one output image per input image. */
export interface ImageOutputJob extends SplitJobBase {
  readonly output: { readonly offset: number; readonly floatsPerImage: number };
  /** Runs images [i0, i1) on the main thread, on the tfjs heap, into the output. */
  runLocal(i0: number, i1: number): void;
}

/** A sum over all images (the filter gradient): per-chunk partials added in chunk order. */
export interface SummedJob extends SplitJobBase {
  readonly output: { readonly offset: number; readonly sumFloats: number };
  /** Heap byte offset of chunk c's partial: the output itself for c = 0, a scratch slot otherwise. */
  partialOffset(c: number): number;
  /** Computes chunk c's partial (its images only, from zero) into partialOffset(c), on the main thread. */
  runChunk(c: number): void;
  /** output += partial of chunk c (c >= 1), on the tfjs heap. */
  addChunk(c: number): void;
}

export type ImageSplitJob = ImageOutputJob | SummedJob;

export function isSummed(job: ImageSplitJob): job is SummedJob {
  return 'sumFloats' in job.output;
}

/** Chunks of a job. */
export function chunkCount(job: ImageSplitJob): number {
  return Math.ceil(job.images / job.chunkImages);
}

/** Images [i0, i1) of chunk c. */
export function chunkRange(job: ImageSplitJob, c: number): [number, number] {
  const i0 = c * job.chunkImages;
  return [i0, Math.min(job.images, i0 + job.chunkImages)];
}

/**
 * Chunks [0, end) of a summed job on the main thread, in order, as the first part of the sum:
 * chunk 0 straight into the output, every later one into its slot and then added.
 */
export function runSummedPrefix(job: SummedJob, end: number): void {
  for (let c = 0; c < end; c++) {
    job.runChunk(c);
    if (c > 0) job.addChunk(c);
  }
}

/** The whole job on the main thread (no pool, or the job stays local): the same bits as split. */
export function runJobOnMainThread(job: ImageSplitJob): void {
  if (isSummed(job)) runSummedPrefix(job, chunkCount(job));
  else job.runLocal(0, job.images);
}
