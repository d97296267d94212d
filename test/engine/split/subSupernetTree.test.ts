import { describe, expect, it } from 'vitest';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { fullState, stateSize } from '../../../electron/engine/space/spaceState';
import { createTree, children, exhaustiveSplit, getNode, leaves, splitNode, splittableEdges } from '../../../electron/engine/split/subSupernetTree';
import { childInheritance, nodeEpochBudget, splitEpochs } from '../../../electron/engine/split/splitSchedule';

const A = ['none', 'skip_connect'];
const B = ['nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];

describe('subSupernetTree', () => {
  it('splits a node into children restricted to their groups, twice (NB201 GM: 4 leaves)', () => {
    let tree = createTree(fullState(NB201_SPACE));
    tree = splitNode(tree, NB201_SPACE, 0, { choiceIndex: 2, groups: [A, B], epoch: 20, distance: [[0]], certainty: { partitionMargin: 0.3, edgeMargin: 0.1, bootstrap: null } });
    const [c1, c2] = children(tree, 0);
    expect(getNode(tree, 0).status).toBe('split');
    expect(c1?.state.remaining[2]).toEqual(A);
    expect(c2?.state.remaining[2]).toEqual(B);
    expect(c1?.state.remaining[0]).toHaveLength(5);
    expect(stateSize(c1!.state) + stateSize(c2!.state)).toBe(15625);
    expect(c2).toMatchObject({ parentId: 0, depth: 1, splitEdge: 2, groupIndex: 1, createdAtEpoch: 20, status: 'training', splitEdges: [2] });
    expect(splittableEdges(c1!)).toEqual([0, 1, 3, 4, 5]);

    for (const leaf of leaves(tree)) tree = splitNode(tree, NB201_SPACE, leaf.id, { choiceIndex: 0, groups: [A, B], epoch: 40, final: true });
    const final = leaves(tree);
    expect(final).toHaveLength(4);
    expect(final.every((n) => n.status === 'done' && n.depth === 2 && n.splitEdges.join() === '2,0')).toBe(true);
    expect(final.reduce((s, n) => s + stateSize(n.state), 0)).toBe(15625);
    // Plain data: survives JSON.
    expect(JSON.parse(JSON.stringify(tree))).toEqual(tree);
  });

  it('makes one child per op in the exhaustive few-shot split (B1)', () => {
    const tree = exhaustiveSplit(createTree(fullState(NB201_SPACE)), NB201_SPACE, 0, 0, 0);
    const kids = leaves(tree);
    expect(kids.map((k) => k.state.remaining[0])).toEqual(NB201_SPACE.choices[0]!.ops.map((op) => [op]));
    expect(kids.every((k) => stateSize(k.state) === 3125)).toBe(true);
    expect(splittableEdges(kids[0]!)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses bad splits', () => {
    let tree = createTree(fullState(NB201_SPACE));
    expect(() => splitNode(tree, NB201_SPACE, 0, { choiceIndex: 1, groups: [A, ['nor_conv_1x1']], epoch: 0 })).toThrow(/do not partition/);
    expect(() => splitNode(tree, NB201_SPACE, 0, { choiceIndex: 1, groups: [[...A, ...B]], epoch: 0 })).toThrow(/do not partition/);
    expect(() => splitNode(tree, NB201_SPACE, 9, { choiceIndex: 1, groups: [A, B], epoch: 0 })).toThrow(/no node 9/);
    tree = splitNode(tree, NB201_SPACE, 0, { choiceIndex: 1, groups: [A, B], epoch: 0 });
    expect(() => splitNode(tree, NB201_SPACE, 0, { choiceIndex: 2, groups: [A, B], epoch: 0 })).toThrow(/already split/);
    expect(() => splitNode(tree, NB201_SPACE, 1, { choiceIndex: 1, groups: [['none'], ['skip_connect']], epoch: 0 })).toThrow(/already split on/);
  });
});

describe('splitSchedule', () => {
  it('keeps the reference epochs and scales them in proportion', () => {
    expect(splitEpochs('nb201-gm-rsps', 90)).toEqual([20, 40]);
    expect(splitEpochs('nb201-gm-rsps', 9)).toEqual([2, 4]);
    expect(splitEpochs('nb201-gm-rsps', 3)).toEqual([1, 2]);
    expect(splitEpochs('nb201-gm-darts', 60)).toEqual([15, 30]);
    expect(splitEpochs('nb201-gm-darts', 10)).toEqual([3, 5]); // 2.5 rounds up
    expect(splitEpochs('darts-gm', 21)).toEqual([2, 4, 6]);
    expect(splitEpochs('darts-gm', 7)).toEqual([1, 2, 3]); // 0.67, 1.33 -> 1, bumped to 2; 2
    expect(splitEpochs('darts-fewshot', 5)).toEqual([0]);
    expect(splitEpochs('proxyless-gm', 12)).toEqual([4, 8]);
    expect(() => splitEpochs('nb201-gm-rsps', 2)).toThrow(/too few/);
    expect(() => splitEpochs('nb201-gm-rsps', 0)).toThrow(/positive integer/);
  });

  it('says what the children inherit (warm start, restart)', () => {
    const all = { weights: 'parent', alpha: 'parent', weightOptimizer: 'parent', archOptimizer: 'parent', lrSchedule: { kind: 'continue' } };
    expect(childInheritance('nb201-gm-rsps', 0, 90)).toEqual(all);
    expect(childInheritance('nb201-gm-rsps', 1, 90)).toEqual({ weights: 'fresh', alpha: 'fresh', weightOptimizer: 'fresh', archOptimizer: 'fresh', lrSchedule: { kind: 'restart', cosineEpochs: 90, trainEpochs: 50 } });
    expect(childInheritance('nb201-gm-rsps', 1, 90, false)).toEqual(all);
    expect(childInheritance('darts-gm', 2, 21).lrSchedule).toEqual({ kind: 'restart', cosineEpochs: 15, trainEpochs: 15 });
    expect(childInheritance('proxyless-gm', 1, 120)).toEqual(all);
    expect(childInheritance('darts-fewshot', 0, 20)).toMatchObject({ weights: 'parent', weightOptimizer: 'fresh', lrSchedule: { kind: 'restart', cosineEpochs: 20, trainEpochs: 20 } });
    expect(() => childInheritance('nb201-gm-rsps', 2, 90)).toThrow(/no split 2/);
    expect(childInheritance('nb201-fewshot', 0, 3)).toMatchObject({ weights: 'parent', weightOptimizer: 'fresh', lrSchedule: { kind: 'restart', cosineEpochs: 1, trainEpochs: 1 } });
  });

  it('few-shot NB201 splits once at 2/3 of the run, one-shot never; budgets in node-epochs', () => {
    expect(splitEpochs('nb201-fewshot', 900)).toEqual([600]);
    expect(splitEpochs('nb201-fewshot', 3)).toEqual([2]);
    expect(splitEpochs('nb201-fewshot', 9)).toEqual([6]);
    expect(splitEpochs('nb201-oneshot', 7)).toEqual([]);
    expect(() => splitEpochs('nb201-fewshot', 1)).toThrow(/too few/);
    // root s1 + 2 (s2 - s1) + 4 (T - s2); s + 5 (T - s); T.
    expect(nodeEpochBudget('nb201-gm-rsps', 3)).toBe(1 + 2 * 1 + 4 * 1);
    expect(nodeEpochBudget('nb201-gm-rsps', 90)).toBe(20 + 2 * 20 + 4 * 50);
    expect(nodeEpochBudget('nb201-fewshot', 3)).toBe(2 + 5 * 1);
    expect(nodeEpochBudget('nb201-fewshot', 9, 3)).toBe(6 + 3 * 3);
    expect(nodeEpochBudget('nb201-oneshot', 7)).toBe(7);
  });
});
