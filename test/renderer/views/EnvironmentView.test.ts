import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import EnvironmentView from '../../../renderer/src/views/EnvironmentView.vue';
import { setApi } from '../../../renderer/src/api';
import { ApiError } from '../../../renderer/src/api/apiError';
import { FakeApi } from '../helpers/fakeApi';
import { cpuEnvironment, GPU_REASON } from '../fixtures/environment';

describe('EnvironmentView', () => {
  let pinia: Pinia;
  let api: FakeApi;

  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    api = new FakeApi().on('env.get', () => cpuEnvironment());
    setApi(api);
  });

  async function render() {
    const wrapper = mount(EnvironmentView, { global: { plugins: [pinia] } });
    await flushPromises();
    return wrapper;
  }

  it('states the backend in use and that the GPU is not used', async () => {
    const wrapper = await render();
    expect(wrapper.get('[data-testid="backend-name"]').text()).toBe('cpu');
    expect(wrapper.get('h2#backend-heading').text()).toContain('Backend: cpu (pure JS)');
    expect(wrapper.get('[data-testid="backend-gpu"]').text()).toBe('not used');
    expect(wrapper.get('[data-testid="env-devices"]').text()).toContain('CPU (2 cores)');
  });

  it('shows why the GPU backend was not used, in full', async () => {
    const wrapper = await render();
    const why = wrapper.get('[data-testid="gpu-skip-reason"]');
    expect(why.text()).toContain('Why not the GPU:');
    expect(why.text()).toContain(GPU_REASON);
  });

  it('lists every attempted backend with its reason', async () => {
    const wrapper = await render();
    const rows = wrapper.findAll('[data-testid="backend-attempt"]');
    expect(rows.map((row) => row.attributes('data-backend'))).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
    expect(rows[0]!.get('[data-testid="backend-reason"]').text()).toBe(GPU_REASON);
    expect(rows[1]!.text()).toContain('not used');
    expect(rows[1]!.text()).toContain('@tensorflow/tfjs-node is not installed');
    expect(rows[3]!.text()).toContain('used');
  });

  it('shows versions, platform, cores and memory', async () => {
    const wrapper = await render();
    const versions = wrapper.get('[data-testid="env-versions"]').text();
    expect(versions).toContain('NAS Shrink Studio');
    expect(versions).toContain('0.1.0');
    expect(versions).toContain('20.19.0');
    expect(versions).toContain('4.22.0');
    const system = wrapper.get('[data-testid="env-system"]').text();
    expect(system).toContain('linux (x64)');
    expect(system).toContain('2');
    expect(system).toContain('7.8 GB');
    expect(system).toContain('nas-shrink serve');
  });

  it('hides the GPU notice when the GPU is used', async () => {
    const env = cpuEnvironment();
    env.backend = { chosen: 'tfjs-node-gpu', tfBackend: 'tensorflow', gpu: true, attempts: [{ name: 'tfjs-node-gpu', ok: true, reason: '' }], devices: ['/gpu:0 NVIDIA RTX 4090'] };
    api.on('env.get', () => env);
    const wrapper = await render();
    expect(wrapper.get('[data-testid="backend-name"]').text()).toBe('tfjs-node-gpu');
    expect(wrapper.get('[data-testid="backend-gpu"]').text()).toBe('used');
    expect(wrapper.find('[data-testid="gpu-skip-reason"]').exists()).toBe(false);
  });

  it('shows an error with its fix when the environment cannot be read', async () => {
    api.on('env.get', () => {
      throw new ApiError('BACKEND_UNAVAILABLE', 'The backend probe exited (SIGSEGV) without an answer.', { fix: 'See /tmp/nas-shrink-probe-1.log.' });
    });
    const wrapper = await render();
    expect(wrapper.get('[data-testid="error-notice"]').text()).toContain('SIGSEGV');
    expect(wrapper.get('[data-testid="error-fix"]').text()).toContain('/tmp/nas-shrink-probe-1.log');
  });
});
