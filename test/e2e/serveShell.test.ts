/**
 * End to end: the real `nas-shrink serve` in headless Chromium. A user opens the printed URL,
 * sees the Environment page with the backend, starts the CNN job from New experiment, watches
 * it stream, and cancels it. Screenshots of each view go to test-results/shell-*.png for review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { E2eSession } from '../helpers/e2eSession';

let session: E2eSession;
let page: Page;

beforeAll(async () => {
  // No NAS_BACKEND: the page must show the real fallback chain of this machine.
  session = await E2eSession.open('shell', { env: { NAS_BACKEND: '' } });
  ({ page } = session);
}, 90_000);

afterAll(() => session?.close());

describe('nas-shrink serve in Chromium', () => {
  it('refuses the page without the token', async () => {
    const response = await page.goto(session.serve.url.replace(/\?token=.*$/, ''));
    expect(response?.status()).toBe(401);
    expect(await page.textContent('body')).toContain('Open the URL that `nas-shrink serve` printed');
  });

  it('shows the chosen backend and why the GPU backend was skipped on the Environment page', async () => {
    await page.goto(session.serve.url);
    await page.click('[data-testid="nav-environment"]');
    const backend = page.locator('[data-testid="backend-name"]');
    await backend.waitFor({ timeout: 60_000 });
    // This machine has no CUDA and no libtensorflow: a CPU backend, with the reason shown.
    expect(await backend.textContent()).toMatch(/\b(wasm|cpu)\b/);
    const reason = await page.locator('[data-testid="gpu-skip-reason"]').textContent();
    expect(reason).toMatch(/tfjs-node-gpu is not installed/);
    await session.shot('environment');
  });

  it('starts the CNN job from New experiment, streams it, and cancels it', async () => {
    await page.click('[data-testid="nav-new"]');
    await page.locator('[data-testid="start-cnn-fashion"]').waitFor();
    await page.fill('[data-testid="epochs-cnn-fashion"]', '200');
    await session.shot('new-experiment');
    await page.click('[data-testid="start-cnn-fashion"]');
    await page.locator('[data-testid="job-view"]').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await page.locator('[data-testid="job-progress-text"]').textContent()) ?? '', { timeout: 60_000 }).toMatch(/epoch/i);
    await expect.poll(async () => Number(await page.locator('[data-testid="chart-loss"]').getAttribute('data-points')), { timeout: 90_000 }).toBeGreaterThan(0);
    await session.shot('job-running');
    await page.click('[data-testid="job-cancel"]');
    await expect.poll(async () => (await page.locator('[data-testid="job-status"]').textContent()) ?? '', { timeout: 30_000 }).toMatch(/cancelled/i);
    await session.shot('job-cancelled');
    // The experiment directory records the cancel.
    const dirs = fs.readdirSync(session.workspace);
    expect(dirs).toHaveLength(1);
    const record = JSON.parse(fs.readFileSync(path.join(session.workspace, dirs[0]!, 'experiment.json'), 'utf8')) as { status: string };
    expect(record.status).toBe('cancelled');
  });
});
