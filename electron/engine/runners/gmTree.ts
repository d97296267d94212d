/**
 * The GM runner's view of the sub-supernet tree: the DTO the UI reads (shared/model/splitTree.ts)
 * from the engine's tree, node statuses, checkpoint names, and the root's space (full, explicit,
 * or an ABS experiment's shrunk space: issue #6 item 5).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../../shared/errors';
import type { SubSupernetTreeDto } from '../../../shared/model/splitTree';
import type { GmConfig } from '../split/gmConfig';
import type { NodeStatus, SubSupernetTree } from '../split/subSupernetTree';
import type { SearchSpace } from '../space/searchSpace';
import { fullState, validateState } from '../space/spaceState';
import type { SpaceState } from '../space/spaceState';

/** Checkpoint of node `id`: `init` (weights it starts from), `split` (at its split), `last` (a trained leaf). */
export function nodeCheckpoint(id: number, what: 'init' | 'split' | 'last'): string {
  return `node-${id}-${what}`;
}

/** A deep, mutable copy of the tree in the contract's shape. */
export function treeDto(tree: SubSupernetTree): SubSupernetTreeDto {
  return {
    nodes: tree.nodes.map((n) => ({
      id: n.id,
      parentId: n.parentId,
      depth: n.depth,
      state: { remaining: n.state.remaining.map((r) => [...r]), locked: [...n.state.locked], forceDropped: [...n.state.forceDropped] },
      splitEdge: n.splitEdge,
      groups: n.groups.map((g) => [...g]),
      groupIndex: n.groupIndex,
      distance: n.distance ? n.distance.map((r) => [...r]) : null,
      certainty: n.certainty ? { partitionMargin: n.certainty.partitionMargin, edgeMargin: n.certainty.edgeMargin, bootstrap: n.certainty.bootstrap ? { ...n.certainty.bootstrap } : null } : null,
      createdAtEpoch: n.createdAtEpoch,
      status: n.status,
      splitEdges: [...n.splitEdges],
    })),
  };
}

export function withStatus(tree: SubSupernetTree, id: number, status: NodeStatus): SubSupernetTree {
  return { nodes: tree.nodes.map((n) => (n.id === id ? { ...n, status } : n)) };
}

function stateFrom(space: SearchSpace, remaining: readonly (readonly string[])[], source: string): SpaceState {
  const state: SpaceState = { remaining: remaining.map((r) => [...r]), locked: [], forceDropped: [] };
  try {
    validateState(space, state);
  } catch (error) {
    throw new NasError('INVALID_CONFIG', `The root space from ${source} does not fit ${space.name}: ${(error as Error).message}`, { fix: 'Give one list of remaining op names per edge, each non-empty.' });
  }
  return state;
}

/** The root's space: gm.initialState, else the final state in gm.fromAbs's space.json, else the full space. */
export function rootState(space: SearchSpace, gm: GmConfig): { state: SpaceState; source: string } {
  if (gm.initialState) return { state: stateFrom(space, gm.initialState.remaining, 'gm.initialState'), source: 'gm.initialState' };
  if (gm.fromAbs) {
    const file = path.join(path.resolve(gm.fromAbs), 'space.json');
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new NasError('INVALID_CONFIG', `Cannot read the ABS space ${file}: ${(error as Error).message}`, { fix: 'Set gm.fromAbs to the directory of a finished ABS experiment (it holds space.json).' });
    }
    const remaining = (raw as { state?: { remaining?: unknown } }).state?.remaining;
    if (!Array.isArray(remaining) || !remaining.every((r) => Array.isArray(r) && r.every((op) => typeof op === 'string'))) {
      throw new NasError('INVALID_CONFIG', `${file} has no state.remaining (lists of op names).`, { fix: 'Point gm.fromAbs at an ABS experiment directory written by this app.' });
    }
    return { state: stateFrom(space, remaining as string[][], file), source: file };
  }
  return { state: fullState(space), source: 'full space' };
}
