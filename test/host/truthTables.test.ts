/**
 * `truth.read` through the HostApi: a ground-truth experiment's table by folder name, a typed
 * CSV path on the host, and the refusals that keep it from reading anything else.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHostApi } from '../../electron/host/createHostApi';
import { ExperimentStore } from '../../electron/engine/store/experimentStore';
import { FakeSupervisor } from '../helpers/fakeSupervisor';
import type { NasErrorData } from '../../shared/errors';

const A = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';
const B = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';
const C = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';

function setUp(): { root: string; invoke: (source: unknown) => Promise<unknown> } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-truth-'));
  const api = createHostApi({ supervisor: new FakeSupervisor(root).asSupervisor(), environment: () => Promise.reject(new Error('unused')) });
  return { root, invoke: (source) => api.invoke('truth.read', { source }) };
}

function experiment(root: string, id: string, method: string): string {
  const dir = path.join(root, id);
  ExperimentStore.create(dir, { id, preset: 'nb201-fashion-truth', created: 1, status: 'finished', config: { method }, backend: 'wasm', versions: {}, error: null, summary: null });
  return dir;
}

const refusal = async (promise: Promise<unknown>): Promise<NasErrorData> => {
  try {
    await promise;
  } catch (error) {
    return error as NasErrorData;
  }
  throw new Error('expected a refusal');
};

describe('truth.read', () => {
  it("reads a ground-truth experiment's table by its folder name", async () => {
    const { root, invoke } = setUp();
    const dir = experiment(root, 'truth-1', 'ground-truth');
    fs.writeFileSync(path.join(dir, 'ground-truth.csv'), `architecture,testAccuracy,epochs\n${A},0.81,2\n${B},0.1,2\n`);
    expect(await invoke({ kind: 'experiment', id: 'truth-1' })).toEqual({
      label: 'ground-truth experiment truth-1',
      file: path.join(dir, 'ground-truth.csv'),
      valueColumn: 'testAccuracy',
      rows: [
        { architecture: A, accuracy: 0.81 },
        { architecture: B, accuracy: 0.1 },
      ],
    });
  });

  it('refuses ids that leave the workspace, experiments of another method, and a table not written yet', async () => {
    const { root, invoke } = setUp();
    experiment(root, 'abs-1', 'abs');
    experiment(root, 'truth-2', 'ground-truth');
    expect((await refusal(invoke({ kind: 'experiment', id: '../etc' }))).code).toBe('INVALID_PAYLOAD');
    expect((await refusal(invoke({ kind: 'experiment', id: 'abs-1' }))).message).toBe('abs-1 is not a ground-truth experiment (its method is abs).');
    expect((await refusal(invoke({ kind: 'experiment', id: 'truth-2' }))).message).toBe('truth-2 has no ground-truth.csv yet (no architecture finished).');
  });

  it('reads a typed NAS-Bench-201 CSV path, and only an absolute path of a regular .csv file', async () => {
    const { root, invoke } = setUp();
    const file = path.join(root, 'nb201.csv');
    fs.writeFileSync(file, `index,ArchitectureString,CIFAR10TestAccuracy200Epochs\n0,${A},94.37\n1,${C},88.1\n`);
    expect(await invoke({ kind: 'file', path: ` ${file} ` })).toMatchObject({ label: 'nb201.csv', file, valueColumn: 'CIFAR10TestAccuracy200Epochs', rows: [{ architecture: A, accuracy: 94.37 }, { architecture: C, accuracy: 88.1 }] });
    expect((await refusal(invoke({ kind: 'file', path: 'nb201.csv' }))).message).toBe('nb201.csv is not an absolute path.');
    expect((await refusal(invoke({ kind: 'file', path: '/etc/passwd' }))).message).toBe('/etc/passwd is not a .csv file.');
    fs.mkdirSync(path.join(root, 'folder.csv'));
    expect((await refusal(invoke({ kind: 'file', path: path.join(root, 'folder.csv') }))).message).toBe(`${path.join(root, 'folder.csv')} is not a file.`);
    expect((await refusal(invoke({ kind: 'file', path: path.join(root, 'missing.csv') }))).code).toBe('DATASET_MISSING');
    fs.writeFileSync(path.join(root, 'other.csv'), 'name,score\nx,1\ny,2\n');
    expect((await refusal(invoke({ kind: 'file', path: path.join(root, 'other.csv') }))).message).toMatch(/has no architecture column \(looked for ArchitectureString or architecture/);
  });
});
