/**
 * Decomposed angle scoring for any {@link AngleLayout} (DARTS cells, MobileNet-like layers):
 * the sums <a,b>, |a|^2, |b|^2 of each distinct block are computed once (on first use) and an
 * architecture's sums are the sums over its blocks, repeats counted, so nothing is concatenated.
 * NB201 has a faster table keyed by (edge, op) (nb201Angle.ts); this one walks the block list of
 * each child, which is still cheap next to any forward pass.
 */
import { NasError } from '../../../shared/errors';
import type { Architecture } from '../space/searchSpace';
import { addSums, angleFromSums, constantSums, pairSums, type AngleBlock, type AngleLayout, type AngleSums, type AngleValue, type WeightLookup } from './angle';

/** Scores one architecture's angle; `cellsOnly` leaves the fixed parts out. */
export interface AngleScorer {
  score(arch: Architecture, cellsOnly?: boolean): AngleValue;
}

export class BlockAngleScorer implements AngleScorer {
  private readonly cache = new Map<string, AngleSums>();
  /** Sums of the fixed parts. */
  readonly fixed: AngleSums = { dot: 0, aa: 0, bb: 0 };

  constructor(
    private readonly layout: AngleLayout,
    private readonly reference: WeightLookup,
    private readonly current: WeightLookup,
  ) {
    for (const block of layout.fixed) addSums(this.fixed, this.blockSums(block));
  }

  private blockSums(block: AngleBlock): AngleSums {
    const key = 'name' in block ? block.name : `#const:${block.size}:${block.constant}`;
    let sums = this.cache.get(key);
    if (!sums) {
      if ('name' in block) {
        const a = this.reference(block.name);
        const b = this.current(block.name);
        if (a.length !== b.length) throw new NasError('STORE_IO', `The angle reference's '${block.name}' has ${a.length} values, the supernet's ${b.length}.`, { fix: 'Use the reference checkpoint of this supernet.' });
        sums = pairSums(a, b);
      } else sums = constantSums(block.size, block.constant);
      this.cache.set(key, sums);
    }
    return sums;
  }

  /** The sums of one architecture's vector. */
  sums(arch: Architecture, cellsOnly = false): AngleSums {
    const total = cellsOnly ? { dot: 0, aa: 0, bb: 0 } : { ...this.fixed };
    for (const block of this.layout.archBlocks(arch)) addSums(total, this.blockSums(block));
    return total;
  }

  score(arch: Architecture, cellsOnly = false): AngleValue {
    return angleFromSums(this.sums(arch, cellsOnly));
  }
}
