#!/usr/bin/env node
// `npm run bench -- --load` (or node bench/loadBench.js): how long a large workspace takes to
// show. Generates (bench/makeLoadWorkspace.js) 1,000 experiment directories plus one with
// 100,000 events, then times, best of --repeat runs:
//   - `nas-shrink list DIR`, the whole command (Node start included);
//   - the host's experiments.list, as the app and `serve` answer it (HostApi, response validated,
//     JSON-encoded as the transports send it);
//   - the host's experiments.open of the 100,000-event experiment, the same way (the display
//     stream: shared/model/displayEvents.ts), and experiments.events of its metric events (what
//     the curves CSV fetches: every point);
//   - the browser view: `nas-shrink serve` in headless Chromium (Debian's, via playwright-core,
//     launched as test/helpers/browser.ts does), from navigation to the Experiments list showing
//     its rows, and from navigating to the big experiment to its loss chart holding points;
// target under a second each. Then memory over a long run (bench/memoryBench.ts): a C=2
// supernet trained --memory-steps single-path steps in one process, numTensors and memory in
// parts every 25 steps, and the same for half as many steps with V8's optimizing compiler off;
// reported as a one-time warm-up and a steady-state slope with bounds (bench/memoryReport.js).
// Needs `npm run build`.
//
// Options: --workspace DIR (reuse or create there; default a temporary folder, removed after)
//          --experiments N --events E --repeat R --memory-steps S (2000) --no-browser --no-memory
//          --no-jit-check (skip the --no-opt run)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { report } = require('./memoryReport');

const root = path.resolve(__dirname, '..');

function parse(argv) {
  const opts = { workspace: null, experiments: 1000, events: 100_000, repeat: 3, memorySteps: 2000, browser: true, memory: true, jitCheck: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--workspace') opts.workspace = next();
    else if (a === '--experiments') opts.experiments = Number(next());
    else if (a === '--events') opts.events = Number(next());
    else if (a === '--repeat') opts.repeat = Number(next());
    else if (a === '--memory-steps') opts.memorySteps = Number(next());
    else if (a === '--no-browser') opts.browser = false;
    else if (a === '--no-memory') opts.memory = false;
    else if (a === '--no-jit-check') opts.jitCheck = false;
    else if (a === '--load') continue; // passed through by bench/run.js
    else throw new Error(`loadBench: unknown option ${a}`);
  }
  return opts;
}

async function best(repeat, fn) {
  let min = Infinity;
  let last;
  for (let i = 0; i < repeat; i++) {
    const t = process.hrtime.bigint();
    last = await fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms: min, last };
}

/** `nas-shrink serve` on the workspace; resolves with its URL (token included) and a stop function. */
function startServe(workspace) {
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, [path.join(root, 'bin', 'nas-shrink.js'), 'serve', '--port', '0', '--workspace', workspace], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within 30 s:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk.toString();
      const match = /Open: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], stop });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`serve exited with code ${code}:\n${output}`)));
  });
}

/**
 * The browser figures, best of `repeat`, each in a fresh browser context (nothing cached):
 * navigation to the list until the last experiment's row is in the DOM, then a hash navigation
 * to big-events until its loss chart reports points (the data loaded, the chart drawn).
 */
async function browserRows(workspace, count, repeat) {
  const { chromium } = require('playwright-core');
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) return [{ what: 'browser view', ms: NaN, detail: `skipped: no Chromium at ${executablePath}` }];
  const serve = await startServe(workspace);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const lastId = `exp-${String(count - 1).padStart(5, '0')}`;
    const list = [];
    const open = [];
    const title = [];
    let rows = 0;
    let points = 0;
    for (let i = 0; i < repeat; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      let t = performance.now();
      await page.goto(`${serve.url.replace(/#.*$/, '')}#/experiments`);
      await page.locator(`[data-testid="experiment-row"][data-experiment-id="${lastId}"]`).waitFor({ state: 'attached', timeout: 60_000 });
      list.push(performance.now() - t);
      rows = await page.locator('[data-testid="experiment-row"]').count();
      t = performance.now();
      await page.evaluate(() => { window.location.hash = '#/experiment/big-events'; });
      await page.locator('[data-testid="experiment-view"][data-experiment-id="big-events"] [data-testid="experiment-status"]').waitFor({ timeout: 60_000 });
      title.push(performance.now() - t);
      await page.waitForFunction(() => {
        const chart = document.querySelector('[data-testid="experiment-view"][data-experiment-id="big-events"] [data-testid="chart-loss"]');
        return chart !== null && Number(chart.getAttribute('data-points')) > 0;
      }, null, { timeout: 60_000, polling: 'raf' });
      open.push(performance.now() - t);
      points = Number(await page.locator('[data-testid="chart-loss"]').getAttribute('data-points'));
      await context.close();
    }
    // Best of the runs, as the other rows; the slowest too, since a view must be quick every time.
    const spread = (ms) => `; all ${repeat}: ${ms.map((v) => v.toFixed(0)).join(', ')} ms`;
    return [
      { what: 'browser: Experiments list (navigation to rows shown)', ms: Math.min(...list), detail: `${rows} rows in the DOM${spread(list)}` },
      { what: 'browser: open big-events (navigation to title and status shown)', ms: Math.min(...title), detail: `the detail arrived and rendered${spread(title)}` },
      { what: 'browser: open big-events (navigation to loss chart drawn)', ms: Math.min(...open), detail: `loss chart: ${points} points${spread(open)}` },
    ];
  } finally {
    await browser.close();
    await serve.stop();
  }
}

