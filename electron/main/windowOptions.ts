/**
 * The main window as plain data (no electron import, so tests can check it): its size, the
 * secure web preferences with our preload, and the page it loads, which is the very renderer
 * build `nas-shrink serve` sends to a browser (dist/renderer/index.html).
 */
import * as path from 'node:path';
import { appRoot } from '../host/appPaths';
import { rendererIndexUrl, secureWebPreferences } from './security';
import type { SecureWebPreferences } from './security';

export interface MainWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  /** Shown on `ready-to-show`, so the window never flashes blank. */
  show: false;
  webPreferences: SecureWebPreferences;
}

/** The sandboxed preload bundle (one CJS file: a sandboxed preload cannot require local files). */
export function preloadPath(root = appRoot()): string {
  return path.join(root, 'dist', 'electron', 'preload', 'index.cjs');
}

export function mainWindowOptions(root = appRoot()): MainWindowOptions {
  return { width: 1280, height: 820, minWidth: 900, minHeight: 600, title: 'NAS Shrink Studio', show: false, webPreferences: secureWebPreferences(preloadPath(root)) };
}

/** What the window loads: the Vite dev server when NAS_RENDERER_DEV_URL is set (development), else the built renderer. */
export function rendererEntryUrl(env: NodeJS.ProcessEnv = process.env): string {
  const devUrl = env['NAS_RENDERER_DEV_URL'];
  return devUrl ? devUrl : rendererIndexUrl();
}
