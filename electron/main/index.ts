/**
 * Electron's main process: one window, the IPC bridge, the job supervisor. Thin on purpose:
 * the services are shared with `nas-shrink serve` (electron/host).
 */
import { app, BrowserWindow, session, shell } from 'electron';
import * as path from 'node:path';
import { jobEntry, probeEntry } from '../host/appPaths';
import { createHostApi } from '../host/createHostApi';
import { describeEnvironment, probeBackend } from '../host/environment';
import { JobSupervisor } from '../host/jobSupervisor';
import type { Environment } from '../../shared/model/environment';
import { registerIpc } from './ipcBridge';
import { CONTENT_SECURITY_POLICY, isTrustedRendererUrl } from './security';
import { mainWindowOptions, rendererEntryUrl } from './windowOptions';
import { utilityLauncher } from './utilityLauncher';

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions());
  window.once('ready-to-show', () => window.show());
  // No navigation away from the app, no new windows; links open in the system browser.
  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrustedRendererUrl(url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void window.loadURL(rendererEntryUrl());
  return window;
}

function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

void app.whenReady().then(() => {
  lockDownSession();
  const workspace = path.join(app.getPath('documents'), 'NAS Shrink Studio');
  const supervisor = new JobSupervisor({ launcher: utilityLauncher, entry: jobEntry(), workspace, versions: { electron: process.versions.electron ?? '' } });
  let environment: Promise<Environment> | null = null;
  registerIpc(
    createHostApi({
      supervisor,
      environment: () => (environment ??= probeBackend(utilityLauncher, probeEntry()).then((b) => describeEnvironment('electron', b))),
    }),
  );
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('before-quit', () => void supervisor.shutdown());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
