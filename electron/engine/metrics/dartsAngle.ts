/**
 * DARTS angle vectors (ALGORITHMS.md A2, [ABS] DARTS/shrinking/angle.py):
 *
 * - Fixed parts: the stem conv, every cell's preprocessing convs (pre0: the 1x1 conv, or both
 *   FactorizedReduce convs after a reduction; pre1: the 1x1 conv) and the classifier weight
 *   (no BN parameters, no classifier bias).
 * - Each cell: the concatenation of its 16 path vectors. A path runs from input node 0 or 1
 *   through increasing intermediate nodes to node 5; its vector is the kernels of the ops on its
 *   edges: sep_conv dw1, pw1, dw2, pw2; dil_conv dw, pw; max/avg pool a constant [C,3,3] block of
 *   1/9; skip nothing (also in reduction cells, where it is really a FactorizedReduce); `none`
 *   on any edge drops the path. Normal cells read the architecture's normal half, reduction
 *   cells its reduction half.
 */
import { DARTS_EDGES_PER_CELL, dartsEdgeIndex } from '../space/dartsSpace';
import { dartsOp } from '../space/dartsOps';
import type { Architecture } from '../space/searchSpace';
import type { ParamStore } from '../supernet/params';
import type { AngleBlock, AngleLayout } from './angle';
import { POOL_VALUE } from './nb201Angle';

/** The 16 paths of a DARTS cell as edge indices: from node 0 or 1, through a subset of 2..4, to 5. */
export const DARTS_PATHS: readonly (readonly number[])[] = [0, 1].flatMap((start) =>
  [[2, 3, 4], [2, 3], [2, 4], [2], [3, 4], [3], [4], []].map((middle) => {
    const nodes = [start, ...middle, 5];
    return nodes.slice(1).map((to, i) => dartsEdgeIndex(to, nodes[i] as number));
  }),
);

/** One DARTS cell as the angle sees it. */
interface CellInfo {
  readonly name: string;
  /** C of the cell (pool blocks are C*9). */
  readonly channels: number;
  /** Where this cell's 14 ops start in an architecture (0 normal, 14 reduction). */
  readonly offset: number;
  readonly pre: readonly string[];
}

/** Cells, channels and reduction flags from a DARTS supernet's logical names. */
function dartsCells(params: ParamStore): CellInfo[] {
  const cells: CellInfo[] = [];
  for (let i = 0; params.has(`cell${i}/pre1/conv`); i++) {
    const channels = params.get(`cell${i}/pre1/conv`).shape[3] as number;
    // A reduction cell doubles C, and its input edges hold stride-2 skip weights (fr/...);
    // the doubling is the robust test: cell 0 is never a reduction cell.
    const previous = cells[i - 1];
    const reduction = previous !== undefined && channels > previous.channels;
    const pre0 = params.has(`cell${i}/pre0/conv`) ? [`cell${i}/pre0/conv`] : [`cell${i}/pre0/conv1`, `cell${i}/pre0/conv2`];
    cells.push({ name: `cell${i}`, channels, offset: reduction ? DARTS_EDGES_PER_CELL : 0, pre: [...pre0, `cell${i}/pre1/conv`] });
  }
  if (cells.length === 0) throw new Error('dartsAngleLayout: no DARTS cells (cell0/pre1/conv) in the supernet');
  return cells;
}

/** The angle blocks of op `op` on edge `e` of a cell; [] for skip (none is handled by the caller). */
function opBlocks(cell: CellInfo, e: number, op: string): AngleBlock[] {
  const prefix = `${cell.name}/e${e}/${op}`;
  switch (dartsOp(op).kind) {
    case 'sep_conv':
      return ['dw1', 'pw1', 'dw2', 'pw2'].map((t) => ({ name: `${prefix}/${t}` }));
    case 'dil_conv':
      return ['dw', 'pw'].map((t) => ({ name: `${prefix}/${t}` }));
    case 'max_pool':
    case 'avg_pool':
      return [{ constant: POOL_VALUE, size: cell.channels * 9 }];
    default:
      return [];
  }
}

/** The DARTS vector layout of a supernet (loop: cells, then paths, then edges). */
export function dartsAngleLayout(params: ParamStore): AngleLayout {
  const cells = dartsCells(params);
  const fixed = ['stem/conv', ...cells.flatMap((c) => c.pre), 'classifier/kernel'];
  const names = [...fixed];
  for (const [name] of params.entries()) if (/^cell\d+\/e\d+\/(sep|dil)_conv_\dx\d\/(dw|pw)\d?$/.test(name)) names.push(name);
  return {
    fixed: fixed.map((name) => ({ name })),
    names,
    archBlocks(arch: Architecture): AngleBlock[] {
      const blocks: AngleBlock[] = [];
      for (const cell of cells) {
        for (const path of DARTS_PATHS) {
          const ops = path.map((e) => arch[cell.offset + e] as string);
          if (ops.includes('none')) continue;
          path.forEach((e, i) => blocks.push(...opBlocks(cell, e, ops[i] as string)));
        }
      }
      return blocks;
    },
  };
}
