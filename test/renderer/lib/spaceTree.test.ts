import { describe, expect, it } from 'vitest';
import { buildSpaceTree, choicesFromScores, operatorActions, type SpaceEvent, type SpaceTree } from '../../../renderer/src/lib/spaceTree';
import { acceptsCommands, absTargetSize } from '../../../renderer/src/lib/absView';
import { CHOICES, commandEvent, stepOne } from '../fixtures/abs';

const command = (...args: Parameters<typeof commandEvent>): SpaceEvent => ({ type: 'command', command: commandEvent(...args) });
const step = (seq: number): SpaceEvent => ({ type: 'shrink', step: stepOne(seq) });

function node(tree: SpaceTree, key: string) {
  const found = tree.edges.flatMap((edge) => edge.ops).find((op) => op.key === key);
  if (!found) throw new Error(`no ${key}`);
  return found;
}

function edge(tree: SpaceTree, id: string) {
  const found = tree.edges.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
}

describe('buildSpaceTree', () => {
  it('starts with every operator alive and the full size (3 × 2 = 6)', () => {
    const tree = buildSpaceTree(CHOICES, []);
    expect(tree.edges.map((e) => e.ops.map((op) => op.state))).toEqual([['alive', 'alive', 'alive'], ['alive', 'alive']]);
    expect([tree.size, tree.sizeApplied, tree.sizeFull, tree.lastStep, tree.metric]).toEqual([6, 6, 6, 0, null]);
    expect(node(tree, 'a:x')).toMatchObject({ score: null, rank: null, pending: null, sending: null, ack: null });
  });

  it('shows accepted locks and force-drops as pending, counting the drops in the size', () => {
    const tree = buildSpaceTree(CHOICES, [command(1, 'lock', 'a:x'), command(2, 'force-drop', 'b:y'), command(3, 'force-drop', 'b:x', false, 'b:x is the last op left on b')]);
    expect(node(tree, 'a:x')).toMatchObject({ state: 'locked', pending: 'lock', ack: { kind: 'lock', accepted: true } });
    expect(node(tree, 'b:y')).toMatchObject({ state: 'alive', pending: 'force-drop' });
    // The rejection is shown next to b:x and changes nothing.
    expect(node(tree, 'b:x')).toMatchObject({ state: 'alive', pending: null, ack: { accepted: false, message: 'b:x is the last op left on b' } });
    // a keeps 3, b keeps 2 - 1 pending: 3 × 1.
    expect(edge(tree, 'b').remaining).toBe(1);
    expect(tree.size).toBe(3);
    expect(tree.sizeApplied).toBe(6);
  });

  it('counts a command still on its way as what it asks for, and an undo as withdrawing it', () => {
    const sent = new Map([['a:y', 'force-drop' as const]]);
    const tree = buildSpaceTree(CHOICES, [command(1, 'force-drop', 'b:y')], sent);
    expect(node(tree, 'a:y')).toMatchObject({ pending: 'force-drop', sending: 'force-drop' });
    expect(tree.size).toBe(2 * 1);

    const undoing = buildSpaceTree(CHOICES, [command(1, 'force-drop', 'b:y')], new Map([['b:y', 'undo' as const]]));
    expect(node(undoing, 'b:y')).toMatchObject({ pending: null, sending: 'undo' });
    expect(undoing.size).toBe(6);
  });

  it('applies a shrink step: drops by score and by the user, keeps locks, clears pending and answers', () => {
    const tree = buildSpaceTree(CHOICES, [command(1, 'lock', 'a:x'), command(2, 'force-drop', 'b:y'), step(3)]);
    expect(node(tree, 'a:x')).toMatchObject({ state: 'locked', pending: null, ack: null, score: 0.1, scoreStep: 1, rank: 3, keptAt: 1 });
    expect(node(tree, 'a:y').keptAt).toBeNull();
    expect(node(tree, 'a:y')).toMatchObject({ state: 'alive', rank: 1 });
    expect(node(tree, 'a:z')).toMatchObject({ state: 'dropped', droppedAt: 1, rank: 2 });
    expect(node(tree, 'b:y')).toMatchObject({ state: 'force-dropped', droppedAt: 1, pending: null });
    expect(node(tree, 'b:x')).toMatchObject({ state: 'alive', rank: 1 });
    // a keeps x, y; b keeps x: 2 × 1.
    expect([tree.size, tree.sizeApplied, tree.lastStep, tree.metric]).toEqual([2, 2, 1, 'angle']);
  });

  it('takes what `remaining` leaves out as dropped by score even when `dropped` omits it', () => {
    const shrink = { ...stepOne(1), dropped: [], remaining: [['x'], ['x', 'y']] };
    const tree = buildSpaceTree(CHOICES, [{ type: 'shrink', step: shrink }]);
    expect(['a:x', 'a:y', 'a:z', 'b:x', 'b:y'].map((key) => node(tree, key).state)).toEqual(['alive', 'dropped', 'dropped', 'alive', 'alive']);
    expect(tree.size).toBe(1 * 2);
  });

  it('withdraws a lock on an accepted undo, and ignores a sent command for a dropped operator', () => {
    const tree = buildSpaceTree(CHOICES, [command(1, 'lock', 'a:y'), command(2, 'undo', 'a:y'), step(3)], new Map([['a:z', 'lock' as const]]));
    expect(node(tree, 'a:y')).toMatchObject({ state: 'alive', pending: null });
    expect(node(tree, 'a:z')).toMatchObject({ state: 'dropped', sending: null, pending: null });
  });
});

