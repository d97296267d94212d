/**
 * A small seeded random number generator (mulberry32 for uniform floats) with the helpers the
 * engine needs. Every random choice in the engine (data splits, shuffles, samplers, mutation)
 * draws from one of these, so a run is reproducible from its seed, and its state can be saved
 * in a checkpoint and restored on resume.
 */
export interface RngState {
  readonly seed: number;
  readonly state: number;
}

export class SeededRng {
  private state: number;
  readonly seed: number;

  constructor(seed: number, state?: number) {
    if (!Number.isFinite(seed)) throw new Error(`SeededRng: seed must be a finite number, got ${seed}`);
    this.seed = seed >>> 0;
    this.state = state === undefined ? this.seed ^ 0x9e3779b9 : state >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    // mulberry32: 32-bit state, full period, good enough statistical quality for sampling.
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`SeededRng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('SeededRng.pick: cannot pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A standard normal sample (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** An independent generator derived from this one (for a sub-task that must not shift our stream). */
  fork(): SeededRng {
    return new SeededRng(Math.floor(this.next() * 4294967296));
  }

  saveState(): RngState {
    return { seed: this.seed, state: this.state };
  }

  static fromState(saved: RngState): SeededRng {
    return new SeededRng(saved.seed, saved.state);
  }
}
