/**
 * End to end, the experiment builder in Chromium through `nas-shrink serve`: a typed folder that
 * does not exist and a target larger than the space are explained next to their fields, a real
 * IDX folder is opened by the host, and the built experiment starts (then is cancelled: the ABS
 * flow itself is absFlow.test.ts); GM-NAS shows its fields, refuses too few epochs for its splits
 * on the epochs field and plans the splits. Screenshots go to test-results/builder-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { E2eSession } from '../helpers/e2eSession';
import { bundledSampleDir } from '../../electron/engine/data';

let session: E2eSession;
let page: Page;

const fieldError = (id: string) => page.locator(`[data-field="${id}"] [data-testid="builder-field-error"]`);

beforeAll(async () => {
  session = await E2eSession.open('builder');
  ({ page } = session);
}, 90_000);

afterAll(() => session?.close());

describe('the experiment builder in Chromium', () => {
  it('explains invalid choices next to their fields, opens a typed IDX folder, and starts the experiment', async () => {
    await page.goto(session.serve.url);
    await page.click('[data-testid="nav-new"]');
    await page.click('[data-testid="new-tab-build"]');
    await expect.poll(async () => page.locator('[data-testid="builder-space-size"]').textContent(), { timeout: 30_000 }).toBe('15,625 architectures in the space');

    const missing = path.join(session.workspace, 'no-such-folder');
    await page.click('[data-testid="builder-dataset-path-choice"]');
    await page.fill('[data-testid="builder-dataset-path"]', missing);
    await page.fill('[data-testid="builder-targetSize"]', '20000');
    await expect.poll(async () => fieldError('builder-dataset').textContent(), { timeout: 30_000 }).toContain(`${missing} does not exist`);
    expect(await fieldError('builder-target').textContent()).toContain('must be smaller than the space (15,625 architectures)');
    expect(await page.locator('[data-testid="builder-start"]').isDisabled()).toBe(true);
    await session.shot('invalid');

    await page.fill('[data-testid="builder-dataset-path"]', bundledSampleDir());
    await page.fill('[data-testid="builder-targetSize"]', '1000');
    await page.fill('[data-testid="builder-epochs"]', '1');
    await page.fill('[data-testid="builder-maxTrainImages"]', '600');
    await page.fill('[data-testid="builder-name"]', 'built-abs');
    await expect.poll(async () => (await page.locator('[data-testid="builder-dataset-found"]').textContent().catch(() => '')) ?? '', { timeout: 30_000 }).toMatch(/IDX files .*28x28x1 images, 10 classes/);
    await expect.poll(() => page.locator('[data-testid="builder-start"]').isDisabled(), { timeout: 30_000 }).toBe(false);
    expect(await page.locator('[data-testid="builder-summary-line"]').count()).toBeGreaterThanOrEqual(3);
    await session.shot('valid');

    await page.click('[data-testid="builder-start"]');
    await page.locator('[data-testid="job-view"]').waitFor({ timeout: 30_000 });
    const dirs = fs.readdirSync(session.workspace).filter((name) => name.includes('built-abs'));
    expect(dirs).toHaveLength(1);
    const record = JSON.parse(fs.readFileSync(path.join(session.workspace, dirs[0]!, 'experiment.json'), 'utf8')) as { config: Record<string, unknown> };
    expect(record.config).toMatchObject({ name: 'built-abs', method: 'abs', maxTrainImages: 600, dataset: { kind: 'idx', path: bundledSampleDir() }, training: { epochs: 1 } });
    await page.click('[data-testid="job-cancel"]');
    await expect.poll(async () => (await page.locator('[data-testid="job-status"]').textContent()) ?? '', { timeout: 60_000 }).toMatch(/cancelled/i);
  }, 180_000);

  it('builds a GM-NAS experiment: R and the leaf search, too few epochs on the epochs field, the split plan in the summary', async () => {
    await page.goto(session.serve.url);
    await page.click('[data-testid="nav-new"]');
    await page.click('[data-testid="new-tab-build"]');
    await page.click('[data-testid="builder-method-gm"]');
    await page.fill('[data-testid="builder-epochs"]', '2');
    await expect.poll(async () => (await fieldError('builder-epochs').textContent().catch(() => '')) ?? '', { timeout: 30_000 }).toBe('2 epochs are too few for the 2 split(s) of nb201-gm-rsps. Use at least 3 epochs.');
    expect(await page.locator('[data-testid="builder-start"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="builder-epochs"]', '9');
    await page.fill('[data-testid="builder-gmRepeats"]', '4');
    await page.fill('[data-testid="builder-archsPerLeaf"]', '7');
    // 20 and 40 of 90 scaled to 9: epochs 2 and 4; 1x2 + 2x2 + 4x5 = 26 node-epochs.
    await expect.poll(async () => (await page.locator('[data-testid="builder-summary"]').textContent()) ?? '', { timeout: 30_000 }).toContain('split at epochs 2 and 4 of 9');
    const summary = (await page.locator('[data-testid="builder-summary"]').textContent()) ?? '';
    expect(summary).toContain('R=4 batches');
    expect(summary).toContain('26 supernet node-epochs in all');
    expect(summary).toContain('RSPS search of 7 random architectures');
    expect(await page.locator('[data-testid="builder-start"]').isDisabled()).toBe(false);
    await session.shot('gm');
  }, 120_000);
});
