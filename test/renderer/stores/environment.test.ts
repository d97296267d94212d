import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setApi } from '../../../renderer/src/api';
import { ApiError } from '../../../renderer/src/api/apiError';
import { useEnvironmentStore } from '../../../renderer/src/stores/environment';
import { FakeApi } from '../helpers/fakeApi';
import { cpuEnvironment, GPU_REASON } from '../fixtures/environment';

describe('useEnvironmentStore', () => {
  let api: FakeApi;

  beforeEach(() => {
    setActivePinia(createPinia());
    api = new FakeApi().on('env.get', () => cpuEnvironment());
    setApi(api);
  });

  it('loads env.get and exposes why the GPU backend was skipped', async () => {
    const store = useEnvironmentStore();
    expect(store.environment).toBeNull();
    const loading = store.load();
    expect(store.loading).toBe(true);
    await loading;
    expect(store.loading).toBe(false);
    expect(store.environment?.backend.chosen).toBe('cpu');
    expect(store.gpuSkipReason).toBe(GPU_REASON);
    expect(store.skipped.map((attempt) => attempt.name)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm']);
    expect(api.calls).toEqual([{ channel: 'env.get', request: {} }]);
  });

  it('loads once unless forced', async () => {
    const store = useEnvironmentStore();
    await store.ensureLoaded();
    await store.ensureLoaded();
    expect(api.calls).toHaveLength(1);
    await store.ensureLoaded(true);
    expect(api.calls).toHaveLength(2);
  });

  it('has no skip reason when the GPU is in use', async () => {
    const env = cpuEnvironment();
    env.backend = { chosen: 'tfjs-node-gpu', tfBackend: 'tensorflow', gpu: true, attempts: [{ name: 'tfjs-node-gpu', ok: true, reason: '' }], devices: ['NVIDIA RTX 4090'] };
    api.on('env.get', () => env);
    const store = useEnvironmentStore();
    await store.load();
    expect(store.gpuSkipReason).toBeNull();
  });

  it('keeps the error with its fix when env.get fails', async () => {
    api.on('env.get', () => {
      throw new ApiError('BACKEND_UNAVAILABLE', 'The backend probe did not answer within 120 s.', { fix: 'See /tmp/probe.log.' });
    });
    const store = useEnvironmentStore();
    await store.load();
    expect(store.environment).toBeNull();
    expect(store.error).toEqual({ code: 'BACKEND_UNAVAILABLE', message: 'The backend probe did not answer within 120 s.', fix: 'See /tmp/probe.log.' });
  });
});
