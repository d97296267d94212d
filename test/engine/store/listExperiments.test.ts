import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExperimentStore, listExperiments } from '../../../electron/engine/store/experimentStore';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

function workspace(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-list-'));
  roots.push(root);
  return root;
}

function create(root: string, id: string, created: number, method: string, summary: Record<string, unknown> | null): void {
  ExperimentStore.create(path.join(root, id), { id, preset: `p-${id}`, created, status: 'finished', config: { method }, backend: 'wasm', versions: {}, error: null, summary });
}

describe('listExperiments', () => {
  it('lists every experiment folder newest first with its method, test accuracy and best validation accuracy', () => {
    const root = workspace();
    create(root, 'cnn', 1, 'cnn', { testAccuracy: 0.81 });
    create(root, 'abs', 2, 'abs', { bestValAccuracy: 0.73, finalSize: 12 });
    create(root, 'bare', 3, 'supernet', null);
    fs.mkdirSync(path.join(root, 'not-an-experiment'));
    expect(listExperiments(root).map(({ id, method, finalAccuracy, bestValAccuracy }) => ({ id, method, finalAccuracy, bestValAccuracy }))).toEqual([
      { id: 'bare', method: 'supernet', finalAccuracy: null, bestValAccuracy: null },
      { id: 'abs', method: 'abs', finalAccuracy: null, bestValAccuracy: 0.73 },
      { id: 'cnn', method: 'cnn', finalAccuracy: 0.81, bestValAccuracy: null },
    ]);
  });
});
