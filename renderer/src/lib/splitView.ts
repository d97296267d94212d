/**
 * The GM-NAS / few-shot sub-supernet tree as the views show it: which node split from which, on
 * which edge, into which groups, the gradient-matching distances that decided it, how certain
 * that decision was, and each node's candidates. Built from the tree DTO
 * (shared/model/splitTree.ts; results.json `tree`, or the last `split` event's `tree` while the
 * run is live) and the `split` events (rule, edge scores). Plain functions, no Vue.
 */
import { z } from 'zod';
import { subSupernetTreeSchema, type SplitCertaintyDto, type SubSupernetNodeDto, type SubSupernetTreeDto } from '../../../shared/model/splitTree';
import type { JobTimeline, SplitEvent } from './jobTimeline';
import type { SpaceChoice } from './spaceTree';

/** How far a split decision can be trusted, for a badge and a sentence. */
export type CertaintyLevel = 'decided' | 'uncertain' | 'noise' | 'unmeasured' | 'rule';

export interface CertaintyVerdict {
  level: CertaintyLevel;
  /** "decided", "uncertain", "noise level", … */
  label: string;
  /** One sentence with the numbers behind the label. */
  text: string;
}

/**
 * Bootstrap agreement at or above which a split counts as decided by the data, and below which
 * it is no better than noise. On pure noise the joint edge-and-partition frequency of the
 * engine's bootstrap stays near 0.3 (issue 6 note), so 0.6 leaves a wide gap above chance.
 */
export const DECIDED_FREQUENCY = 0.9;
export const NOISE_FREQUENCY = 0.6;

/** One split of a node into its children. */
export interface SplitInfo {
  /** The parent's choice index and the edge's id/label. */
  edgeIndex: number;
  edgeId: string;
  edgeLabel: string;
  epoch: number;
  /** 'gm', 'exhaustive', 'random', 'predefined'; null when only the tree is known. */
  rule: string | null;
  /** The parent's remaining ops on the edge: rows and columns of `distance`. */
  ops: string[];
  groups: string[][];
  distance: number[][] | null;
  certainty: SplitCertaintyDto | null;
  verdict: CertaintyVerdict;
  /** Every edge scored for the decision (edge id → the rule's score), best first; [] when none. */
  candidates: { edgeId: string; edgeLabel: string; score: number }[];
  childIds: number[];
}

/** A candidate architecture of one sub-supernet (results.json). */
export interface NodeCandidate {
  architecture: string;
  fitness: number | null;
  metrics: Record<string, number>;
}

export interface SplitNodeView {
  id: number;
  parentId: number | null;
  depth: number;
  status: SubSupernetNodeDto['status'];
  createdAtEpoch: number;
  /** "supernet" for the root, else "edge 2←0 ∈ {none, skip_connect}". */
  label: string;
  /** What this node holds on the edge its parent split on; [] for the root. */
  group: string[];
  /** Architectures in this sub-supernet. */
  size: number;
  childIds: number[];
  /** How this node was split, when it was. */
  split: SplitInfo | null;
  /** The certainty of the split that made this node (its parent's split). */
  madeBy: CertaintyVerdict | null;
  candidates: NodeCandidate[];
}

export interface SplitTreeView {
  nodes: SplitNodeView[];
  /** Nodes in depth-first order (parents before children), for an indented list. */
  order: number[];
  rootId: number | null;
}

/** The verdict on one split's certainty. */
export function certaintyVerdict(rule: string | null, certainty: SplitCertaintyDto | null, distance: readonly (readonly number[])[] | null): CertaintyVerdict {
  if (rule === 'exhaustive' || rule === 'predefined' || rule === 'random' || (rule === null && distance === null)) {
    const how = rule === 'exhaustive' ? 'one sub-supernet per operator (few-shot)' : rule ? `the ${rule} rule` : 'a fixed rule';
    return { level: 'rule', label: 'by rule', text: `Split by ${how}, not decided by gradient matching.` };
  }
  const bootstrap = certainty?.bootstrap ?? null;
  const margin = certainty ? `partition margin ${formatMargin(certainty.partitionMargin)}${certainty.edgeMargin !== null ? `, edge margin ${formatMargin(certainty.edgeMargin)}` : ''}` : 'no margins recorded';
  if (!bootstrap) return { level: 'unmeasured', label: 'not measured', text: `No bootstrap over the repeats (${margin}): how stable this split is is unknown.` };
  const frequencies = [bootstrap.partitionFrequency, bootstrap.jointFrequency].filter((f): f is number => f !== null);
  const lowest = Math.min(...frequencies);
  const parts = [`same partition in ${percent(bootstrap.partitionFrequency)}`];
  if (bootstrap.edgeFrequency !== null) parts.push(`same edge in ${percent(bootstrap.edgeFrequency)}`);
  if (bootstrap.jointFrequency !== null) parts.push(`both in ${percent(bootstrap.jointFrequency)}`);
  const sentence = `${parts.join(', ')} of ${bootstrap.samples} bootstrap resamples; ${margin}.`;
  if (lowest >= DECIDED_FREQUENCY) return { level: 'decided', label: 'decided', text: `Stable: ${sentence}` };
  if (lowest >= NOISE_FREQUENCY) return { level: 'uncertain', label: 'uncertain', text: `Not stable: ${sentence}` };
  return { level: 'noise', label: 'noise level', text: `Decided by noise: ${sentence} Another draw of batches would likely split differently.` };
}

