/**
 * What every end-to-end file sets up: a fresh workspace, `nas-shrink serve` on it, Debian's
 * Chromium with one 1280x800 page, full-page screenshots under test-results/ named after the
 * file's topic, and all of it torn down after. A file that needs the workspace filled before
 * the server starts passes `prepare`; one that restarts the server (as after an app restart)
 * calls {@link E2eSession.restartServe}.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { requireBuilt } from './built';
import { launchChromium, SCREENSHOT_DIR } from './browser';
import { startServe } from './serveProcess';
import type { ServeProcess } from './serveProcess';

export interface E2eOptions {
  /** Extra environment for `serve` (e.g. NAS_BACKEND). */
  env?: NodeJS.ProcessEnv;
  /** Fills the workspace before the server starts. */
  prepare?: (workspace: string) => void;
  /** Lets the page download files (the CSV and SVG exports). */
  acceptDownloads?: boolean;
}

export class E2eSession {
  private constructor(
    /** Screenshot names start with it: test-results/<topic>-<name>.png. */
    readonly topic: string,
    readonly workspace: string,
    public serve: ServeProcess,
    readonly browser: Browser,
    readonly page: Page,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async open(topic: string, options: E2eOptions = {}): Promise<E2eSession> {
    requireBuilt();
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), `nas-e2e-${topic}-`));
    options.prepare?.(workspace);
    const env = options.env ?? {};
    const serve = await startServe(workspace, env);
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, ...(options.acceptDownloads ? { acceptDownloads: true } : {}) });
    return new E2eSession(topic, workspace, serve, browser, page, env);
  }

  /** A full-page screenshot from the top (scrolled, the sticky header would sit mid-page in the image). */
  async shot(name: string): Promise<void> {
    await this.page.evaluate(() => window.scrollTo(0, 0));
    await this.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${this.topic}-${name}.png`), fullPage: true });
  }

  /** Stops the server and starts a new one on the same workspace (a new URL and token). */
  async restartServe(): Promise<ServeProcess> {
    await this.serve.stop();
    this.serve = await startServe(this.workspace, this.env);
    return this.serve;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.serve.stop();
    fs.rmSync(this.workspace, { recursive: true, force: true });
  }
}
