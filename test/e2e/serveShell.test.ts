/**
 * End to end: the real `nas-shrink serve` in headless Chromium. A user opens the printed URL,
 * sees the Environment page with the backend, starts the CNN job from New experiment, watches
 * it stream, and cancels it. Screenshots of each view go to test-results/ for review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { requireBuilt } from '../helpers/built';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/browser';
import { startServe } from '../helpers/serveProcess';
import type { ServeProcess } from '../helpers/serveProcess';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let workspace: string;

beforeAll(async () => {
  requireBuilt();
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-e2e-'));
  // No NAS_BACKEND: the page must show the real fallback chain of this machine.
  serve = await startServe(workspace, { NAS_BACKEND: '' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
});

describe('nas-shrink serve in Chromium', () => {
  it('refuses the page without the token', async () => {
    const response = await page.goto(serve.url.replace(/\?token=.*$/, ''));
    expect(response?.status()).toBe(401);
    expect(await page.textContent('body')).toContain('Open the URL that `nas-shrink serve` printed');
  });

  it('shows the chosen backend and why the GPU backend was skipped on the Environment page', async () => {
    await page.goto(serve.url);
    await page.click('[data-testid="nav-environment"]');
    const backend = page.locator('[data-testid="backend-name"]');
    await backend.waitFor({ timeout: 60_000 });
    // This machine has no CUDA and no libtensorflow: a CPU backend, with the reason shown.
    expect(await backend.textContent()).toMatch(/\b(wasm|cpu)\b/);
    const reason = await page.locator('[data-testid="gpu-skip-reason"]').textContent();
    expect(reason).toMatch(/tfjs-node-gpu is not installed/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'environment.png'), fullPage: true });
  });

  it('starts the CNN job from New experiment, streams it, and cancels it', async () => {
    await page.click('[data-testid="nav-new"]');
    await page.locator('[data-testid="start-cnn-fashion"]').waitFor();
    await page.fill('[data-testid="epochs-cnn-fashion"]', '200');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'new-experiment.png'), fullPage: true });
    await page.click('[data-testid="start-cnn-fashion"]');
    await page.locator('[data-testid="job-view"]').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await page.locator('[data-testid="job-progress-text"]').textContent()) ?? '', { timeout: 60_000 }).toMatch(/epoch/i);
    await expect.poll(async () => Number(await page.locator('[data-testid="chart-loss"]').getAttribute('data-points')), { timeout: 90_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'job-running.png'), fullPage: true });
    await page.click('[data-testid="job-cancel"]');
    await expect.poll(async () => (await page.locator('[data-testid="job-status"]').textContent()) ?? '', { timeout: 30_000 }).toMatch(/cancelled/i);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'job-cancelled.png'), fullPage: true });
    // The experiment directory records the cancel.
    const dirs = fs.readdirSync(workspace);
    expect(dirs).toHaveLength(1);
    const record = JSON.parse(fs.readFileSync(path.join(workspace, dirs[0]!, 'experiment.json'), 'utf8')) as { status: string };
    expect(record.status).toBe('cancelled');
  });
});