function percent(value: number): string {
  return `${Math.round(value * 100)} %`;
}

function formatMargin(value: number): string {
  return Math.abs(value) >= 0.01 || value === 0 ? value.toFixed(3) : value.toExponential(2);
}

/** The tree to show: results.json's when it parses, else the last split event's; null when neither. */
export function currentTree(splits: readonly SplitEvent[], results: Record<string, unknown> | null | undefined): SubSupernetTreeDto | null {
  const fromResults = subSupernetTreeSchema.safeParse(results?.['tree']);
  if (fromResults.success && fromResults.data.nodes.length > 0) return fromResults.data;
  const last = splits[splits.length - 1];
  return last ? last.tree : null;
}

/**
 * The node whose curves the run-wide charts show: null when the run has metrics without a node
 * (one-network runs); else, before any split, the lowest node id (the one-shot supernet). Once a
 * tree exists, curves are per node in the split panel and this is not used.
 */
export function runWideNode(timeline: Pick<JobTimeline, 'metrics' | 'nodeMetrics'>): number | null {
  if (Object.keys(timeline.metrics).length > 0) return null;
  const nodes = Object.keys(timeline.nodeMetrics).map(Number);
  return nodes.length ? Math.min(...nodes) : null;
}

/**
 * Whether a split run (GM-NAS, few-shot) has run-wide curves to chart besides its tree: only when
 * none of its metrics names a sub-supernet. Otherwise its metrics without a node are the final
 * pick's stand-alone trainings (successive halving, one network after another), which one line
 * would zigzag through; results.json keeps their rounds.
 */
export function splitRunHasRunWideCurves(timeline: Pick<JobTimeline, 'metrics' | 'nodeMetrics'>): boolean {
  return Object.keys(timeline.metrics).length > 0 && Object.keys(timeline.nodeMetrics).length === 0;
}

/** Whether a run has a sub-supernet tree to show. */
export function isSplitRun(splits: readonly SplitEvent[], results: Record<string, unknown> | null | undefined): boolean {
  return currentTree(splits, results) !== null;
}

const candidateSchema = z.object({
  architecture: z.string(),
  fitness: z.number().nullable().optional(),
  accuracy: z.number().nullable().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
});

/**
 * Candidates per node from results.json, read leniently: the GM runner's `nodes[].candidates`
 * and `leafCandidates` (`{ node, architecture, fitness }`), also `candidates` as
 * `{ "<node id>": [candidate…] }` or `[{ node, …candidate }]`, and `best` entries that carry a
 * `node`. A candidate is `{ architecture, fitness | accuracy, metrics? }`; duplicates are merged.
 */
export function nodeCandidates(results: Record<string, unknown> | null | undefined): Map<number, NodeCandidate[]> {
  const out = new Map<number, NodeCandidate[]>();
  const add = (node: unknown, raw: unknown): void => {
    const id = typeof node === 'number' ? node : typeof node === 'string' && /^\d+$/.test(node) ? Number(node) : null;
    const parsed = candidateSchema.safeParse(raw);
    if (id === null || !parsed.success) return;
    const { architecture, fitness, accuracy, metrics } = parsed.data;
    const list = out.get(id) ?? [];
    if (!list.some((c) => c.architecture === architecture)) list.push({ architecture, fitness: fitness ?? accuracy ?? null, metrics: metrics ?? {} });
    out.set(id, list);
  };
  const candidates = results?.['candidates'];
  if (Array.isArray(candidates)) for (const entry of candidates) add((entry as Record<string, unknown> | null)?.['node'], entry);
  else if (candidates && typeof candidates === 'object') {
    for (const [node, list] of Object.entries(candidates)) if (Array.isArray(list)) for (const entry of list) add(node, entry);
  }
  const nodes = results?.['nodes'];
  if (Array.isArray(nodes)) {
    for (const node of nodes) {
      const record = node as Record<string, unknown> | null;
      if (Array.isArray(record?.['candidates'])) for (const entry of record['candidates'] as unknown[]) add(record['id'], entry);
    }
  }
  const leafCandidates = results?.['leafCandidates'];
  if (Array.isArray(leafCandidates)) for (const entry of leafCandidates) add((entry as Record<string, unknown> | null)?.['node'], entry);
  const best = results?.['best'];
  if (Array.isArray(best)) for (const entry of best) add((entry as Record<string, unknown> | null)?.['node'], entry);
  for (const list of out.values()) list.sort((a, b) => (b.fitness ?? -Infinity) - (a.fitness ?? -Infinity));
  return out;
}

/**
 * The view of `tree`. `choices` (space.json) gives edge ids and labels by choice index; the
 * split events give them too (`choiceId`), and the rule and edge scores of each decision.
 */
