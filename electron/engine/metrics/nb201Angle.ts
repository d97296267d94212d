/**
 * NB201 angle vectors (ALGORITHMS.md A2, [ABS] NAS-Bench-201/exps/angle/weight_angle.py) and
 * their decomposed form for exhaustive scoring (project decision "Exhaustive where cheap").
 *
 * Vector = fixed parts (classifier W, b; head BN gamma, beta; stem conv, stem BN gamma, beta;
 * per reduction block: conv a, BN a gamma, beta, conv b, BN b gamma, beta, shortcut conv), then
 * for each of the four paths 0->3, 0->2->3, 0->1->2->3, 0->1->3 and each cell, the kernels of the
 * ops on the path's edges: conv ops their kernel, avg_pool a constant C*3*3 block of 1/9, skip
 * nothing, and a `none` anywhere on the path drops the path for that cell. Cell BN is affine-free
 * and running statistics never enter, so neither appears.
 *
 * Decomposition: the dot product and both squared norms of a concatenation are sums over its
 * blocks, so they are precomputed once per (cell, edge, op) and summed per architecture. All
 * cells share the genotype, so the per-cell sums are added up per (edge, op) right away; a path
 * then adds the totals of its edges (an edge on two paths counts twice, as in the vector).
 */
import { NasError } from '../../../shared/errors';
import { NB201_OPS, nb201Op } from '../space/nb201Ops';
import { NB201_EDGES } from '../space/nb201Space';
import type { Architecture } from '../space/searchSpace';
import type { ParamStore } from '../supernet/params';
import { addSums, angleFromSums, constantSums, pairSums, type AngleBlock, type AngleLayout, type AngleSums, type AngleValue, type WeightLookup } from './angle';

/** The NB201 network dimensions the angle vector depends on. */
export interface Nb201AngleShape {
  /** C, the channels of the first stage (stage s has C * 2^s). */
  readonly channels: number;
  /** Searchable cells, numbered 0..cells-1 across the three stages. */
  readonly cells: number;
  /** Ops with weights per edge and cell: the conv ops the supernet was built with. */
  readonly convOps: readonly string[];
  /**
   * `e/op` pairs of conv ops whose weights were released after ABS dropped them
   * (Nb201Supernet.releaseOp); present only when there are some. They cannot be scored, and no
   * architecture of the shrunk space uses them.
   */
  readonly released?: readonly string[];
}

function isReleased(shape: Nb201AngleShape, e: number, op: string): boolean {
  return shape.released?.includes(`${e}/${op}`) ?? false;
}

function edgeIndex(to: number, from: number): number {
  const e = NB201_EDGES.findIndex((edge) => edge.to === to && edge.from === from);
  if (e < 0) throw new Error(`NB201 has no edge ${to}<-${from}`);
  return e;
}

/** The four input-to-output paths of the cell as edge indices, in ABS's order. */
export const NB201_PATHS: readonly (readonly number[])[] = [
  [edgeIndex(3, 0)],
  [edgeIndex(2, 0), edgeIndex(3, 2)],
  [edgeIndex(1, 0), edgeIndex(2, 1), edgeIndex(3, 2)],
  [edgeIndex(1, 0), edgeIndex(3, 1)],
];

/** The pooling constant of A2: 1/9 per entry of a [C, 3, 3] block. */
export const POOL_VALUE = 1 / 9;

/** Reads C, the cell count and the conv ops from an NB201 supernet's logical names. */
export function nb201AngleShape(params: ParamStore): Nb201AngleShape {
  if (!params.has('stem/conv')) throw new NasError('INVALID_CONFIG', 'The angle metric needs an NB201 supernet (no stem/conv weight found).', { fix: 'Use an NB201 space.' });
  const channels = params.get('stem/conv').shape[3] as number;
  let cells = 0;
  const convOps = new Set<string>();
  for (const [name] of params.entries()) {
    const m = /^cell(\d+)\/e\d+\/([^/]+)\/conv$/.exec(name);
    if (!m) continue;
    cells = Math.max(cells, Number(m[1]) + 1);
    convOps.add(m[2] as string);
  }
  if (cells % 3 !== 0 || cells === 0) throw new Error(`nb201AngleShape: ${cells} cells is not three stages`);
  const ops = NB201_OPS.filter((op) => convOps.has(op));
  const released = NB201_EDGES.flatMap((_, e) => ops.filter((op) => !params.has(`cell0/e${e}/${op}/conv`)).map((op) => `${e}/${op}`));
  return { channels, cells, convOps: ops, ...(released.length > 0 ? { released } : {}) };
}

/** Channels of cell `i` (stage = i / (cells / 3)). */
export function nb201CellChannels(shape: Nb201AngleShape, cell: number): number {
  return shape.channels * 2 ** Math.floor(cell / (shape.cells / 3));
}

/** The fixed blocks in A2's order (classifier, head BN, stem, reduction blocks). */
export function nb201FixedNames(): string[] {
  const bn = (p: string) => [`${p}/gamma`, `${p}/beta`];
  const reduction = (s: number) => [`reduce${s}/a/conv`, ...bn(`reduce${s}/a/bn`), `reduce${s}/b/conv`, ...bn(`reduce${s}/b/bn`), `reduce${s}/shortcut/conv`];
  return ['classifier/kernel', 'classifier/bias', ...bn('head/bn'), 'stem/conv', ...bn('stem/bn'), ...reduction(1), ...reduction(2)];
}

