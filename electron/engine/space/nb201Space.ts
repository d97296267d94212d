/**
 * The NAS-Bench-201 cell space: 4 nodes, 6 edges i<-j, one op per edge, shared by every cell.
 *
 * Architecture strings follow NAS-Bench-201 exactly, so results join with its tables:
 * `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` lists the edges into node 1, then node 2, then node 3,
 * each as `op~source`.
 */
import { NB201_OPS, nb201Op } from './nb201Ops';

/** One edge of the cell: data flows from node `from` into node `to`. */
export interface Nb201Edge {
  readonly to: number;
  readonly from: number;
}

/** Edge order of NB201 (and of genotype arrays): 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. */
export const NB201_EDGES: readonly Nb201Edge[] = [
  { to: 1, from: 0 },
  { to: 2, from: 0 },
  { to: 2, from: 1 },
  { to: 3, from: 0 },
  { to: 3, from: 1 },
  { to: 3, from: 2 },
];

/** Number of nodes in a cell (node 0 is the input, node 3 the output). */
export const NB201_NODES = 4;

/** One op name per edge, in {@link NB201_EDGES} order. */
export type Nb201Genotype = readonly string[];

/** 5^6 = 15,625. */
export const NB201_SPACE_SIZE = NB201_OPS.length ** NB201_EDGES.length;

function checkGenotype(genotype: Nb201Genotype): void {
  if (genotype.length !== NB201_EDGES.length) {
    throw new Error(`An NB201 genotype has ${NB201_EDGES.length} ops (one per edge), got ${genotype.length}`);
  }
  for (const op of genotype) nb201Op(op);
}

/** The canonical NB201 string of a genotype, e.g. `|nor_conv_3x3~0|+|skip_connect~0|none~1|+|...`. */
export function formatNb201(genotype: Nb201Genotype): string {
  checkGenotype(genotype);
  const parts: string[] = [];
  for (let node = 1; node < NB201_NODES; node++) {
    const ops = NB201_EDGES.map((edge, index) => ({ edge, op: genotype[index] as string })).filter(({ edge }) => edge.to === node);
    parts.push('|' + ops.map(({ edge, op }) => `${op}~${edge.from}`).join('|') + '|');
  }
  return parts.join('+');
}

/** Parses a canonical NB201 string; throws naming the offending part when it is malformed. */
export function parseNb201(text: string): string[] {
  const nodes = text.trim().split('+');
  if (nodes.length !== NB201_NODES - 1) throw new Error(`'${text}' is not an NB201 architecture: expected ${NB201_NODES - 1} nodes separated by '+'`);
  const genotype: string[] = [];
  nodes.forEach((node, nodeIndex) => {
    const to = nodeIndex + 1;
    if (!node.startsWith('|') || !node.endsWith('|')) throw new Error(`NB201 node '${node}' must start and end with '|'`);
    const edges = node.slice(1, -1).split('|');
    if (edges.length !== to) throw new Error(`NB201 node ${to} needs ${to} inputs, got '${node}'`);
    edges.forEach((edge, from) => {
      const [op, source] = edge.split('~');
      if (op === undefined || source !== String(from)) throw new Error(`NB201 edge '${edge}' into node ${to} must read 'op~${from}'`);
      nb201Op(op);
      genotype.push(op);
    });
  });
  return genotype;
}

/** The i-th architecture (0 <= i < 15,625) in base-5 order with edge 0 as the most significant digit. */
export function nb201FromIndex(index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= NB201_SPACE_SIZE) throw new Error(`NB201 index ${index} is out of range`);
  const genotype: string[] = new Array<string>(NB201_EDGES.length);
  let rest = index;
  for (let e = NB201_EDGES.length - 1; e >= 0; e--) {
    genotype[e] = NB201_OPS[rest % NB201_OPS.length] as string;
    rest = Math.floor(rest / NB201_OPS.length);
  }
  return genotype;
}

/**
 * For each node, whether it carries signal from the input (some path of non-`none` edges
 * from node 0). Index 0 is always true; the cell output is dead when index 3 is false.
 */
export function nb201LiveNodes(genotype: Nb201Genotype): boolean[] {
  checkGenotype(genotype);
  const live = [true, false, false, false];
  NB201_EDGES.forEach((edge, e) => {
    if (genotype[e] !== 'none' && live[edge.from]) live[edge.to] = true;
  });
  return live;
}
