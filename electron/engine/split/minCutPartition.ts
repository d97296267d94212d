/**
 * GM-NAS's partition of one edge's ops (ALGORITHMS.md B3): the ops are nodes of a graph whose
 * edge weights are the GM distances D_ij; choose the k-way partition that minimises the summed
 * within-group distance (the min-cut on the similarity graph for fixed group sizes).
 *
 * - 2-way, NB201 (`mincut_split_201`): every pair as group 1 against the other 3 ops.
 * - 2-way, DARTS (`mincut_split_darts`): every subset of size 2..floor(n/2) against its complement.
 *   For 5 ops both rules enumerate the same 10 partitions, so one 2-way rule serves both.
 * - k-way (Proxyless 3-way): a clean enumeration of every set partition into exactly k
 *   non-empty groups (restricted growth strings); the official 3-way code accumulates the cut
 *   without resetting it, which we do not reproduce.
 *
 * Groups are lists of op indices (rows of D), each sorted ascending, and groups are ordered by
 * their smallest index, so a partition has one canonical form (and a canonical string key).
 */
import { NasError } from '../../../shared/errors';

/** A partition of op indices 0..n-1 into groups (canonical: sorted groups, ordered by first index). */
export type Partition = number[][];

export interface PartitionOptions {
  /** Number of groups (2 for NB201 and DARTS; 3 for Proxyless' second split). Default 2. */
  readonly groups?: number;
  /**
   * Smallest allowed group. Default: 2 for a 2-way split of >= 4 ops (B3: group 1 has 2..floor(n/2)
   * ops), else 1 (a 2-way split of 2 or 3 ops, e.g. an edge ABS already shrank; any k-way split).
   */
  readonly minGroupSize?: number;
}

export interface PartitionResult {
  /** The best partition and its summed within-group distance. */
  readonly groups: Partition;
  readonly cost: number;
  /** The runner-up (null when only one partition is allowed) and its cost. */
  readonly second: { readonly groups: Partition; readonly cost: number } | null;
  /** second.cost - cost (>= 0); 0 when there is no runner-up. A small margin is a weak decision. */
  readonly margin: number;
  /** How many partitions were compared. */
  readonly count: number;
}

/** The canonical string of a partition, e.g. `0,3|1,2,4` (for equality tests and bootstrap counts). */
export function partitionKey(p: Partition): string {
  return p.map((g) => g.join(',')).join('|');
}

/** Summed within-group distance: sum over groups of sum_{i<j in group} D[i][j]. */
export function withinCost(d: readonly (readonly number[])[], p: Partition): number {
  let cost = 0;
  for (const g of p) {
    for (let a = 0; a < g.length; a++) for (let b = a + 1; b < g.length; b++) cost += d[g[a] as number]?.[g[b] as number] ?? 0;
  }
  return cost;
}

/** Sum of D over all unordered pairs i<j. */
export function totalDistance(d: readonly (readonly number[])[]): number {
  let sum = 0;
  for (let i = 0; i < d.length; i++) for (let j = i + 1; j < d.length; j++) sum += d[i]?.[j] ?? 0;
  return sum;
}

function defaultMinSize(n: number, k: number): number {
  return k === 2 && n >= 4 ? 2 : 1;
}

/**
 * Every partition of 0..n-1 into exactly k non-empty groups of at least `minSize` ops, in a
 * fixed order (restricted growth strings in lexicographic order), canonical form.
 */
export function* enumeratePartitions(n: number, k: number, minSize = 1): Generator<Partition> {
  const label = new Array<number>(n).fill(0);
  // label[i] <= max(label[0..i-1]) + 1 makes each set partition appear exactly once, with
  // groups numbered by first appearance, i.e. already in canonical order.
  function* rec(i: number, used: number): Generator<Partition> {
    if (n - i < k - used) return; // not enough ops left to open the missing groups
    if (i === n) {
      const groups: Partition = Array.from({ length: k }, () => []);
      label.forEach((l, op) => groups[l]?.push(op));
      if (groups.every((g) => g.length >= minSize)) yield groups;
      return;
    }
    for (let l = 0; l <= Math.min(used, k - 1); l++) {
      label[i] = l;
      yield* rec(i + 1, Math.max(used, l + 1));
    }
  }
  if (n > 0) yield* rec(0, 0);
}

function checkMatrix(d: readonly (readonly number[])[]): void {
  const n = d.length;
  for (let i = 0; i < n; i++) {
    const row = d[i] as readonly number[];
    if (row.length !== n) throw new NasError('INVALID_CONFIG', `The distance matrix is not square: row ${i} has ${row.length} entries, expected ${n}.`, { fix: 'Pass the ops x ops GM distance matrix.' });
    if (row.some((v) => !Number.isFinite(v))) throw new NasError('INVALID_CONFIG', `The distance matrix has a non-finite entry in row ${i}.`, { fix: 'Check the GM score for NaN gradients (a diverged supernet).' });
  }
}

/**
 * The min-cut partition of one edge's ops (B3).
 * @param d symmetric ops x ops distances (only i<j is read).
 * @throws NasError INVALID_CONFIG when no partition fits (fewer ops than groups, or sizes too large).
 */
export function minCutPartition(d: readonly (readonly number[])[], options: PartitionOptions = {}): PartitionResult {
  checkMatrix(d);
  const n = d.length;
  const k = options.groups ?? 2;
  const minSize = options.minGroupSize ?? defaultMinSize(n, k);
  let best: { groups: Partition; cost: number } | null = null;
  let second: { groups: Partition; cost: number } | null = null;
  let count = 0;
  for (const p of enumeratePartitions(n, k, minSize)) {
    count++;
    const cost = withinCost(d, p);
    // Strict comparisons: ties keep the earlier partition in enumeration order (deterministic).
    if (best === null || cost < best.cost) {
      second = best;
      best = { groups: p, cost };
    } else if (second === null || cost < second.cost) {
      second = { groups: p, cost };
    }
  }
  if (best === null) {
    throw new NasError('INVALID_CONFIG', `Cannot split ${n} ops into ${k} groups of at least ${minSize}.`, { fix: 'Split an edge that still has enough ops, or use fewer groups.' });
  }
  return { groups: best.groups, cost: best.cost, second, margin: second ? second.cost - best.cost : 0, count };
}
