/**
 * The batches a GM+DARTS sub-supernet trains alpha on (ALGORITHMS.md B5): an endless stream of
 * shuffled, seeded batches of the alpha part of the training split, reshuffled every pass, with
 * a state a checkpoint can hold, so a resumed node draws exactly the batches the killed one
 * would have drawn next (ADR 0008).
 *
 * Why a state of its own: the weight part is iterated one pass per epoch, so the trainer's data
 * RNG saved at an epoch's end says everything; alpha's part has its own length (alphaFraction,
 * rounding), so at an epoch's end its pass is usually part-way. The state is where that pass
 * began (its order is drawn again from it), how many batches of it were taken, and the RNG as it
 * is now (the augmentation draws continue from there): two RNG states and a count, no replay of
 * the batches already taken.
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { batchCount, batches } from '../data';
import type { Batch } from '../data';
import { SeededRng } from '../random/seededRng';
import type { ExperimentData } from './experimentData';

const rngStateSchema = z.object({ seed: z.number(), state: z.number() });

/** The stream's checkpointed state (`meta.extra.alphaBatches` of a GM+DARTS node checkpoint). */
export const alphaBatchStateSchema = z.object({
  /** The RNG where the current pass began (its shuffle is drawn from it), or null before the first pass. */
  pass: rngStateSchema.nullable(),
  /** Batches taken of the current pass. */
  taken: z.number().int().nonnegative(),
  /** The RNG now: the next augmentation (or the next pass's shuffle) draws from here. */
  rng: rngStateSchema,
});
export type AlphaBatchState = z.infer<typeof alphaBatchStateSchema>;

export class AlphaBatchStream {
  /** The stream's RNG now: each pass's shuffle, then each image's augmentation, draw from it in turn. */
  private rng: SeededRng;
  /** The RNG state where the current pass began; null before the first pass. */
  private passStart: SeededRng | null = null;
  /** The current pass's order (indices into data.train). */
  private order: number[] = [];
  private taken = 0;
  private iterator: Generator<Batch> | null = null;
  private readonly perPass: number;

  /**
   * @param indices indices into `data.train` of alpha's part (at least one batch of them).
   * @param rng the stream's own RNG (the stream advances it; nobody else may draw from it).
   * @param from a state {@link saveState} returned: the stream continues exactly from there.
   * @throws NasError STORE_IO when `from` does not fit `indices` (more batches taken than a pass holds).
   */
  constructor(private readonly data: ExperimentData, private readonly indices: Int32Array, private readonly batchSize: number, rng: SeededRng, from?: AlphaBatchState) {
    this.perPass = batchCount(indices.length, batchSize, true);
    this.rng = from ? SeededRng.fromState(from.rng) : rng;
    if (!from?.pass) return;
    if (from.taken > this.perPass) {
      throw new NasError('STORE_IO', `The checkpoint's alpha-batch stream has taken ${from.taken} batch(es) of a pass of ${this.perPass}.`, {
        fix: 'Resume with the configuration the experiment was created with (the same images, alphaFraction and batch size).',
      });
    }
    // The pass's order drawn again from where it began; the stream's own RNG is already past it.
    this.passStart = SeededRng.fromState(from.pass);
    this.order = SeededRng.fromState(from.pass).shuffle(Array.from(indices));
    this.taken = from.taken;
  }

  /** The next batch (float32 x [B,H,W,C], int32 y [B]); the caller disposes both tensors. */
  next(): Batch {
    for (;;) {
      if (this.passStart === null || this.taken >= this.perPass) {
        this.passStart = SeededRng.fromState(this.rng.saveState());
        this.order = this.rng.shuffle(Array.from(this.indices));
        this.taken = 0;
        this.iterator = null;
      }
      // The order is fixed here; batches() draws only each image's augmentation from the RNG.
      this.iterator ??= batches(this.data.train, this.order.slice(this.taken * this.batchSize), { batchSize: this.batchSize, rng: this.rng, normalize: this.data.normalize, augment: this.data.augment, dropLast: true });
      const next = this.iterator.next();
      if (!next.done) {
        this.taken += 1;
        return next.value;
      }
      this.taken = this.perPass;
    }
  }

  /** Where the stream is: plain JSON for a checkpoint's meta. */
  saveState(): AlphaBatchState {
    return { pass: this.passStart ? this.passStart.saveState() : null, taken: this.taken, rng: this.rng.saveState() };
  }
}