describe('operatorActions', () => {
  it('offers lock and drop on an alive operator, undo on a locked or pending one, nothing on dropped or sending', () => {
    const tree = buildSpaceTree(CHOICES, [command(1, 'lock', 'a:x'), command(2, 'force-drop', 'a:y')], new Map([['a:z', 'lock' as const]]));
    const a = edge(tree, 'a');
    expect(operatorActions(node(tree, 'b:x'), edge(tree, 'b'))).toEqual({ lock: true, forceDrop: true, undo: false, forceDropBlocked: null });
    expect(operatorActions(node(tree, 'a:x'), a)).toMatchObject({ lock: false, forceDrop: false, undo: true });
    expect(operatorActions(node(tree, 'a:y'), a)).toMatchObject({ lock: false, forceDrop: false, undo: true });
    expect(operatorActions(node(tree, 'a:z'), a)).toMatchObject({ lock: false, forceDrop: false, undo: false });
    const after = buildSpaceTree(CHOICES, [step(1)]);
    expect(operatorActions(node(after, 'b:y'), edge(after, 'b'))).toMatchObject({ lock: false, forceDrop: false, undo: false });
  });

  it('offers only undo on a lock already applied by a step', () => {
    const tree = buildSpaceTree(CHOICES, [command(1, 'lock', 'a:x'), step(2)]);
    expect(operatorActions(node(tree, 'a:x'), edge(tree, 'a'))).toEqual({ lock: false, forceDrop: false, undo: true, forceDropBlocked: null });
  });

  it('does not offer to drop the last operator left on an edge (pending drops counted)', () => {
    const tree = buildSpaceTree(CHOICES, [command(1, 'force-drop', 'b:y')]);
    expect(operatorActions(node(tree, 'b:x'), edge(tree, 'b'))).toEqual({ lock: true, forceDrop: false, undo: false, forceDropBlocked: 'the last op left on edge b' });
  });
});

describe('choicesFromScores', () => {
  it('rebuilds edges from operator keys, ids sorted, ops in key order', () => {
    expect(choicesFromScores({ '2<-0:none': 1, '1<-0:none': 1, '1<-0:skip_connect': 2, bad: 3 })).toEqual([
      { id: '1<-0', label: 'edge 1<-0', ops: ['none', 'skip_connect'] },
      { id: '2<-0', label: 'edge 2<-0', ops: ['none'] },
    ]);
  });
});

describe('acceptsCommands', () => {
  const progress = (phase: string) => ({ seq: 1, time: 0, type: 'progress' as const, phase, epoch: 1, epochs: 2, step: 1, steps: 2, imagesPerSec: 1, etaSec: null });
  it('takes commands while a running job still shrinks, not in its search phase, at its target, or once ended', () => {
    expect(acceptsCommands({ status: 'running', progress: progress('supernet') }, 15625, 1000)).toBe(true);
    expect(acceptsCommands({ status: 'running', progress: null }, 15625, null)).toBe(true);
    expect(acceptsCommands({ status: 'running', progress: progress('search') }, 15625, 1000)).toBe(false);
    expect(acceptsCommands({ status: 'running', progress: progress('supernet') }, 12, 1000)).toBe(false);
    expect(acceptsCommands({ status: 'finished', progress: null }, 15625, 1000)).toBe(false);
    expect(absTargetSize({ abs: { targetSize: 1000 } })).toBe(1000);
    expect(absTargetSize({ method: 'train' })).toBeNull();
  });
});
