/**
 * Reopening an ABS experiment for scoring at a checkpoint written after a shrink step: the
 * dropped operators' weights were freed before it was saved, so they come from the newest
 * earlier checkpoint that has them (the one written just before the drop).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openExperimentSupernet } from '../../../electron/engine/runners/experimentSupernet';
import { supernetTensors } from '../../../electron/engine/runners/supernetCheckpoint';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { getPreset } from '../../../electron/engine/presets/presets';
import { ExperimentStore } from '../../../electron/engine/store/experimentStore';
import { releaseLock } from '../../../electron/engine/store/directoryLock';
import { saveTensorCheckpoint } from '../../../electron/engine/store/checkpointTensors';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { setUpBackends } from '../cpu/helpers';

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

const meta = (epoch: number) => ({ epoch, step: epoch * 3, rng: {}, schedule: null, extra: {} });

describe('openExperimentSupernet after a shrink step', () => {
  it("fills the freed weights of dropped ops from the checkpoint written before the drop", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-open-ckpt-'));
    const base = getPreset('nb201-fashion');
    const config = parseExperimentConfig({ ...base, maxTrainImages: 32, network: { channels: 2, cellsPerStage: 1 } }, 'test');
    ExperimentStore.create(dir, { id: 'x', preset: config.name, created: 1, status: 'finished', config: { ...config }, backend: 'wasm', versions: {}, error: null, summary: null });
    releaseLock(dir);
    const net = new Nb201Supernet({ channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: 0 });
    await saveTensorCheckpoint(dir, 'reference', supernetTensors(net.params), meta(0));
    // Distinct values per checkpoint: +1 before the drop, +2 after it.
    const shift = (by: number) => net.params.all().forEach((v) => v.assign(tf.add(v, by)));
    shift(1);
    await saveTensorCheckpoint(dir, 'shrink-1', supernetTensors(net.params), meta(1));
    const dropped = net.params.get('cell0/e0/nor_conv_3x3/conv').dataSync().slice();
    net.releaseOp(0, 'nor_conv_3x3');
    shift(1);
    await new Promise((r) => setTimeout(r, 5)); // a later save time
    await saveTensorCheckpoint(dir, 'last', supernetTensors(net.params), meta(2));
    const kept = net.params.get('cell0/e1/nor_conv_3x3/conv').dataSync().slice();
    net.dispose();

    const opened = await openExperimentSupernet(dir, 'last');
    expect(Array.from(opened.supernet.params.get('cell0/e0/nor_conv_3x3/conv').dataSync())).toEqual(Array.from(dropped));
    expect(Array.from(opened.supernet.params.get('cell0/e1/nor_conv_3x3/conv').dataSync())).toEqual(Array.from(kept));
    opened.supernet.dispose();
  });
});
