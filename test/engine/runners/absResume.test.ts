/**
 * ABS progress in a checkpoint: the space state and history come back as saved, and the user
 * commands the killed run answered after that checkpoint (only in events.jsonl) are applied
 * again, in order, exactly once.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { absCheckpointExtra, restoreAbsProgress } from '../../../electron/engine/runners/absResume';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { fullState } from '../../../electron/engine/space/spaceState';
import type { LoadedCheckpoint } from '../../../electron/engine/store/checkpoint';
import type { JobEvent, OperatorCommand } from '../../../shared/model/job';

function checkpointWith(extra: Record<string, unknown>): LoadedCheckpoint {
  return { label: 'epoch-2', dir: '/x', created: 1, meta: { epoch: 2, step: 10, rng: {}, schedule: null, extra }, arrays: {} };
}

function commandEvent(seq: number, command: OperatorCommand): JobEvent {
  return { type: 'command', command, accepted: true, message: 'ok', seq, time: seq };
}

describe('ABS resume state', () => {
  it('replays only the commands answered after the checkpoint', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-absresume-'));
    const lockA: OperatorCommand = { kind: 'lock', key: '1<-0:nor_conv_3x3' };
    const dropB: OperatorCommand = { kind: 'force-drop', key: '2<-0:skip_connect' };
    const undoA: OperatorCommand = { kind: 'undo', key: '1<-0:nor_conv_3x3' };
    const lockC: OperatorCommand = { kind: 'lock', key: '3<-2:avg_pool_3x3' };
    const events = [commandEvent(0, lockA), { type: 'log', level: 'info', message: 'x', seq: 1, time: 1 } as JobEvent, commandEvent(2, dropB), commandEvent(3, undoA), commandEvent(4, lockC)];
    fs.writeFileSync(path.join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    // The checkpoint was written after the first two commands (lock A, force-drop B).
    const saved = { ...fullState(NB201_SPACE), locked: [lockA.key], forceDropped: [dropB.key] };
    const extra = absCheckpointExtra({ state: saved, history: [], commandsApplied: 2 });
    const { progress, replayed } = restoreAbsProgress(NB201_SPACE, checkpointWith(extra), dir);
    expect(replayed).toBe(2);
    expect(progress.commandsApplied).toBe(4);
    expect(progress.state.locked).toEqual([lockC.key]); // A unlocked by the undo, C locked
    expect(progress.state.forceDropped).toEqual([dropB.key]); // B not applied a second time
    expect(progress.state.remaining).toEqual(saved.remaining);
  });

  it('refuses a checkpoint without ABS state, naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-absresume-'));
    expect(() => restoreAbsProgress(NB201_SPACE, checkpointWith({}), dir)).toThrow("Checkpoint 'epoch-2' has no ABS state (space state, shrink history) to resume from.");
  });
});
