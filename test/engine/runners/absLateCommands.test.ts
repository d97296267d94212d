import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAbsJob } from '../../../electron/engine/runners/absRunner';
import { getPreset } from '../../../electron/engine/presets/presets';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import type { JobEvent, JobEventInput, OperatorCommand } from '../../../shared/model/job';

describe('ABS runner and commands that come too late', () => {
  it('answers a command that arrives after the last shrink step as refused, so no viewer waits for it forever', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-abs-late-'));
    try {
      const base = getPreset('nb201-fashion-abs');
      const config = parseExperimentConfig(
        {
          ...base,
          maxTrainImages: 120,
          valFraction: 0.2,
          network: { channels: 2, cellsPerStage: 1 },
          training: { ...base.training, epochs: 1, batchSize: 32 },
          abs: { ...base.abs, search: { name: 'random', count: 2, topK: 1 }, searchValImages: 16 },
        },
        'test',
      );
      const events: JobEvent[] = [];
      let seq = 0;
      // takeCommands is asked after the epoch, before scoring, then once shrinking has ended:
      // the lock arrives at that third call, after the only shrink step.
      let calls = 0;
      const late: OperatorCommand = { kind: 'lock', key: '1<-0:none' };
      await runAbsJob({
        config,
        dir,
        backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
        emit: (e: JobEventInput) => events.push({ ...e, seq: seq++, time: 0 } as JobEvent),
        // Cancelled once shrinking has ended: the search and its metrics are not under test (and slow).
        cancelled: () => calls >= 3,
        takeCommands: () => (++calls === 3 ? [late] : []),
      });
      const shrink = events.find((e) => e.type === 'shrink');
      const answers = events.filter((e) => e.type === 'command');
      expect(shrink).toBeDefined();
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatchObject({ command: late, accepted: false, message: '1<-0:none: not applied, shrinking has ended (the search runs on the space left).' });
      expect(answers[0]!.seq).toBeGreaterThan(shrink!.seq);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
