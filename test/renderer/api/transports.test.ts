import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromElectronBridge, type NasBridge } from '../../../renderer/src/api/electronBridge';
import { withContractValidation } from '../../../renderer/src/api/validatedApi';
import { healthProbe, selectApi, socketUrl } from '../../../renderer/src/api/selectApi';
import { resolveToken, TOKEN_STORAGE_KEY, tokenFromUrl } from '../../../renderer/src/api/token';
import { ApiError, toDisplayError } from '../../../renderer/src/api/apiError';
import { FakeApi } from '../helpers/fakeApi';
import { socketHarness } from '../helpers/fakeSocket';
import { cpuEnvironment } from '../fixtures/environment';

describe('the Electron bridge adapter', () => {
  it('unwraps ok envelopes and turns error envelopes into ApiErrors', async () => {
    const bridge: NasBridge = {
      invoke: async (channel) =>
        channel === 'jobs.list'
          ? { ok: true, value: [] }
          : { ok: false, error: { code: 'UNKNOWN_JOB', message: 'No job j9.', fix: 'Pick a job from the list.' } },
      subscribe: () => () => undefined,
    };
    const api = fromElectronBridge(bridge);
    await expect(api.invoke('jobs.list', {})).resolves.toEqual([]);
    const error = await api.invoke('jobs.cancel', { jobId: 'j9' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(toDisplayError(error)).toEqual({ code: 'UNKNOWN_JOB', message: 'No job j9.', fix: 'Pick a job from the list.' });
  });

  it('passes subscription events and maps the end error', () => {
    let emit: (event: unknown) => void = () => undefined;
    let end: (error?: unknown) => void = () => undefined;
    const bridge: NasBridge = {
      invoke: async () => ({ ok: true, value: null }),
      subscribe: (_channel, _request, onEvent, onEnd) => {
        emit = onEvent;
        end = onEnd ?? end;
        return () => undefined;
      },
    };
    const events: unknown[] = [];
    const onEnd = vi.fn();
    fromElectronBridge(bridge).subscribe('jobs.events', { jobId: 'j1' }, (event) => events.push(event), onEnd);
    emit([]);
    end(new Error('boom'));
    expect(events).toEqual([[]]);
    expect(onEnd).toHaveBeenCalledWith({ code: 'INTERNAL', message: 'boom' });
  });
});

describe('contract validation', () => {
  it('passes valid replies and rejects malformed ones with INVALID_PAYLOAD and a fix', async () => {
    const fake = new FakeApi().on('env.get', () => cpuEnvironment());
    await expect(withContractValidation(fake).invoke('env.get', {})).resolves.toEqual(cpuEnvironment());
    fake.on('env.get', () => ({ ...cpuEnvironment(), cpus: 'two' }) as never);
    await expect(withContractValidation(fake).invoke('env.get', {})).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', fix: expect.stringMatching(/versions/) });
  });

  it('ends a subscription whose event breaks the contract', () => {
    const fake = new FakeApi();
    const onEvent = vi.fn();
    const onEnd = vi.fn();
    withContractValidation(fake).subscribe('jobs.events', { jobId: 'j1' }, onEvent, onEnd);
    const subscription = fake.subscriptions[0]!;
    subscription.emit([{ seq: 0, time: 1, type: 'log', level: 'info', message: 'hi' }]);
    subscription.emit([{ seq: 1, time: 1, type: 'teleport' }]);
    subscription.emit([{ seq: 2, time: 1, type: 'log', level: 'info', message: 'late' }]);
    expect(onEvent).toHaveBeenCalledOnce();
    expect(onEnd).toHaveBeenCalledWith(expect.objectContaining({ code: 'INVALID_PAYLOAD' }));
    expect(subscription.unsubscribed).toBe(true);
  });
});

describe('the access token', () => {
  it('is taken from the URL, kept in sessionStorage and removed from the address bar', () => {
    const storage = new Map<string, string>();
    const replaceState = vi.fn();
    const token = resolveToken(
      { search: '?token=XYZ&x=1', hash: '#/environment', pathname: '/' },
      { getItem: (key) => storage.get(key) ?? null, setItem: (key, value) => void storage.set(key, value) },
      { replaceState, state: null },
    );
    expect(token).toBe('XYZ');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('XYZ');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?x=1#/environment');
  });

  it('comes back from sessionStorage after a reload without it', () => {
    const token = resolveToken({ search: '', hash: '#/experiments', pathname: '/' }, { getItem: () => 'SAVED', setItem: () => undefined });
    expect(token).toBe('SAVED');
  });

  it('is also found in a query inside the hash', () => {
    expect(tokenFromUrl({ search: '', hash: '#/?token=abc' })).toBe('abc');
    expect(tokenFromUrl({ search: '', hash: '#/new' })).toBeNull();
  });

  it('goes into the WebSocket URL, over wss: for https pages', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8123' }, 'a b')).toBe('ws://127.0.0.1:8123/api/ws?token=a%20b');
    expect(socketUrl({ protocol: 'https:', host: 'gpu.lab:443' }, null)).toBe('wss://gpu.lab:443/api/ws');
  });
});

describe('selectApi', () => {
  afterEach(() => {
    delete window.nasBridge;
    sessionStorage.clear();
  });

  it('uses the Electron bridge when the preload exposed it', async () => {
    window.nasBridge = { invoke: async () => ({ ok: true, value: [] }), subscribe: () => () => undefined };
    const handle = selectApi(window);
    expect(handle.transport).toBe('electron');
    await expect(handle.api.invoke('presets.list', {})).resolves.toEqual([]);
    const states: string[] = [];
    handle.onStatus((status) => states.push(status.state));
    expect(states).toEqual(['open']);
  });

  it('otherwise opens a WebSocket to this host with the token', () => {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, 'T0K');
    const harness = socketHarness();
    const handle = selectApi(window, { createSocket: harness.createSocket, setTimer: harness.setTimer, clearTimer: harness.clearTimer });
    expect(handle.transport).toBe('websocket');
    expect(harness.last().url).toBe(`ws://${window.location.host}/api/ws?token=T0K`);
  });
});

describe('healthProbe', () => {
  it('maps 401 to unauthorized, other replies to ok and network errors to unreachable', async () => {
    const origin = { origin: 'http://127.0.0.1:9' };
    const answer = (status: number) => (async () => new Response('', { status })) as unknown as typeof fetch;
    expect(await healthProbe(origin, 't', answer(401))()).toBe('unauthorized');
    expect(await healthProbe(origin, 't', answer(200))()).toBe('ok');
    const fails = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect(await healthProbe(origin, 't', fails)()).toBe('unreachable');
  });
});
