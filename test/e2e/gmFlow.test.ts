/**
 * End to end, a real GM-NAS run built in the UI, in Chromium through `nas-shrink serve`: a tiny
 * run (C=2, 192 training images, 3 epochs, R=3, 3 architectures per leaf) is started from the
 * builder, paused and continued from the live view, watched while it splits (the split tree
 * shows the split edge, the groups and the GM distance heatmap as the `split` events arrive),
 * then a leaf is opened for its curves and candidates, and in Browse & compare the run is ranked
 * against a NAS-Bench-201-style CSV typed as a path. Screenshots: test-results/gm-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { E2eSession } from '../helpers/e2eSession';
import { readEvents } from '../../electron/engine/store/experimentStore';

let session: E2eSession;
let page: Page;

const text = async (selector: string): Promise<string> => (await page.locator(selector).first().textContent().catch(() => '')) ?? '';

beforeAll(async () => {
  session = await E2eSession.open('gm');
  ({ page } = session);
}, 90_000);

afterAll(() => session?.close());

describe('a GM-NAS run from the UI in Chromium', () => {
  it('builds and starts it, pauses and continues it, shows its splits live, and opens a leaf', async () => {
    await page.goto(session.serve.url);
    await page.click('[data-testid="nav-new"]');
    await page.click('[data-testid="new-tab-build"]');
    await page.click('[data-testid="builder-method-gm"]');
    // GM-NAS opens with its preset's recipe (3 epochs, 25 architectures per leaf).
    await expect.poll(() => page.inputValue('[data-testid="builder-archsPerLeaf"]'), { timeout: 30_000 }).toBe('25');
    expect(await page.inputValue('[data-testid="builder-epochs"]')).toBe('3');
    await page.fill('[data-testid="builder-name"]', 'e2e-gm');
    await page.fill('[data-testid="builder-channels"]', '2');
    await page.fill('[data-testid="builder-maxTrainImages"]', '192');
    await page.fill('[data-testid="builder-batchSize"]', '32');
    await page.fill('[data-testid="builder-gmRepeats"]', '3');
    await page.fill('[data-testid="builder-archsPerLeaf"]', '3');
    await expect.poll(() => page.locator('[data-testid="builder-start"]').isDisabled(), { timeout: 30_000 }).toBe(false);
    await page.click('[data-testid="builder-start"]');
    await page.locator('[data-testid="job-view"]').waitFor({ timeout: 30_000 });

    // Pause as soon as it trains; the job holds at its next step and says so.
    await expect.poll(() => text('[data-testid="job-progress-text"]'), { timeout: 60_000 }).toMatch(/step \d+\/\d+/);
    await page.click('[data-testid="job-pause"]');
    await expect.poll(() => text('[data-testid="job-status"]'), { timeout: 60_000 }).toBe('paused');
    expect(await text('[data-testid="job-pause"]')).toContain('Continue');
    expect(await text('[data-testid="job-paused-note"]')).toMatch(/^paused · .* left after Continue$/);
    const dir = path.join(session.workspace, fs.readdirSync(session.workspace).find((name) => name.includes('e2e-gm'))!);
    const stepsAt = (): number => readEvents(dir).events.filter((e) => e.type === 'progress').length;
    const atHold = stepsAt();
    await session.shot('paused');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(stepsAt()).toBe(atHold); // nothing trained while paused
    await page.click('[data-testid="job-pause"]');
    await expect.poll(() => text('[data-testid="job-status"]'), { timeout: 60_000 }).toBe('running');

    // The first split arrives live: the tree shows the root split with its edge, groups and GM matrix.
    await page.locator('[data-testid="split-tree"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('[data-testid="split-node"]').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
    await page.click('[data-testid="split-node"][data-node="0"]');
    const info = page.locator('[data-testid="split-info"]');
    await info.waitFor();
    expect(await info.locator('h4').textContent()).toMatch(/Split at epoch \d+ on \S+/);
    expect(await page.locator('[data-testid="split-group"]').count()).toBeGreaterThanOrEqual(2);
    await page.locator('[data-testid="gm-matrix"] canvas').first().waitFor();
    const liveStatus = await text('[data-testid="job-status"]');
    await session.shot('split-live');

    await expect.poll(() => text('[data-testid="job-status"]'), { timeout: 180_000 }).toBe('finished');
    expect(liveStatus).not.toBe('finished'); // the split was seen while the job ran
    const events = readEvents(dir).events;
    const splits = events.filter((e) => e.type === 'split');
    expect(splits.length).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.type === 'paused')).toHaveLength(1);
    const resumed = events.find((e) => e.type === 'continued');
    expect(resumed?.type === 'continued' ? resumed.pausedSec : 0).toBeGreaterThan(0.9);
    // A leaf: its own curves and the architectures searched in it.
    const leaf = page.locator('[data-testid="split-node"][data-status="done"]').first();
    await leaf.waitFor({ timeout: 60_000 });
    await leaf.click();
    const detail = page.locator('[data-testid="split-node-detail"]');
    await expect.poll(() => detail.locator('canvas').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('[data-testid="split-candidate"]').count(), { timeout: 30_000 }).toBe(3);
    await session.shot('leaf');

    // Browse & compare: the run against a NAS-Bench-201-style table typed as a path on the host.
    // The table holds the run's saved candidates with made-up accuracies (and one row more).
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as { nodes: { candidates: { architecture: string; fitness: number }[] }[] };
    const saved = new Map<string, number>();
    for (const node of results.nodes) for (const c of node.candidates) saved.set(c.architecture, c.fitness);
    const archs = [...saved.keys()];
    const accuracy = (k: number): number => 80 + ((k * 7) % 11);
    const csv = path.join(session.workspace, '..', `${path.basename(session.workspace)}-nb201.csv`);
    fs.writeFileSync(csv, ['index,ArchitectureString,CIFAR10TestAccuracy200Epochs', ...archs.map((a, k) => `${k},${a},${accuracy(k)}`), `99,|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10`].join('\n'));
    try {
      await page.click('[data-testid="nav-compare"]');
      await page.locator(`[data-testid="table-row"][data-experiment-id="${path.basename(dir)}"] [data-testid="compare-pick"]`).check();
      await page.selectOption('[data-testid="truth-source"]', 'file');
      await page.fill('[data-testid="truth-path"]', csv);
      await page.click('[data-testid="truth-load"]');
      await page.locator('[data-testid="truth-loaded"]').waitFor({ timeout: 30_000 });
      expect(await text('[data-testid="truth-loaded"]')).toBe(`${path.basename(csv)}: ${archs.length + 1} architectures (CIFAR10TestAccuracy200Epochs).`);
      const row = page.locator('[data-testid="truth-row"][data-metric="fitness"]');
      expect(await row.locator('td').nth(2).textContent()).toBe(`${archs.length} / ${archs.length}`);
      // Kendall tau-b by pairs, independently of the app's O(n log n) implementation.
      const x = archs.map((a) => saved.get(a)!);
      const y = archs.map((_, k) => accuracy(k));
      let concordant = 0;
      let discordant = 0;
      let tiedX = 0;
      let tiedY = 0;
      for (let i = 0; i < x.length; i++) {
        for (let j = i + 1; j < x.length; j++) {
          const dx = Math.sign(x[i]! - x[j]!);
          const dy = Math.sign(y[i]! - y[j]!);
          if (dx === 0 && dy === 0) continue;
          if (dx === 0) tiedX += 1;
          else if (dy === 0) tiedY += 1;
          else if (dx === dy) concordant += 1;
          else discordant += 1;
        }
      }
      const denominator = Math.sqrt((concordant + discordant + tiedX) * (concordant + discordant + tiedY));
      expect(await row.locator('[data-testid="truth-tau"]').textContent()).toBe(denominator === 0 ? '—' : ((concordant - discordant) / denominator).toFixed(3));
      await page.locator('[data-testid="truth-scatter"] canvas').first().waitFor();
      await session.shot('truth');
    } finally {
      fs.rmSync(csv, { force: true });
    }
  }, 300_000);
});
