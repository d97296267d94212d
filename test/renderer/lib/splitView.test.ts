import { describe, expect, it } from 'vitest';
import { buildSplitTreeView, certaintyVerdict, currentTree, groupedMatrix, nodeCandidates, runWideNode, splitRunHasRunWideCurves } from '../../../renderer/src/lib/splitView';
import { applyJobEvents, createTimeline } from '../../../renderer/src/lib/jobTimeline';
import { FINAL_TREE, nodeMetricEvents, RESULTS, ROOT_DISTANCE, splitEvents, TREE_AFTER_FIRST } from '../fixtures/split';

describe('certaintyVerdict', () => {
  const boot = (partitionFrequency: number, jointFrequency: number | null) => ({
    partitionMargin: 0.1,
    edgeMargin: 0.05,
    bootstrap: { samples: 200, partitionFrequency, edgeFrequency: jointFrequency, jointFrequency },
  });

  it('grades a split by the lower of its partition and joint bootstrap frequencies', () => {
    expect(certaintyVerdict('gm', boot(0.99, 0.95), [[0]]).level).toBe('decided');
    expect(certaintyVerdict('gm', boot(0.99, 0.7), [[0]]).level).toBe('uncertain');
    // Near chance (the engine measured ~0.3 on pure noise): shown as noise, whatever the partition frequency.
    const noise = certaintyVerdict('gm', boot(0.95, 0.31), [[0]]);
    expect(noise.level).toBe('noise');
    expect(noise.text).toContain('same partition in 95 %');
    expect(noise.text).toContain('both in 31 % of 200 bootstrap resamples');
    expect(certaintyVerdict('gm', boot(0.59, null), [[0]]).level).toBe('noise');
    expect(certaintyVerdict('gm', boot(0.6, null), [[0]]).level).toBe('uncertain');
  });

  it('says when a split was not decided by the data, or not measured', () => {
    expect(certaintyVerdict('exhaustive', null, null)).toMatchObject({ level: 'rule', text: expect.stringContaining('one sub-supernet per operator') });
    expect(certaintyVerdict('gm', { partitionMargin: 0.2, edgeMargin: null, bootstrap: null }, [[0]])).toMatchObject({ level: 'unmeasured', text: expect.stringContaining('partition margin 0.200') });
  });
});

