/**
 * End to end, the researcher's ABS flow through the real `nas-shrink serve` in headless Chromium:
 * start the ABS preset from New experiment (few epochs, few training images: the form's own
 * fields), watch it train, lock one operator and force-drop another from the space tree, see the
 * job apply both at its shrink step, then (with a fresh server, as after a restart) open the
 * finished experiment read-only from the experiments browser and export the scores as CSV.
 * Screenshots of every view go to test-results/abs-*.png for review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { E2eSession } from '../helpers/e2eSession';

/** An op a weak supernet's angle usually drops (so the lock visibly keeps it), and a conv to force out. */
const LOCKED = '1<-0:none';
const FORCED = '3<-0:nor_conv_3x3';

let session: E2eSession;
let page: Page;
const op = (key: string) => page.locator(`[data-testid="tree-operator"][data-key="${key}"]`);

interface EventLine {
  seq: number;
  type: string;
  [field: string]: unknown;
}

function readEvents(dir: string): EventLine[] {
  return fs
    .readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EventLine);
}

beforeAll(async () => {
  session = await E2eSession.open('abs', { acceptDownloads: true });
  ({ page } = session);
}, 90_000);

afterAll(() => session?.close());

describe('ABS in Chromium through nas-shrink serve', () => {
  it('runs ABS from the UI and applies a lock and a force-drop from the space tree at the shrink step', async () => {
    await page.goto(session.serve.url);
    // The empty states a first-time user sees.
    await page.locator('[data-testid="empty-experiments"]').waitFor({ timeout: 30_000 });
    await session.shot('empty-experiments');
    await page.click('[data-testid="nav-compare"]');
    expect(await page.locator('[data-testid="table-empty"]').textContent()).toContain('No experiment directories in the workspace yet.');
    await session.shot('empty-browser');
    await page.click('[data-testid="nav-new"]');
    await page.locator('[data-testid="start-nb201-fashion-abs"]').waitFor();
    // Two epochs on 2,400 images (2,000 train, 400 validation): long enough to click, short enough to finish.
    await page.fill('[data-testid="epochs-nb201-fashion-abs"]', '2');
    await page.fill('[data-testid="seed-nb201-fashion-abs"]', '3');
    await page.fill('[data-testid="images-nb201-fashion-abs"]', '2400');
    await session.shot('new-experiment');
    await page.click('[data-testid="start-nb201-fashion-abs"]');
    await page.locator('[data-testid="job-view"]').waitFor({ timeout: 30_000 });

    // The tree appears with its buttons once the job has written space.json and started training.
    await op(LOCKED).locator('[data-testid="op-lock"]').waitFor({ timeout: 90_000 });
    await op(LOCKED).locator('[data-testid="op-lock"]').click();
    await op(FORCED).locator('[data-testid="op-force-drop"]').click();
    // The job answers when it takes its commands (at the end of the epoch; slow on a loaded
    // machine): accepted, then pending until its next shrink step applies them.
    for (const key of [LOCKED, FORCED]) await op(key).locator('[data-testid="op-ack"]').waitFor({ timeout: 150_000 });
    expect(await op(LOCKED).locator('[data-testid="op-ack"]').getAttribute('data-accepted')).toBe('true');
    expect(await op(FORCED).locator('[data-testid="op-ack"]').getAttribute('data-accepted')).toBe('true');
    expect(await op(LOCKED).getAttribute('data-pending')).toBe('lock');
    expect(await op(FORCED).getAttribute('data-pending')).toBe('force-drop');
    expect(await page.locator('[data-testid="space-size"]').getAttribute('data-size')).toBe(String(5 ** 5 * 4));
    await session.shot('commands-pending');

    // The shrink step: the locked op is still in the space, the forced one is out, by the user.
    await expect.poll(() => op(FORCED).getAttribute('data-state'), { timeout: 120_000 }).toBe('force-dropped');
    expect(await op(FORCED).locator('[data-testid="tree-operator-state"]').textContent()).toBe('dropped by user at step 1');
    expect(await op(LOCKED).getAttribute('data-state')).toBe('locked');
    expect(await op(LOCKED).locator('[data-testid="tree-operator-state"]').textContent()).toMatch(/^locked( · kept at step 1)?$/);
    expect(await op(LOCKED).getAttribute('data-pending')).toBe('');
    await page.locator('[data-testid="score-bars"]').first().waitFor();
    await session.shot('shrunk');

    await expect.poll(async () => (await page.locator('[data-testid="job-status"]').textContent()) ?? '', { timeout: 180_000 }).toMatch(/finished/i);
    await page.locator('[data-testid="best-row"]').first().waitFor({ timeout: 30_000 });
    await session.shot('finished');

    // What the job recorded: both commands accepted before the step, and the step honoured them.
    const dirs = fs.readdirSync(session.workspace);
    expect(dirs).toHaveLength(1);
    const events = readEvents(path.join(session.workspace, dirs[0]!));
    const shrink = events.find((e) => e.type === 'shrink') as EventLine & { dropped: { key: string; reason: string }[]; remaining: string[][] };
    const answers = events.filter((e) => e.type === 'command') as (EventLine & { command: { kind: string; key: string }; accepted: boolean })[];
    expect(answers.map((a) => [a.command.kind, a.command.key, a.accepted])).toEqual([
      ['lock', LOCKED, true],
      ['force-drop', FORCED, true],
    ]);
    expect(answers.every((a) => a.seq < shrink.seq)).toBe(true);
    expect(shrink.dropped).toContainEqual(expect.objectContaining({ key: FORCED, reason: 'user' }));
    expect(shrink.dropped.map((d) => d.key)).not.toContain(LOCKED);
    expect(shrink.remaining[0]).toContain('none'); // edge 1<-0 is choice 0
    expect(shrink.remaining[3]).not.toContain('nor_conv_3x3'); // edge 3<-0 is choice 3
  }, 480_000);

  it('opens the finished experiment read-only after a restart and exports the scores as CSV', async () => {
    await page.goto((await session.restartServe()).url);
    await page.locator('[data-testid="experiment-row"]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="experiment-row"]').count()).toBe(1);
    await session.shot('experiments-browser');

    await page.click('[data-testid="experiment-link"]');
    await page.locator('[data-testid="experiment-view"]').waitFor();
    await expect.poll(() => op(FORCED).getAttribute('data-state'), { timeout: 30_000 }).toBe('force-dropped');
    expect(await op(LOCKED).getAttribute('data-state')).toBe('locked');
    expect(await page.locator('[data-testid="op-lock"]').count()).toBe(0); // read-only: no commands
    await page.locator('[data-testid="best-row"]').first().waitFor();
    await session.shot('experiment-read-only');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="scores-csv"]')]);
    expect(download.suggestedFilename()).toBe(`${fs.readdirSync(session.workspace)[0]}-operator-scores.csv`);
    const file = await download.path();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('step,epoch,metric,edge,op,key,score,rank_on_edge,dropped,drop_reason');
    expect(lines).toHaveLength(1 + 30); // one row per operator at the one shrink step
    const row = (key: string): string[] => (lines.find((line) => line.split(',')[5] === key) ?? '').split(',');
    expect(row(FORCED).slice(8)).toEqual(['yes', 'user']);
    expect(row(LOCKED).slice(8)).toEqual(['no', '']);
    expect(Number(row(LOCKED)[6])).toBeGreaterThan(0);
  }, 120_000);

  it('compares the run with a second one in Browse & compare and exports the side-by-side scores (CSV, LaTeX) and a chart (SVG)', async () => {
    // The second run stands for the same experiment with another seed, copied in from another
    // machine: this run's folder with every operator score perturbed (a second real ABS run
    // would double this test's minute on two shared cores).
    const [id] = fs.readdirSync(session.workspace);
    const source = path.join(session.workspace, id!);
    const copy = path.join(session.workspace, `${id}-seed2`);
    fs.mkdirSync(copy);
    const perturb = (scores: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(scores).map(([key, value], i) => [key, value * (1 + 0.3 * Math.sin(i * 2.1))]));
    for (const name of ['experiment.json', 'space.json', 'job.log']) fs.copyFileSync(path.join(source, name), path.join(copy, name));
    const lines = fs.readFileSync(path.join(source, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as EventLine);
    fs.writeFileSync(path.join(copy, 'events.jsonl'), lines.map((e) => JSON.stringify(e.type === 'shrink' ? { ...e, scores: perturb(e['scores'] as Record<string, number>) } : e)).join('\n') + '\n');
    const results = JSON.parse(fs.readFileSync(path.join(source, 'results.json'), 'utf8')) as { steps: { scores: Record<string, number> }[] };
    results.steps = results.steps.map((step) => ({ ...step, scores: perturb(step.scores) }));
    fs.writeFileSync(path.join(copy, 'results.json'), JSON.stringify(results));

    await page.click('[data-testid="nav-compare"]');
    await expect.poll(() => page.locator('[data-testid="table-row"]').count(), { timeout: 30_000 }).toBe(2);
    await page.fill('[data-testid="filter-text"]', 'no-such-run');
    expect(await page.locator('[data-testid="table-empty"]').textContent()).toContain('No experiment matches the filter.');
    await session.shot('browser-filtered');
    await page.fill('[data-testid="filter-text"]', '');
    for (const pick of await page.locator('[data-testid="compare-pick"]').all()) await pick.check();
    await page.locator('[data-testid="compare-scores-table"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="compare-scores-table"] tbody tr').count()).toBe(30);
    expect(await page.locator('[data-testid="compare-tau"]').textContent()).toMatch(/Kendall τ of .+ against .+: (-?\d\.\d{3})/);
    expect(Number(await page.locator('[data-testid="compare-val-accuracy"]').getAttribute('data-points'))).toBeGreaterThan(0);
    await page.locator('[data-testid="compare-scatter"] canvas').first().waitFor();
    await session.shot('compare');

    const save = async (testid: string, scope = page.locator('body')): Promise<{ name: string; text: string }> => {
      const [download] = await Promise.all([page.waitForEvent('download'), scope.locator(`[data-testid="${testid}"]`).first().click()]);
      return { name: download.suggestedFilename(), text: fs.readFileSync(await download.path(), 'utf8') };
    };
    const csv = await save('compare-scores-csv');
    const csvLines = csv.text.trim().split('\n');
    expect(csv.name).toBe('compare-operator-scores.csv');
    expect(csvLines[0]).toBe('operator,nb201-fashion-abs (1) score,nb201-fashion-abs (1) dropped,nb201-fashion-abs (2) score,nb201-fashion-abs (2) dropped');
    expect(csvLines).toHaveLength(31);
    expect(csvLines.find((l) => l.startsWith(`${FORCED},`))?.split(',')[2]).toBe('user');
    const tex = await save('compare-scores-latex');
    expect(tex.text.split('\n').slice(0, 3)).toEqual(['\\begin{tabular}{lrlrl}', '\\toprule', 'operator & nb201-fashion-abs (1) score & nb201-fashion-abs (1) dropped & nb201-fashion-abs (2) score & nb201-fashion-abs (2) dropped \\\\']);
    const svg = await save('chart-svg', page.locator('[data-testid="compare-val-accuracy"]'));
    expect(svg.name).toBe('compare-val-accuracy.svg');
    expect(svg.text).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.text).toContain('nb201-fashion-abs (2)');
  }, 120_000);
});
