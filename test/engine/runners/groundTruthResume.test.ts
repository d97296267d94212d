import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { finishedRows, runGroundTruthJob } from '../../../electron/engine/runners/groundTruthRunner';
import { GROUND_TRUTH_FILE } from '../../../electron/engine/groundTruth/truthTable';
import { getPreset } from '../../../electron/engine/presets/presets';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { resumeSupportFor } from '../../../electron/engine/jobs/resumeSupport';
import type { JobEvent, JobEventInput } from '../../../shared/model/job';

const ARCHS = [
  '|nor_conv_3x3~0|+|skip_connect~0|none~1|+|none~0|none~1|skip_connect~2|',
  '|avg_pool_3x3~0|+|none~0|skip_connect~1|+|skip_connect~0|none~1|none~2|',
  '|skip_connect~0|+|nor_conv_1x1~0|none~1|+|none~0|skip_connect~1|none~2|',
];

function tinyConfig(): ReturnType<typeof parseExperimentConfig> {
  const base = getPreset('nb201-fashion-truth');
  return parseExperimentConfig(
    {
      ...base,
      maxTrainImages: 40,
      network: { channels: 2, cellsPerStage: 1 },
      standalone: { ...base.standalone, epochs: 1, batchSize: 20 },
      groundTruth: { architectures: ARCHS },
    },
    'test',
  );
}

describe('ground-truth job resume', () => {
  it('is a resumable method that keeps no checkpoints', () => {
    const support = resumeSupportFor('ground-truth');
    expect(support).not.toBeNull();
    expect(support!.accepts('last')).toBe(false);
  });

  it('keeps the rows an interrupted run finished and trains only the missing architectures', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-truth-resume-'));
    try {
      // What a run killed after its first architecture leaves: a one-row table (value made up, so a retrain would show).
      fs.writeFileSync(path.join(dir, GROUND_TRUTH_FILE), `architecture,testAccuracy,epochs,trainImages,seconds\n${ARCHS[0]},0.4321,1,40,3\n`);
      const events: JobEvent[] = [];
      let seq = 0;
      const before = tf.memory().numTensors;
      const summary = await runGroundTruthJob({
        config: tinyConfig(),
        dir,
        backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
        emit: (e: JobEventInput) => events.push({ ...e, seq: seq++, time: 0 } as JobEvent),
        cancelled: () => false,
        takeCommands: () => [],
        resumeFrom: null,
      });
      expect(tf.memory().numTensors).toBe(before);
      const trained = events.filter((e) => e.type === 'log' && e.message.startsWith('ground truth ')).map((e) => (e as { message: string }).message);
      expect(trained).toEqual([
        'ground truth resumed: 1 of 3 architectures already in ground-truth.csv, training the other 2',
        `ground truth 2/3: ${ARCHS[1]}`,
        `ground truth 3/3: ${ARCHS[2]}`,
      ]);
      const rows = finishedRows(path.join(dir, GROUND_TRUTH_FILE), ARCHS);
      expect(rows.map((r) => r.text)).toEqual(ARCHS);
      expect(rows[0]).toEqual({ text: ARCHS[0], value: 0.4321, extra: { epochs: 1, trainImages: 40, seconds: 3 } });
      for (const r of rows.slice(1)) expect(r.value).toBeGreaterThanOrEqual(0);
      expect(summary).toMatchObject({ architectures: 3, planned: 3, completed: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a table that is not its own, naming the file and the fix', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-truth-foreign-'));
    try {
      const file = path.join(dir, GROUND_TRUTH_FILE);
      fs.writeFileSync(file, 'ArchitectureString,CIFAR10TestAccuracy200Epochs\n');
      expect(() => finishedRows(file, ARCHS)).toThrow(`${file} is not the table this ground-truth job writes (its header is 'ArchitectureString,CIFAR10TestAccuracy200Epochs').`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