export function buildSplitTreeView(
  tree: SubSupernetTreeDto,
  splits: readonly SplitEvent[],
  options: { choices?: readonly SpaceChoice[]; candidates?: Map<number, NodeCandidate[]> } = {},
): SplitTreeView {
  const byId = new Map(tree.nodes.map((node) => [node.id, node]));
  const eventOf = new Map<number, SplitEvent>();
  for (const event of splits) eventOf.set(event.parentId, event);
  const edgeIds = new Map<number, string>();
  options.choices?.forEach((choice, index) => edgeIds.set(index, choice.id));
  const labelOfId = new Map(options.choices?.map((choice) => [choice.id, choice.label]) ?? []);
  for (const event of splits) {
    const child = byId.get(event.childIds[0] ?? -1);
    if (child?.splitEdge !== null && child?.splitEdge !== undefined && !edgeIds.has(child.splitEdge)) edgeIds.set(child.splitEdge, event.choiceId);
  }
  const edgeId = (index: number): string => edgeIds.get(index) ?? `#${index}`;
  const edgeLabel = (id: string): string => labelOfId.get(id) ?? (id.startsWith('#') ? `edge ${id}` : `edge ${id.replace('<-', '←')}`);

  const childrenOf = (id: number): SubSupernetNodeDto[] => tree.nodes.filter((node) => node.parentId === id).sort((a, b) => (a.groupIndex ?? 0) - (b.groupIndex ?? 0) || a.id - b.id);

  const splitOf = (node: SubSupernetNodeDto): SplitInfo | null => {
    const kids = childrenOf(node.id);
    const first = kids[0];
    const event = eventOf.get(node.id) ?? null;
    if (!first || first.splitEdge === null) return null;
    const index = first.splitEdge;
    const id = event?.choiceId ?? edgeId(index);
    const distance = (event?.distance ?? first.distance)?.map((row) => [...row]) ?? null;
    const certainty = event?.certainty ?? first.certainty;
    const rule = event?.rule ?? null;
    const candidates = Object.entries(event?.candidates ?? {})
      .map(([candidate, score]) => ({ edgeId: candidate, edgeLabel: edgeLabel(candidate), score }))
      .sort((a, b) => b.score - a.score);
    return {
      edgeIndex: index,
      edgeId: id,
      edgeLabel: edgeLabel(id),
      epoch: event?.epoch ?? first.createdAtEpoch,
      rule,
      ops: [...(node.state.remaining[index] ?? first.groups.flat())],
      groups: (event?.groups ?? first.groups).map((group) => [...group]),
      distance,
      certainty,
      verdict: certaintyVerdict(rule, certainty, distance),
      candidates,
      childIds: kids.map((kid) => kid.id),
    };
  };

  const splitInfo = new Map<number, SplitInfo | null>(tree.nodes.map((node) => [node.id, splitOf(node)]));
  const nodes: SplitNodeView[] = tree.nodes.map((node) => {
    const parentSplit = node.parentId !== null ? (splitInfo.get(node.parentId) ?? null) : null;
    const group = node.groupIndex !== null ? [...(node.groups[node.groupIndex] ?? [])] : [];
    const label = node.parentId === null ? 'supernet' : `${parentSplit?.edgeLabel ?? edgeLabel(edgeId(node.splitEdge ?? -1))} ∈ {${group.join(', ')}}`;
    return {
      id: node.id,
      parentId: node.parentId,
      depth: node.depth,
      status: node.status,
      createdAtEpoch: node.createdAtEpoch,
      label,
      group,
      size: node.state.remaining.reduce((size, ops) => size * ops.length, 1),
      childIds: childrenOf(node.id).map((kid) => kid.id),
      split: splitInfo.get(node.id) ?? null,
      madeBy: parentSplit?.verdict ?? null,
      candidates: options.candidates?.get(node.id) ?? [],
    };
  });

  const root = tree.nodes.find((node) => node.parentId === null) ?? null;
  const order: number[] = [];
  const visit = (id: number): void => {
    order.push(id);
    for (const kid of childrenOf(id)) visit(kid.id);
  };
  if (root) visit(root.id);
  // Nodes whose parent is missing (a torn tree) still show, at the end.
  for (const node of tree.nodes) if (!order.includes(node.id)) order.push(node.id);
  return { nodes, order, rootId: root?.id ?? null };
}

/**
 * A split's distance matrix reordered so each group's ops are adjacent (the block structure the
 * min-cut found is then visible), with the group index of each op.
 */
export function groupedMatrix(split: Pick<SplitInfo, 'ops' | 'groups' | 'distance'>): { ops: string[]; group: number[]; cells: [number, number, number][] } | null {
  if (!split.distance) return null;
  const ordered = split.groups.flat().filter((op) => split.ops.includes(op));
  for (const op of split.ops) if (!ordered.includes(op)) ordered.push(op);
  const index = ordered.map((op) => split.ops.indexOf(op));
  const cells: [number, number, number][] = [];
  index.forEach((row, y) =>
    index.forEach((column, x) => {
      const value = split.distance?.[row]?.[column];
      if (typeof value === 'number') cells.push([x, y, value]);
    }),
  );
  return { ops: ordered, group: ordered.map((op) => split.groups.findIndex((group) => group.includes(op))), cells };
}
