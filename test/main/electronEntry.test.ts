/**
 * The Electron entry without an Electron binary: the window's options and page, the preload's
 * one exposed object and its channel filter, and the main side's sender check. `electron` is
 * replaced by recording stand-ins; what is checked is what our code hands to it.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { appRoot, rendererDir } from '../../electron/host/appPaths';
import { mainWindowOptions, preloadPath, rendererEntryUrl } from '../../electron/main/windowOptions';
import { rendererIndexUrl } from '../../electron/main/security';
import { ELECTRON_IPC, INVOKE_CHANNEL_NAMES } from '../../shared/ipc/channelNames';
import { INVOKE_CHANNELS, SUBSCRIBE_CHANNELS } from '../../shared/ipc/contract';
import type { HostApi } from '../../electron/host/hostApi';

const electron = vi.hoisted(() => {
  const exposed: { name: string; api: unknown }[] = [];
  const rendererInvoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'reply' }));
  const rendererSend = vi.fn();
  const rendererListeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const mainHandlers = new Map<string, (...args: unknown[]) => unknown>();
  const mainListeners = new Map<string, (...args: unknown[]) => void>();
  return { exposed, rendererInvoke, rendererSend, rendererListeners, mainHandlers, mainListeners };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => electron.exposed.push({ name, api }) },
  ipcRenderer: {
    invoke: electron.rendererInvoke,
    send: electron.rendererSend,
    on: (channel: string, listener: (...args: unknown[]) => void) => electron.rendererListeners.set(channel, [...(electron.rendererListeners.get(channel) ?? []), listener]),
    off: (channel: string, listener: (...args: unknown[]) => void) => electron.rendererListeners.set(channel, (electron.rendererListeners.get(channel) ?? []).filter((l) => l !== listener)),
  },
  ipcMain: {
    handle: (channel: string, handler: (...args: unknown[]) => unknown) => electron.mainHandlers.set(channel, handler),
    on: (channel: string, listener: (...args: unknown[]) => void) => electron.mainListeners.set(channel, listener),
  },
}));

describe('the main window', () => {
  it('is sandboxed and isolated, without Node, with our preload bundle', () => {
    const options = mainWindowOptions();
    expect(options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webviewTag: false });
    expect(options.webPreferences.preload).toBe(path.join(appRoot(), 'dist', 'electron', 'preload', 'index.cjs'));
    expect(preloadPath('/opt/app')).toBe(path.join('/opt/app', 'dist', 'electron', 'preload', 'index.cjs'));
    expect(options.show).toBe(false);
  });

  it('loads the same renderer build that `nas-shrink serve` serves', () => {
    const url = rendererEntryUrl({});
    expect(url).toBe(rendererIndexUrl());
    expect(url).toBe(pathToFileURL(path.join(rendererDir(), 'index.html')).toString());
    if (fs.existsSync(fileURLToPath(url))) expect(fs.readFileSync(fileURLToPath(url), 'utf8')).toContain('<div id="app"');
    expect(rendererEntryUrl({ NAS_RENDERER_DEV_URL: 'http://localhost:5173/' })).toBe('http://localhost:5173/');
  });

  it('uses the preload built by `npm run build` when there is one, and it bundles no other local file', () => {
    const bundle = preloadPath();
    if (!fs.existsSync(bundle)) return; // built by `npm test`; the source is checked below either way
    const code = fs.readFileSync(bundle, 'utf8');
    expect(code).not.toMatch(/require\(["']\.{1,2}\//);
    for (const name of INVOKE_CHANNEL_NAMES) expect(code).toContain(`"${name}"`);
  });
});

describe('the preload', () => {
  type Bridge = {
    invoke(channel: string, request: unknown): Promise<unknown>;
    subscribe(channel: string, request: unknown, onEvent: (e: unknown) => void, onEnd?: (e?: unknown) => void): () => void;
  };
  let bridge: Bridge;

  beforeEach(async () => {
    vi.resetModules();
    electron.exposed.length = 0;
    electron.rendererInvoke.mockClear();
    electron.rendererSend.mockClear();
    electron.rendererListeners.clear();
    await import('../../electron/preload/index');
    bridge = electron.exposed[0]!.api as Bridge;
  });

  it('exposes one object, nasBridge, with invoke and subscribe only', () => {
    expect(electron.exposed.map((e) => e.name)).toEqual(['nasBridge']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('forwards every declared channel and refuses any other without reaching main', async () => {
    expect([...INVOKE_CHANNEL_NAMES].sort()).toEqual([...INVOKE_CHANNELS].sort());
    for (const channel of INVOKE_CHANNELS) await bridge.invoke(channel, { jobId: 'j' });
    expect(electron.rendererInvoke.mock.calls.map((c) => c[1])).toEqual([...INVOKE_CHANNELS]);
    expect(electron.rendererInvoke.mock.calls.every((c) => c[0] === ELECTRON_IPC.invoke)).toBe(true);
    electron.rendererInvoke.mockClear();
    expect(await bridge.invoke('fs.readFile', { path: '/etc/passwd' })).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: "Unknown channel 'fs.readFile'." } });
    expect(electron.rendererInvoke).not.toHaveBeenCalled();
  });

  it('subscribes to declared streams only, and delivers only its own subscription\'s events', () => {
    const ends: unknown[] = [];
    bridge.subscribe('shell.exec', {}, () => undefined, (error) => ends.push(error));
    expect(ends).toEqual([{ code: 'UNKNOWN_CHANNEL', message: "Unknown subscription channel 'shell.exec'." }]);
    expect(electron.rendererSend).not.toHaveBeenCalled();

    const events: unknown[] = [];
    const stop = bridge.subscribe(SUBSCRIBE_CHANNELS[0]!, { jobId: 'j' }, (e) => events.push(e));
    const [channel, id] = electron.rendererSend.mock.calls[0]!;
    expect(channel).toBe(ELECTRON_IPC.subscribe);
    for (const listener of electron.rendererListeners.get(ELECTRON_IPC.event) ?? []) {
      listener({}, id, ['mine']);
      listener({}, (id as number) + 1, ['another window']);
    }
    expect(events).toEqual([['mine']]);
    stop();
    expect(electron.rendererSend.mock.calls.at(-1)).toEqual([ELECTRON_IPC.unsubscribe, id]);
    expect(electron.rendererListeners.get(ELECTRON_IPC.event)).toEqual([]);
  });
});

describe('the main side of the bridge', () => {
  it('answers our own top frame and refuses any other sender before the host sees it', async () => {
    vi.resetModules();
    const { registerIpc } = await import('../../electron/main/ipcBridge');
    const seen: string[] = [];
    const api: HostApi = {
      invoke: async (channel) => {
        seen.push(channel);
        return { fine: true };
      },
      subscribe: () => () => undefined,
    };
    registerIpc(api);
    const handler = electron.mainHandlers.get(ELECTRON_IPC.invoke)!;
    const ours = { parent: null, url: rendererIndexUrl() };
    expect(await handler({ senderFrame: ours }, 'env.get', {})).toEqual({ ok: true, value: { fine: true } });
    expect(await handler({ senderFrame: { parent: null, url: 'https://evil.example/' } }, 'env.get', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(await handler({ senderFrame: { parent: ours, url: rendererIndexUrl() } }, 'env.get', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(seen).toEqual(['env.get']);
  });
});
