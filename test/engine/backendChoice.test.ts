import { describe, expect, it } from 'vitest';
import { chooseBackend, parseBackendName } from '../../electron/engine/tf/backend';
import type { BackendLoader } from '../../electron/engine/tf/backend';
import type { BackendName } from '../../shared/model/environment';

function loader(name: BackendName, failure?: string, log: string[] = []): BackendLoader {
  return {
    name,
    async load() {
      log.push(name);
      if (failure) throw new Error(failure);
    },
  };
}

describe('backend fallback chain', () => {
  it('takes the first backend that loads and keeps the reasons for the faster ones', async () => {
    const tried: string[] = [];
    const report = await chooseBackend([
      loader('tfjs-node-gpu', '@tensorflow/tfjs-node-gpu is not installed', tried),
      loader('tfjs-node', '@tensorflow/tfjs-node is installed but failed to load: libtensorflow.so missing', tried),
      loader('wasm', undefined, tried),
      loader('cpu', undefined, tried),
    ]);
    expect(tried).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm']);
    expect(report.chosen).toBe('wasm');
    expect(report.gpu).toBe(false);
    expect(report.attempts).toEqual([
      { name: 'tfjs-node-gpu', ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
      { name: 'tfjs-node', ok: false, reason: '@tensorflow/tfjs-node is installed but failed to load: libtensorflow.so missing' },
      { name: 'wasm', ok: true, reason: '' },
    ]);
  });

  it('prefers the GPU when it loads', async () => {
    const report = await chooseBackend([loader('tfjs-node-gpu'), loader('cpu')]);
    expect(report.chosen).toBe('tfjs-node-gpu');
    expect(report.gpu).toBe(true);
  });

  it('tries only the requested backend and fails with every reason when nothing loads', async () => {
    await expect(chooseBackend([loader('tfjs-node-gpu'), loader('cpu', 'broken')], { only: 'cpu' })).rejects.toThrow(
      /tfjs-node-gpu: not tried: --backend cpu was requested; cpu: broken/,
    );
  });

  it('parses backend names and rejects unknown ones with the list', () => {
    expect(parseBackendName('auto')).toBeUndefined();
    expect(parseBackendName(undefined)).toBeUndefined();
    expect(parseBackendName('tfjs-node')).toBe('tfjs-node');
    expect(() => parseBackendName('cuda')).toThrow(/Unknown backend 'cuda'. Use one of: auto, tfjs-node-gpu, tfjs-node, wasm, cpu/);
  });
});