describe('the split tree view', () => {
  it('prefers results.json tree and falls back to the last split event', () => {
    const events = splitEvents(10);
    expect(currentTree(events, RESULTS)).toEqual(RESULTS.tree);
    expect(currentTree(events, null)?.nodes).toHaveLength(7);
    expect(currentTree(events.slice(0, 1), { tree: 'not a tree' })).toBe(TREE_AFTER_FIRST);
    expect(currentTree([], null)).toBeNull();
  });

  it('labels each node by the edge and group its parent gave it, with its size and the certainty of that split', () => {
    const view = buildSplitTreeView(FINAL_TREE, splitEvents(10), { candidates: nodeCandidates(RESULTS) });
    expect(view.order).toEqual([0, 1, 3, 4, 2, 5, 6]);
    const node = (id: number) => view.nodes.find((n) => n.id === id)!;
    expect(node(0).label).toBe('supernet');
    expect(node(0).size).toBe(5 ** 6);
    expect(node(1).label).toBe('edge 1←0 ∈ {none, skip_connect}');
    expect(node(1).size).toBe(2 * 5 ** 5);
    expect(node(5).label).toBe('edge 3←0 ∈ {skip_connect, avg_pool_3x3}');
    expect(node(5).size).toBe(2 * 3 * 5 ** 4);
    expect(node(1).madeBy?.level).toBe('decided');
    expect(node(3).madeBy?.level).toBe('uncertain');
    expect(node(6).madeBy?.level).toBe('noise');

    const rootSplit = node(0).split!;
    expect(rootSplit).toMatchObject({ edgeIndex: 0, edgeId: '1<-0', epoch: 2, rule: 'gm', childIds: [1, 2] });
    expect(rootSplit.candidates.map((c) => c.edgeId)).toEqual(['1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2']);
    expect(node(3).split).toBeNull();
  });

  it('reads the candidates of each node, best first, from a record or a list', () => {
    const byRecord = nodeCandidates(RESULTS);
    expect(byRecord.get(5)?.map((c) => c.fitness)).toEqual([0.8, 0.78]);
    expect(byRecord.get(3)?.[0]?.metrics).toEqual({ 'accuracy-rebn': 0.71 });
    const byList = nodeCandidates({ candidates: [{ node: 4, architecture: 'a', accuracy: 0.5 }, { node: 'x', architecture: 'b' }], best: [{ node: 4, architecture: 'c', fitness: 0.6 }] });
    expect([...byList.keys()]).toEqual([4]);
    expect(byList.get(4)?.map((c) => [c.architecture, c.fitness])).toEqual([
      ['c', 0.6],
      ['a', 0.5],
    ]);
  });

  it("reads the GM runner's results.json: per-node records and the leaves' best candidates", () => {
    const results = {
      nodes: [
        { id: 3, fromEpoch: 4, toEpoch: 6, candidates: [{ node: 3, architecture: 'x', fitness: 0.4 }, { node: 3, architecture: 'y', fitness: 0.6 }] },
        { id: 0, fromEpoch: 0, toEpoch: 2, candidates: [] },
      ],
      leafCandidates: [{ node: 3, architecture: 'y', fitness: 0.6 }, { node: 4, architecture: 'z', fitness: 0.5 }],
      best: [{ architecture: 'y', fitness: 0.6, node: 3 }],
    };
    const byNode = nodeCandidates(results);
    expect(byNode.get(3)?.map((c) => [c.architecture, c.fitness])).toEqual([
      ['y', 0.6],
      ['x', 0.4],
    ]);
    expect(byNode.get(4)?.map((c) => c.architecture)).toEqual(['z']);
    expect(byNode.has(0)).toBe(false);
  });

  it('reorders the distance matrix so each group is one block', () => {
    // Groups {nor_conv_3x3, none} | {rest}: the order becomes 3x3, none, skip, 1x1, pool.
    const m = groupedMatrix({ ops: ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'], groups: [['nor_conv_3x3', 'none'], ['skip_connect', 'nor_conv_1x1', 'avg_pool_3x3']], distance: ROOT_DISTANCE })!;
    expect(m.ops).toEqual(['nor_conv_3x3', 'none', 'skip_connect', 'nor_conv_1x1', 'avg_pool_3x3']);
    expect(m.group).toEqual([0, 0, 1, 1, 1]);
    expect(m.cells).toHaveLength(25);
    // (x=1 none, y=0 nor_conv_3x3) is D[3][0] = 0.86.
    expect(m.cells.find(([x, y]) => x === 1 && y === 0)?.[2]).toBe(0.86);
    expect(groupedMatrix({ ops: ['a'], groups: [['a']], distance: null })).toBeNull();
  });
});

describe('runWideNode', () => {
  it('is null for a run with plain metrics, else the lowest node id with metrics', () => {
    const gm = createTimeline();
    expect(runWideNode(gm)).toBeNull();
    applyJobEvents(gm, nodeMetricEvents(0).filter((e) => e.node !== 0));
    expect(runWideNode(gm)).toBe(1);
    applyJobEvents(gm, [{ seq: 100, time: 0, type: 'metric', split: 'val', epoch: 1, step: 1, loss: 1, accuracy: 0.5 }]);
    expect(runWideNode(gm)).toBeNull();
  });
});

describe('splitRunHasRunWideCurves', () => {
  it('charts a split run\'s node-less metrics only while no metric names a sub-supernet', () => {
    const run = createTimeline();
    expect(splitRunHasRunWideCurves(run)).toBe(false);
    applyJobEvents(run, [{ seq: 0, time: 0, type: 'metric', split: 'train', epoch: 1, step: 1, loss: 2, accuracy: 0.1 }]);
    expect(splitRunHasRunWideCurves(run)).toBe(true);
    // The sub-supernets' own metrics: the node-less ones are the final pick's stand-alone trainings.
    applyJobEvents(run, nodeMetricEvents(1));
    expect(splitRunHasRunWideCurves(run)).toBe(false);
  });
});