let memoryBundle = null;

/** bench/memoryBench.ts bundled once per run (both memory runs use it). */
function memoryBenchFile() {
  if (memoryBundle) return memoryBundle;
  const esbuild = require('esbuild');
  const tag = require('node:crypto').createHash('sha256').update(root).digest('hex').slice(0, 12);
  memoryBundle = path.join(os.tmpdir(), `nas-bench-${tag}`, 'memoryBench.js');
  esbuild.buildSync({ entryPoints: [path.join(__dirname, 'memoryBench.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: memoryBundle, external: ['@tensorflow/*'], logLevel: 'warning' });
  return memoryBundle;
}

/** The memory figures: bench/memoryBench.ts run in its own process (extra node flags in `flags`). */
function memoryRun(steps, flags = []) {
  const outfile = memoryBenchFile();
  const r = spawnSync(process.execPath, ['--expose-gc', ...flags, outfile, JSON.stringify({ steps, every: 25, settleMs: 100 })], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') } });
  const line = (r.stdout || '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`memoryBench failed: ${(r.stderr || '').trim().split('\n').pop() || `exit ${r.status}`}`);
  return JSON.parse(line);
}

async function main() {
  const opts = parse(process.argv.slice(2));
  const hostModule = path.join(root, 'dist', 'electron', 'host', 'createHostApi.js');
  if (!fs.existsSync(hostModule)) throw new Error('loadBench: build first (npm run build)');
  const temporary = opts.workspace === null;
  const workspace = opts.workspace ?? fs.mkdtempSync(path.join(os.tmpdir(), 'nas-load-'));
  if (!fs.existsSync(path.join(workspace, 'big-events'))) {
    const made = spawnSync(process.execPath, [path.join(__dirname, 'makeLoadWorkspace.js'), workspace, '--experiments', String(opts.experiments), '--events', String(opts.events)], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error('loadBench: generating the workspace failed');
  }
  try {
    const rows = [];
    const list = await best(opts.repeat, () => spawnSync(process.execPath, [path.join(root, 'bin', 'nas-shrink.js'), 'list', workspace], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    rows.push({ what: 'nas-shrink list (whole command)', ms: list.ms, detail: `${list.last.stdout.trim().split('\n').length} lines` });

    const { createHostApi } = require(hostModule);
    const api = createHostApi({ supervisor: { workspace }, environment: () => Promise.reject(new Error('not used')) });
    const listed = await best(opts.repeat, async () => JSON.stringify(await api.invoke('experiments.list', {})));
    rows.push({ what: 'host experiments.list', ms: listed.ms, detail: `${JSON.parse(listed.last).length} experiments, ${(listed.last.length / 1e3).toFixed(0)} kB` });
    const opened = await best(opts.repeat, async () => JSON.stringify(await api.invoke('experiments.open', { id: 'big-events' })));
    const detail = JSON.parse(opened.last);
    const counts = detail.eventCounts;
    const thinned = counts ? ` of ${counts.recorded} recorded (${counts.progressDropped} progress left out, ${counts.metricMerged} metric merged into bucket means)` : '';
    rows.push({ what: 'host experiments.open (big-events)', ms: opened.ms, detail: `${detail.events.length} events sent${thinned}, ${(opened.last.length / 1e6).toFixed(2)} MB` });
    const exported = await best(opts.repeat, async () => JSON.stringify(await api.invoke('experiments.events', { id: 'big-events', types: ['metric'] })));
    rows.push({ what: 'host experiments.events, metric (the curves CSV)', ms: exported.ms, detail: `${JSON.parse(exported.last).events.length} metric events, ${(exported.last.length / 1e6).toFixed(2)} MB` });

    console.log(`load benchmark: ${workspace} (best of ${opts.repeat})`);
    console.log('| what | ms | target | ok | detail |');
    console.log('| --- | ---: | ---: | --- | --- |');
    if (opts.browser) rows.push(...(await browserRows(workspace, opts.experiments, opts.repeat)));
    for (const r of rows) console.log(`| ${r.what} | ${Number.isNaN(r.ms) ? '-' : r.ms.toFixed(0)} | 1000 | ${Number.isNaN(r.ms) ? '-' : r.ms < 1000 ? 'yes' : 'NO (misses the target)'} | ${r.detail} |`);
    let ok = rows.every((r) => Number.isNaN(r.ms) || r.ms < 1000);

    if (opts.memory) {
      console.log('');
      const run = memoryRun(opts.memorySteps);
      // The same without V8's optimizing compiler: whether compiling explains the warm-up.
      const noOpt = opts.jitCheck ? memoryRun(Math.max(500, Math.round(opts.memorySteps / 2)), ['--no-opt']) : null;
      ok = report(run, noOpt) && ok;
    }
    process.exitCode = ok ? 0 : 1;
  } finally {
    if (temporary) fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : error);
  process.exitCode = 2;
});
