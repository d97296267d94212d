/**
 * End to end, the GM-NAS sub-supernet tree in Chromium through `nas-shrink serve`, on a folder
 * in the exact shape the GM runner writes (events with `split` and `metric.node`, results.json
 * with `tree` and per-node candidates; test/renderer/fixtures/split.ts), opened read-only from
 * the experiments browser. Screenshots go to test-results/split-*.png for review.
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
import { ExperimentStore } from '../../electron/engine/store/experimentStore';
import { writeJsonAtomic } from '../../electron/engine/store/atomicFile';
import { gmDetail } from '../renderer/fixtures/split';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
let workspace: string;

async function shot(name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `split-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  requireBuilt();
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-e2e-gm-'));
  const detail = gmDetail();
  const dir = path.join(workspace, '20261201-120000-nb201-fashion-gm-abc123');
  const store = ExperimentStore.create(dir, {
    id: path.basename(dir),
    preset: detail.preset,
    created: detail.created,
    status: 'finished',
    config: detail.config,
    backend: 'wasm',
    versions: {},
    error: null,
    summary: detail.summary,
  });
  store.appendEvents(detail.events);
  writeJsonAtomic(path.join(dir, 'results.json'), detail.results);
  serve = await startServe(workspace, { NAS_BACKEND: 'cpu' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

describe('the GM split tree in Chromium', () => {
  it('shows the tree, the root split with its GM matrix, and a noise-decided split with its candidates', async () => {
    await page.goto(serve.url);
    await page.click('[data-testid="experiment-link"]');
    await page.locator('[data-testid="split-tree"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="split-node"]').count()).toBe(7);
    expect(await page.locator('[data-testid="split-info"]').getAttribute('data-level')).toBe('decided');
    await page.locator('[data-testid="gm-matrix"] canvas').first().waitFor();
    await shot('root');

    await page.click('[data-testid="split-node"][data-node="2"]');
    expect(await page.locator('[data-testid="split-info"]').getAttribute('data-level')).toBe('noise');
    await shot('noise-split');

    await page.click('[data-testid="split-node"][data-node="5"]');
    expect(await page.locator('[data-testid="split-candidate"]').count()).toBe(2);
    expect(await page.locator('[data-testid="split-made-by"]').textContent()).toContain('Decided by noise');
    await shot('leaf');

    await page.click('[data-testid="theme-toggle"]');
    await page.click('[data-testid="split-node"][data-node="0"]');
    await shot('root-dark');
  }, 120_000);
});
