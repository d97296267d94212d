/**
 * The app's security policy as plain data and pure functions (no electron import), so that
 * tests can check it: web preferences, the CSP, and which URLs count as our own renderer.
 * Follows Electron's security checklist: context isolation, sandbox, no Node in the renderer,
 * a strict CSP, no navigation, no new windows, no permissions, IPC only from our own frame.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rendererDir } from '../host/appPaths';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // No inline styles either: Vue sets styles through the CSSOM and the charts draw their
  // tooltips on the canvas (docs/adr/0005-renderer.md).
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  spellcheck: false;
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** The renderer's entry page. */
export function rendererIndexUrl(dir = rendererDir()): string {
  return pathToFileURL(path.join(dir, 'index.html')).toString();
}

/** True for our own built renderer (file:// under dist/renderer), or the dev server when set. */
export function isTrustedRendererUrl(url: string, dir = rendererDir(), devServer = process.env['NAS_RENDERER_DEV_URL']): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (devServer) {
    const dev = new URL(devServer);
    if (parsed.origin === dev.origin) return true;
  }
  if (parsed.protocol !== 'file:') return false;
  const index = new URL(rendererIndexUrl(dir));
  return parsed.pathname === index.pathname; // the SPA routes in the hash, never by path
}
