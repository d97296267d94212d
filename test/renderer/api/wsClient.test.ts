import { describe, expect, it, vi } from 'vitest';
import { WsClient } from '../../../renderer/src/api/wsClient';
import { ApiError } from '../../../renderer/src/api/apiError';
import type { ConnectionStatus } from '../../../renderer/src/api/connectionStatus';
import { socketHarness } from '../helpers/fakeSocket';

function setup(hasToken = true) {
  const harness = socketHarness();
  const client = new WsClient({
    url: 'ws://127.0.0.1:5000/api/ws?token=abc',
    hasToken,
    createSocket: harness.createSocket,
    setTimer: harness.setTimer,
    clearTimer: harness.clearTimer,
    initialDelayMs: 500,
    maxDelayMs: 4000,
  });
  const statuses: ConnectionStatus[] = [];
  client.onStatus((status) => statuses.push(status));
  client.connect();
  return { client, harness, statuses };
}

describe('WsClient', () => {
  it('connects to the given URL and resolves an invoke with the matching result', async () => {
    const { client, harness } = setup();
    const socket = harness.last();
    expect(socket.url).toBe('ws://127.0.0.1:5000/api/ws?token=abc');

    const reply = client.invoke('presets.list', {});
    socket.open();
    expect(socket.sent).toEqual([{ kind: 'invoke', id: 1, channel: 'presets.list', payload: {} }]);

    socket.receive({ kind: 'result', id: 999, value: 'not ours' });
    socket.receive({ kind: 'result', id: 1, value: [] });
    await expect(reply).resolves.toEqual([]);
    expect(client.status.state).toBe('open');
  });

  it('keeps replies apart by id when they arrive out of order', async () => {
    const { client, harness } = setup();
    const socket = harness.last();
    socket.open();
    const first = client.invoke('jobs.list', {});
    const second = client.invoke('experiments.list', {});
    socket.receive({ kind: 'result', id: 2, value: ['second'] });
    socket.receive({ kind: 'result', id: 1, value: ['first'] });
    await expect(first).resolves.toEqual(['first']);
    await expect(second).resolves.toEqual(['second']);
  });

  it('turns an error message into an ApiError with code, message and fix', async () => {
    const { client, harness } = setup();
    const socket = harness.last();
    socket.open();
    const reply = client.invoke('jobs.start', { preset: 'nope' });
    socket.receive({
      kind: 'error',
      id: 1,
      error: { code: 'UNKNOWN_PRESET', message: 'No preset named "nope".', fix: 'Run `nas-shrink presets` to list them.' },
    });
    const error = await reply.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'UNKNOWN_PRESET', message: 'No preset named "nope".', fix: 'Run `nas-shrink presets` to list them.' });
  });

  it('ignores messages that are not JSON or do not match the wire schema', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { client, harness } = setup();
    const socket = harness.last();
    socket.open();
    const reply = client.invoke('jobs.list', {});
    socket.receive('{not json');
    socket.receive({ kind: 'result', id: 'one', value: [] });
    socket.receive({ kind: 'error', id: 1, error: { code: 'NOT_A_CODE', message: 'x' } });
    socket.receive({ kind: 'result', id: 1, value: ['ok'] });
    await expect(reply).resolves.toEqual(['ok']);
    expect(warn).toHaveBeenCalledTimes(3);
    warn.mockRestore();
  });

  it('delivers subscription events and the end, then forgets the subscription', () => {
    const { client, harness } = setup();
    const socket = harness.last();
    socket.open();
    const events: unknown[] = [];
    const onEnd = vi.fn();
    client.subscribe('jobs.events', { jobId: 'j1' }, (event) => events.push(event), onEnd);
    expect(socket.sent).toEqual([{ kind: 'subscribe', id: 1, channel: 'jobs.events', payload: { jobId: 'j1' } }]);

    socket.receive({ kind: 'event', id: 1, event: [{ seq: 0 }] });
    socket.receive({ kind: 'event', id: 2, event: [{ seq: 99 }] });
    socket.receive({ kind: 'event', id: 1, event: [{ seq: 1 }] });
    socket.receive({ kind: 'end', id: 1, error: { code: 'JOB_CRASHED', message: 'The job process exited with code 1.' } });
    socket.receive({ kind: 'event', id: 1, event: [{ seq: 2 }] });

    expect(events).toEqual([[{ seq: 0 }], [{ seq: 1 }]]);
    expect(onEnd).toHaveBeenCalledOnce();
    expect(onEnd).toHaveBeenCalledWith({ code: 'JOB_CRASHED', message: 'The job process exited with code 1.' });
  });

  it('sends unsubscribe and stops delivering', () => {
    const { client, harness } = setup();
    const socket = harness.last();
    socket.open();
    const onEvent = vi.fn();
    const stop = client.subscribe('jobs.events', { jobId: 'j1' }, onEvent);
    stop();
    stop();
    socket.receive({ kind: 'event', id: 1, event: [] });
    expect(onEvent).not.toHaveBeenCalled();
    expect(socket.sent.slice(1)).toEqual([{ kind: 'unsubscribe', id: 1 }]);
  });

  it('reconnects with doubling delays and re-sends subscriptions after reconnecting', () => {
    const { client, harness, statuses } = setup();
    harness.last().open();
    const onEvent = vi.fn();
    client.subscribe('jobs.events', { jobId: 'j1' }, onEvent);

    harness.last().drop();
    expect(client.status).toMatchObject({ state: 'reconnecting', attempt: 1, retryInMs: 500 });
    expect(client.status.message).toBe('The connection to the server was lost.');
    harness.timers.shift()?.run();
    expect(harness.sockets).toHaveLength(2);
    harness.last().drop(); // fails before opening
    expect(client.status).toMatchObject({ state: 'reconnecting', attempt: 2, retryInMs: 1000 });
    harness.timers.shift()?.run();
    harness.last().drop();
    harness.timers.shift()?.run();
    harness.last().drop();
    expect(client.status.retryInMs).toBe(4000); // 500 * 2^3 capped at maxDelayMs
    harness.timers.shift()?.run();

    const socket = harness.last();
    socket.open();
    expect(client.status).toMatchObject({ state: 'open', attempt: 0, retryInMs: null });
    expect(socket.sent).toEqual([{ kind: 'subscribe', id: 1, channel: 'jobs.events', payload: { jobId: 'j1' } }]);
    socket.receive({ kind: 'event', id: 1, event: ['after reconnect'] });
    expect(onEvent).toHaveBeenCalledWith(['after reconnect']);
    expect(statuses.map((status) => status.state)).toContain('reconnecting');
  });

  it('rejects invokes in flight when the socket drops, but keeps queued ones for the next socket', async () => {
    const { client, harness } = setup();
    harness.last().open();
    const inFlight = client.invoke('jobs.list', {});
    harness.last().drop();
    await expect(inFlight).rejects.toMatchObject({ code: 'NOT_CONNECTED' });

    const queued = client.invoke('env.get', {});
    harness.timers.shift()?.run();
    const socket = harness.last();
    socket.open();
    expect(socket.sent).toEqual([{ kind: 'invoke', id: 2, channel: 'env.get', payload: {} }]);
    socket.receive({ kind: 'result', id: 2, value: 'env' });
    await expect(queued).resolves.toBe('env');
  });

  it('reports unauthorized on close code 4401 and stops retrying', async () => {
    const { client, harness } = setup();
    const onEnd = vi.fn();
    const waiting = client.invoke('env.get', {});
    client.subscribe('jobs.events', { jobId: 'j1' }, () => undefined, onEnd);
    harness.last().drop(4401);

    expect(client.status.state).toBe('unauthorized');
    expect(client.status.fix).toMatch(/nas-shrink serve/);
    expect(harness.timers).toHaveLength(0);
    await expect(waiting).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(onEnd).toHaveBeenCalledWith(expect.objectContaining({ code: 'UNAUTHORIZED' }));
    await expect(client.invoke('jobs.list', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('reports unauthorized when there is no token and the connection is refused', () => {
    const { client, harness } = setup(false);
    harness.last().drop(1006);
    expect(client.status.state).toBe('unauthorized');
    expect(client.status.message).toMatch(/No access token/);
    expect(harness.timers).toHaveLength(0);
  });

  it('keeps retrying with a token, hinting that the token may be wrong', () => {
    const { client, harness } = setup(true);
    harness.last().drop(1006);
    expect(client.status.state).toBe('reconnecting');
    expect(client.status.message).toBe('No answer from the server.');
    expect(client.status.fix).toMatch(/token/);
  });

  it('becomes unauthorized on an UNAUTHORIZED error that answers no request', () => {
    const { client, harness } = setup();
    const socket = harness.last();
    socket.open();
    socket.receive({ kind: 'error', id: 0, error: { code: 'UNAUTHORIZED', message: 'Bad token.' } });
    expect(client.status).toMatchObject({ state: 'unauthorized', message: 'Bad token.' });
    expect(socket.closed).toBe(true);
  });

  it('asks the probe after a refused connection: a 401 means the token is wrong', async () => {
    const harness = socketHarness();
    const client = new WsClient({ url: 'ws://h/api/ws?token=old', hasToken: true, probe: async () => 'unauthorized', ...harness });
    client.connect();
    harness.last().drop(1006);
    expect(client.status.state).toBe('reconnecting');
    await vi.waitFor(() => expect(client.status.state).toBe('unauthorized'));
    expect(client.status.message).toMatch(/refused the access token/);
    expect(harness.timers).toHaveLength(0); // the scheduled retry was cancelled
  });

  it('asks the probe after a refused connection: a network error means the server is down', async () => {
    const harness = socketHarness();
    const client = new WsClient({ url: 'ws://h/api/ws', hasToken: false, probe: async () => 'unreachable', ...harness });
    client.connect();
    harness.last().drop(1006);
    await vi.waitFor(() => expect(client.status.message).toBe('Cannot reach the server.'));
    expect(client.status.state).toBe('reconnecting');
    expect(harness.timers).toHaveLength(1);
  });

  it('abandons an attempt that never opens and retries', () => {
    const { client, harness } = setup();
    const hanging = harness.last();
    expect(harness.timers.map((timer) => timer.ms)).toEqual([10_000]); // the connect timeout
    harness.timers.shift()?.run();
    expect(hanging.closed).toBe(true);
    expect(client.status).toMatchObject({ state: 'reconnecting', attempt: 1, retryInMs: 500 });
    harness.timers.shift()?.run();
    expect(harness.sockets).toHaveLength(2);
    harness.last().open();
    expect(client.status.state).toBe('open');
    expect(harness.timers).toHaveLength(0);
  });

  it('is unavailable when no socket can be created', async () => {
    const client = new WsClient({
      url: 'ws:///api/ws',
      hasToken: false,
      createSocket: () => {
        throw new Error('invalid URL');
      },
    });
    client.connect();
    expect(client.status.state).toBe('unavailable');
    await expect(client.invoke('env.get', {})).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });
});