/** Every tensor an NB201 angle vector may read: the fixed names, then every cell conv kernel. */
export function nb201AngleNames(shape: Nb201AngleShape): string[] {
  const names = nb201FixedNames();
  for (let c = 0; c < shape.cells; c++) NB201_EDGES.forEach((_, e) => shape.convOps.forEach((op) => isReleased(shape, e, op) || names.push(`cell${c}/e${e}/${op}/conv`)));
  return names;
}

/** The block of op `op` on edge `e` of cell `c`, or null when the op adds nothing (skip). */
function opBlock(shape: Nb201AngleShape, c: number, e: number, op: string): AngleBlock | null {
  const spec = nb201Op(op);
  if (spec.kind === 'relu_conv_bn') return { name: `cell${c}/e${e}/${op}/conv` };
  if (spec.kind === 'avg_pool') return { constant: POOL_VALUE, size: nb201CellChannels(shape, c) * 9 };
  return null; // identity; `none` is handled by the caller (it drops the path)
}

/** The literal NB201 vector layout (A2): loop over paths, then cells. */
export function nb201AngleLayout(shape: Nb201AngleShape): AngleLayout {
  return {
    fixed: nb201FixedNames().map((name) => ({ name })),
    names: nb201AngleNames(shape),
    archBlocks(arch: Architecture): AngleBlock[] {
      const blocks: AngleBlock[] = [];
      for (const path of NB201_PATHS) {
        if (path.some((e) => arch[e] === 'none')) continue;
        for (let c = 0; c < shape.cells; c++) {
          for (const e of path) {
            const block = opBlock(shape, c, e, arch[e] as string);
            if (block) blocks.push(block);
          }
        }
      }
      return blocks;
    },
  };
}

const zero = (): AngleSums => ({ dot: 0, aa: 0, bb: 0 });

/**
 * Precomputed sums for scoring many NB201 architectures: build once per (reference, current)
 * pair, then {@link score} costs four paths of at most three additions each.
 */
export class Nb201AngleTable {
  private readonly opIndex = new Map<string, number>(NB201_OPS.map((op, k) => [op, k]));

  private constructor(
    /** Sums of the fixed parts. */
    readonly fixed: AngleSums,
    /** edgeOp[e][k]: op NB201_OPS[k] on edge e summed over all cells; null when the supernet lacks that op. */
    private readonly edgeOp: readonly (readonly (AngleSums | null)[])[],
  ) {}

  /** Per-tensor sums from the two weight sets; nothing is concatenated. */
  static build(shape: Nb201AngleShape, reference: WeightLookup, current: WeightLookup): Nb201AngleTable {
    const tensorSums = (name: string): AngleSums => {
      const a = reference(name);
      const b = current(name);
      if (a.length !== b.length) throw new NasError('STORE_IO', `The angle reference's '${name}' has ${a.length} values, the supernet's ${b.length}.`, { fix: 'Use the reference checkpoint of this supernet.' });
      return pairSums(a, b);
    };
    const fixed = zero();
    for (const name of nb201FixedNames()) addSums(fixed, tensorSums(name));
    const edgeOp = NB201_EDGES.map((_, e) =>
      NB201_OPS.map((op) => {
        const kind = nb201Op(op).kind;
        if (kind === 'relu_conv_bn' && (!shape.convOps.includes(op) || isReleased(shape, e, op))) return null;
        const total = zero();
        for (let c = 0; c < shape.cells; c++) {
          const block = opBlock(shape, c, e, op);
          if (block) addSums(total, 'name' in block ? tensorSums(block.name) : constantSums(block.size, block.constant));
        }
        return total;
      }),
    );
    return new Nb201AngleTable(fixed, edgeOp);
  }

  /** The sums of one architecture's vector (fixed parts included unless `cellsOnly`). */
  sums(arch: Architecture, cellsOnly = false): AngleSums {
    const total = cellsOnly ? zero() : { ...this.fixed };
    const ks = NB201_EDGES.map((_, e) => {
      const k = this.opIndex.get(arch[e] as string);
      if (k === undefined) throw new NasError('INVALID_CONFIG', `Unknown NB201 op '${String(arch[e])}' on edge ${e}.`, { fix: `Use one of: ${NB201_OPS.join(', ')}.` });
      return k;
    });
    for (const path of NB201_PATHS) {
      if (path.some((e) => arch[e] === 'none')) continue;
      for (const e of path) {
        const s = this.edgeOp[e]?.[ks[e] as number];
        if (s === null || s === undefined) throw new NasError('INVALID_CONFIG', `The supernet has no weights for '${String(arch[e])}' on edge ${e}.`, { fix: 'Score only ops the supernet was built with.' });
        addSums(total, s);
      }
    }
    return total;
  }

  /** The angle of one architecture; `cellsOnly` for `angle-cells`. */
  score(arch: Architecture, cellsOnly = false): AngleValue {
    return angleFromSums(this.sums(arch, cellsOnly));
  }
}
