/**
 * End to end, the GM-NAS sub-supernet tree in Chromium through `nas-shrink serve`, on a folder
 * in the exact shape the GM runner writes (events with `split` and `metric.node`, results.json
 * with `tree` and per-node candidates; test/renderer/fixtures/split.ts), opened read-only from
 * the experiments browser. Screenshots go to test-results/split-*.png for review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { E2eSession } from '../helpers/e2eSession';
import { ExperimentStore } from '../../electron/engine/store/experimentStore';
import { writeJsonAtomic } from '../../electron/engine/store/atomicFile';
import { gmDetail } from '../renderer/fixtures/split';

let session: E2eSession;
let page: Page;

/** The finished GM run of the fixture, written as the runner writes one. */
function writeGmExperiment(workspace: string): void {
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
}

beforeAll(async () => {
  session = await E2eSession.open('split', { env: { NAS_BACKEND: 'cpu' }, prepare: writeGmExperiment });
  ({ page } = session);
}, 90_000);

afterAll(() => session?.close());

describe('the GM split tree in Chromium', () => {
  it('shows the tree, the root split with its GM matrix, and a noise-decided split with its candidates', async () => {
    await page.goto(session.serve.url);
    await page.click('[data-testid="experiment-link"]');
    await page.locator('[data-testid="split-tree"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="split-node"]').count()).toBe(7);
    expect(await page.locator('[data-testid="split-info"]').getAttribute('data-level')).toBe('decided');
    await page.locator('[data-testid="gm-matrix"] canvas').first().waitFor();
    await session.shot('root');

    await page.click('[data-testid="split-node"][data-node="2"]');
    expect(await page.locator('[data-testid="split-info"]').getAttribute('data-level')).toBe('noise');
    await session.shot('noise-split');

    await page.click('[data-testid="split-node"][data-node="5"]');
    expect(await page.locator('[data-testid="split-candidate"]').count()).toBe(2);
    expect(await page.locator('[data-testid="split-made-by"]').textContent()).toContain('Decided by noise');
    await session.shot('leaf');

    await page.click('[data-testid="theme-toggle"]');
    await page.click('[data-testid="split-node"][data-node="0"]');
    await session.shot('root-dark');
  }, 120_000);
});
