/**
 * The tree of sub-supernets of few-shot NAS and GM-NAS (ALGORITHMS.md B1, B5) as plain,
 * JSON-serialisable data (STYLE.md #7): it lives in the experiment record and crosses IPC.
 * The root is the one-shot supernet; splitting a node on edge e* gives one child per group, each
 * a copy of the parent's space state with e* restricted to its group (restrictChoice). The
 * functions never mutate a tree; they return a new one. Weights live in checkpoints, not here.
 */
import { NasError } from '../../../shared/errors';
import type { SearchSpace } from '../space/searchSpace';
import { restrictChoice, validateState, type SpaceState } from '../space/spaceState';
import type { SplitCertainty } from './edgeChoice';

/** training: being trained toward its next checkpoint; split: has children; done: a final leaf. */
export type NodeStatus = 'training' | 'split' | 'done';

export interface SubSupernetNode {
  readonly id: number;
  readonly parentId: number | null;
  readonly depth: number;
  /** The parent's state with the split edge restricted to this node's group. */
  readonly state: SpaceState;
  /** The choice index the parent split on to make this node; null for the root. */
  readonly splitEdge: number | null;
  /** Every group of that split (op names; this node holds groups[groupIndex]); [] for the root. */
  readonly groups: readonly (readonly string[])[];
  readonly groupIndex: number | null;
  /** The split's GM distances (rows/columns = the parent's remaining ops on the edge, in order); null for exhaustive splits and the root. */
  readonly distance: readonly (readonly number[])[] | null;
  readonly certainty: SplitCertainty | null;
  readonly createdAtEpoch: number;
  readonly status: NodeStatus;
  /** Edges already split on the way from the root (not candidates again, B4). */
  readonly splitEdges: readonly number[];
}

export interface SubSupernetTree {
  readonly nodes: readonly SubSupernetNode[];
}

/** A tree holding only the root (the one-shot supernet over `state`). */
export function createTree(state: SpaceState, epoch = 0): SubSupernetTree {
  return { nodes: [{ id: 0, parentId: null, depth: 0, state, splitEdge: null, groups: [], groupIndex: null, distance: null, certainty: null, createdAtEpoch: epoch, status: 'training', splitEdges: [] }] };
}

export function getNode(tree: SubSupernetTree, id: number): SubSupernetNode {
  const node = tree.nodes.find((n) => n.id === id);
  if (!node) throw new NasError('INVALID_CONFIG', `The sub-supernet tree has no node ${id}.`, { fix: `Use one of: ${tree.nodes.map((n) => n.id).join(', ')}.` });
  return node;
}

/** Nodes without children, in id order (the sub-supernets currently trained or final). */
export function leaves(tree: SubSupernetTree): SubSupernetNode[] {
  return tree.nodes.filter((n) => n.status !== 'split');
}

export function children(tree: SubSupernetTree, id: number): SubSupernetNode[] {
  return tree.nodes.filter((n) => n.parentId === id);
}

/** Edges a node may still split on: not split on its path, with at least 2 remaining ops (optionally within `allowed`, e.g. DARTS' 14 normal edges). */
export function splittableEdges(node: SubSupernetNode, allowed?: readonly number[]): number[] {
  const all = allowed ?? node.state.remaining.map((_, i) => i);
  return all.filter((c) => !node.splitEdges.includes(c) && (node.state.remaining[c]?.length ?? 0) >= 2);
}

export interface SplitSpec {
  readonly choiceIndex: number;
  /** The groups (op names); together exactly the node's remaining ops on the edge, disjoint, non-empty. */
  readonly groups: readonly (readonly string[])[];
  readonly distance?: readonly (readonly number[])[] | null;
  readonly certainty?: SplitCertainty | null;
  readonly epoch: number;
  /** Mark the children `done` (the final split) instead of `training`. */
  readonly final?: boolean;
}

function checkGroups(space: SearchSpace, node: SubSupernetNode, spec: SplitSpec): void {
  const choice = space.choices[spec.choiceIndex];
  const remaining = node.state.remaining[spec.choiceIndex];
  if (!choice || !remaining) throw new NasError('INVALID_CONFIG', `Choice index ${spec.choiceIndex} is outside ${space.name}.`, { fix: 'Split an edge or layer of the space.' });
  if (node.splitEdges.includes(spec.choiceIndex)) throw new NasError('INVALID_CONFIG', `Node ${node.id} was already split on ${choice.id}.`, { fix: 'Pick an edge that is not yet split.' });
  const flat = spec.groups.flat();
  const sameSet = flat.length === remaining.length && new Set(flat).size === flat.length && remaining.every((op) => flat.includes(op));
  if (spec.groups.length < 2 || spec.groups.some((g) => g.length === 0) || !sameSet) {
    throw new NasError('INVALID_CONFIG', `The groups ${JSON.stringify(spec.groups)} do not partition the ops left on ${choice.id} (${remaining.join(', ')}).`, {
      fix: 'Give at least two disjoint non-empty groups that together hold every remaining op.',
    });
  }
}

/**
 * Splits a leaf into one child per group on `spec.choiceIndex`; the parent becomes `split`.
 * @throws NasError INVALID_CONFIG for a non-leaf, an edge already split, or groups that do not
 *   partition the remaining ops.
 */
export function splitNode(tree: SubSupernetTree, space: SearchSpace, nodeId: number, spec: SplitSpec): SubSupernetTree {
  const node = getNode(tree, nodeId);
  if (node.status === 'split') throw new NasError('INVALID_CONFIG', `Node ${nodeId} is already split.`, { fix: 'Split a leaf.' });
  checkGroups(space, node, spec);
  let nextId = Math.max(...tree.nodes.map((n) => n.id)) + 1;
  const kids: SubSupernetNode[] = spec.groups.map((group, groupIndex) => {
    const state = restrictChoice(space, node.state, spec.choiceIndex, group);
    validateState(space, state);
    return {
      id: nextId++,
      parentId: node.id,
      depth: node.depth + 1,
      state,
      splitEdge: spec.choiceIndex,
      groups: spec.groups.map((g) => [...g]),
      groupIndex,
      distance: spec.distance ?? null,
      certainty: spec.certainty ?? null,
      createdAtEpoch: spec.epoch,
      status: spec.final ? 'done' : 'training',
      splitEdges: [...node.splitEdges, spec.choiceIndex],
    };
  });
  return { nodes: [...tree.nodes.map((n) => (n.id === nodeId ? { ...n, status: 'split' as const } : n)), ...kids] };
}

/** Few-shot NAS's exhaustive split (B1): one child per remaining op of the edge. */
export function exhaustiveSplit(tree: SubSupernetTree, space: SearchSpace, nodeId: number, choiceIndex: number, epoch: number, final = false): SubSupernetTree {
  const ops = getNode(tree, nodeId).state.remaining[choiceIndex] ?? [];
  return splitNode(tree, space, nodeId, { choiceIndex, groups: ops.map((op) => [op]), epoch, final });
}
