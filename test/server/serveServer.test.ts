import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { createHostApi } from '../../electron/host/createHostApi';
import { startServeServer } from '../../electron/server/serveServer';
import type { RunningServer } from '../../electron/server/serveServer';
import { tokenMatches } from '../../electron/server/token';
import type { ServerMessage } from '../../shared/ipc/wire';
import type { Environment } from '../../shared/model/environment';
import type { JobEvent } from '../../shared/model/job';
import { FakeSupervisor } from '../helpers/fakeSupervisor';

const servers: RunningServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

function staticDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-static-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>NAS</title>');
  fs.writeFileSync(path.join(os.tmpdir(), 'nas-secret.txt'), 'secret');
  return dir;
}

async function start(): Promise<{ server: RunningServer; supervisor: FakeSupervisor }> {
  const supervisor = new FakeSupervisor(os.tmpdir());
  const api = createHostApi({ supervisor: supervisor.asSupervisor(), environment: () => Promise.reject(new Error('unused')) as Promise<Environment> });
  const server = await startServeServer({ api, staticDir: staticDir(), port: 0 });
  servers.push(server);
  return { server, supervisor };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

/** Opens a socket and collects server messages by id. */
async function connect(url: string): Promise<{ ws: WebSocket; next: (pred: (m: ServerMessage) => boolean) => Promise<ServerMessage> }> {
  const ws = new WebSocket(url);
  const inbox: ServerMessage[] = [];
  const waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    const waiter = waiters.find((w) => w.pred(message));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else inbox.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    next: (pred) => {
      const found = inbox.find(pred);
      if (found) {
        inbox.splice(inbox.indexOf(found), 1);
        return Promise.resolve(found);
      }
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

describe('nas-shrink serve', () => {
  it('binds 127.0.0.1 by default and prints a URL with the token', async () => {
    const { server } = await start();
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('answers 401 without the token and 200 with it; sets a strict CSP and a token cookie', async () => {
    const { server } = await start();
    const base = `http://127.0.0.1:${server.port}`;
    expect((await get(`${base}/`)).status).toBe(401);
    expect((await get(`${base}/?token=wrong`)).status).toBe(401);
    expect((await get(`${base}/api/health`)).status).toBe(401);
    const ok = await get(server.url);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>NAS</title>');
    expect(ok.headers['content-security-policy']).toContain("script-src 'self'");
    expect(ok.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect((await get(`${base}/`, { cookie: cookie.split(';')[0]! })).status).toBe(200);
    expect((await get(`${base}/api/health`, { authorization: `Bearer ${server.token}` })).status).toBe(200);
  });

  it('never serves files outside the UI folder', async () => {
    const { server } = await start();
    const auth = { authorization: `Bearer ${server.token}` };
    const base = `http://127.0.0.1:${server.port}`;
    for (const p of ['/../nas-secret.txt', '/%2e%2e/nas-secret.txt', '/%2e%2e%2fnas-secret.txt', '/..%5cnas-secret.txt', `/${encodeURIComponent(path.join(os.tmpdir(), 'nas-secret.txt'))}`]) {
      const res = await get(base + p, auth);
      expect([403, 404], `${p} -> ${res.status}`).toContain(res.status);
      expect(res.body).not.toContain('secret');
    }
  });

  it('refuses a WebSocket without the token with 401', async () => {
    const { server } = await start();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(401);
  });

  it('carries invoke and subscribe over the WebSocket, errors included', async () => {
    const { server, supervisor } = await start();
    const { ws, next } = await connect(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`);

    ws.send(JSON.stringify({ kind: 'invoke', id: 1, channel: 'presets.list', payload: {} }));
    const result = await next((m) => m.id === 1);
    expect(result.kind).toBe('result');
    expect((result as { value: { name: string }[] }).value.map((p) => p.name)).toContain('cnn-fashion');

    ws.send(JSON.stringify({ kind: 'invoke', id: 2, channel: 'jobs.start', payload: { preset: '' } }));
    const error = await next((m) => m.id === 2);
    expect(error).toMatchObject({ kind: 'error', error: { code: 'INVALID_PAYLOAD' } });

    ws.send('not json');
    expect(await next((m) => m.id === -1)).toMatchObject({ kind: 'error', error: { code: 'INVALID_PAYLOAD' } });

    ws.send(JSON.stringify({ kind: 'subscribe', id: 3, channel: 'jobs.events', payload: { jobId: 'job-1' } }));
    await expect.poll(() => supervisor.subscriberCount).toBe(1);
    const batch: JobEvent[] = [{ type: 'log', level: 'info', message: 'hello', seq: 0, time: 1 }];
    supervisor.push(batch);
    expect(await next((m) => m.id === 3 && m.kind === 'event')).toEqual({ kind: 'event', id: 3, event: batch });
    supervisor.endAll();
    expect(await next((m) => m.id === 3 && m.kind === 'end')).toEqual({ kind: 'end', id: 3 });
    ws.close();
  });

  it('compares tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', '')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });
});
