/**
 * The ABS angle metric (ALGORITHMS.md A1/A2): the angle between a child's weight vector at the
 * reference point (W0, before any training) and now (Wt). Larger = the child moved further =
 * better.
 *
 * A child's vector is a concatenation of blocks: raw tensors (conv/linear kernels, affine BN
 * parameters) looked up by logical name, and constant blocks (pooling, 1/9 everywhere, equal in
 * W0 and Wt). A space describes its vectors with an {@link AngleLayout}; this module builds the
 * literal vectors from it and turns sums into angles. Decomposed scoring (nb201Angle.ts) uses the
 * same sums per block, never concatenating.
 */
import { NasError } from '../../../shared/errors';
import type { NamedArray } from '../store/checkpoint';
import { MODEL_PREFIX } from '../store/checkpointTensors';
import type { ParamStore } from '../supernet/params';
import type { Architecture } from '../space/searchSpace';

/** One block of an angle vector: a named tensor, or `size` copies of `value` (pooling). */
export type AngleBlock = { readonly name: string } | { readonly constant: number; readonly size: number };

/** How a space builds its angle vectors (A2). */
export interface AngleLayout {
  /** The non-searchable blocks (stem, reductions, head BN, classifier): the same for every child. */
  readonly fixed: readonly AngleBlock[];
  /** The searchable blocks of one child in vector order; a block may repeat (an edge on several paths). */
  archBlocks(arch: Architecture): AngleBlock[];
  /** Every tensor name a vector of this layout may read (to snapshot the current weights once). */
  readonly names: readonly string[];
}

/** Flat float32 values of a tensor by logical name; throws when the name is unknown. */
export type WeightLookup = (name: string) => Float32Array;

/** Running sums of one or more blocks: <a,b>, |a|^2, |b|^2 (a = W0, b = Wt). */
export interface AngleSums {
  dot: number;
  aa: number;
  bb: number;
}

/** The angle of two equal-length vectors, from their sums. */
export interface AngleValue {
  /** arccos(clamp(<a,b> / (|a| |b|), -1, 1)) in radians, in [0, pi]; 0 when `empty`. */
  readonly angle: number;
  /**
   * True when the vector has no entries (an `angle-cells` child whose every path is dropped or
   * skip-only): nothing was measured and the angle is 0 by definition (the child's weights
   * cannot have moved). Also true in the degenerate case of an all-zero vector.
   */
  readonly empty: boolean;
}

/**
 * arccos of the clamped cosine. Rounding can push the cosine of (nearly) parallel vectors past 1,
 * so it is clamped as the reference implementation's CosineSimilarity + acos effectively is.
 */
export function angleFromSums(sums: AngleSums): AngleValue {
  if (!(sums.aa > 0) || !(sums.bb > 0)) return { angle: 0, empty: true };
  const cos = sums.dot / (Math.sqrt(sums.aa) * Math.sqrt(sums.bb));
  return { angle: Math.acos(Math.min(1, Math.max(-1, cos))), empty: false };
}

/** The angle between two equal-length vectors (Float64 accumulation). */
export function vectorAngle(a: ArrayLike<number>, b: ArrayLike<number>): AngleValue {
  if (a.length !== b.length) throw new Error(`vectorAngle: lengths ${a.length} and ${b.length} differ`);
  return angleFromSums(pairSums(a, b));
}

/** <a,b>, |a|^2, |b|^2 of two equal-length arrays in Float64. */
export function pairSums(a: ArrayLike<number>, b: ArrayLike<number>): AngleSums {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return { dot, aa, bb };
}

/** The sums of one constant block of `size` entries equal to `value` in both vectors. */
export function constantSums(size: number, value: number): AngleSums {
  const s = size * value * value; // pooling: n/81 for value 1/9
  return { dot: s, aa: s, bb: s };
}

/** Adds `b` (times `times`) into `a` in place. */
export function addSums(a: AngleSums, b: AngleSums, times = 1): void {
  a.dot += b.dot * times;
  a.aa += b.aa * times;
  a.bb += b.bb * times;
}

/** The values of the blocks concatenated, in order (Float64). */
export function concatBlocks(blocks: readonly AngleBlock[], weights: WeightLookup): Float64Array {
  const parts = blocks.map((b) => ('name' in b ? weights(b.name) : new Float64Array(b.size).fill(b.constant)));
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The literal angle of one child: builds W0 and Wt by concatenation, exactly as A2's Algorithm 1
 * (fixed parts first, then the searchable blocks), and takes the angle. Slow but obviously right;
 * the reference the decomposed scorer is tested against.
 * @param cellsOnly leave the fixed parts out (`angle-cells`).
 */
export function literalAngle(layout: AngleLayout, reference: WeightLookup, current: WeightLookup, arch: Architecture, cellsOnly = false): AngleValue {
  const blocks = [...(cellsOnly ? [] : layout.fixed), ...layout.archBlocks(arch)];
  const w0 = concatBlocks(blocks, reference);
  const wt = concatBlocks(blocks, current);
  if (w0.length !== wt.length) throw new Error(`literalAngle: W0 has ${w0.length} entries, Wt ${wt.length}`);
  return vectorAngle(w0, wt);
}

/**
 * Weights of the 'reference' checkpoint (A2's W0), keyed `model/<logical name>`. A missing or
 * non-float tensor is a checkpoint of another network: NasError STORE_IO naming it.
 */
export function referenceLookup(arrays: Readonly<Record<string, NamedArray>>): WeightLookup {
  return (name) => {
    const array = arrays[`${MODEL_PREFIX}${name}`];
    if (!array || array.dtype !== 'float32') {
      throw new NasError('STORE_IO', `The angle reference has no float32 weight '${name}'.`, { fix: "Score with the 'reference' checkpoint of this experiment (same space and network size)." });
    }
    return array.data as Float32Array;
  };
}

/**
 * A snapshot of the supernet's current weights (Wt) for the given names, read asynchronously
 * (GPU backends need not block) and copied, so later training does not change it.
 */
export async function snapshotWeights(params: ParamStore, names: Iterable<string>): Promise<WeightLookup> {
  const values = new Map<string, Float32Array>();
  for (const name of names) {
    if (values.has(name)) continue;
    if (!params.has(name)) throw new NasError('INVALID_CONFIG', `The supernet has no weight '${name}' for the angle vector.`, { fix: 'Score with the supernet the reference was taken from.' });
    values.set(name, Float32Array.from((await params.get(name).data()) as Float32Array));
  }
  return (name) => {
    const v = values.get(name);
    if (!v) throw new Error(`snapshotWeights: '${name}' was not snapshotted`);
    return v;
  };
}
