#!/usr/bin/env node
// `npm run bench -- --load` (or node bench/loadBench.js): how long a large workspace takes to
// show. Generates (bench/makeLoadWorkspace.js) 1,000 experiment directories plus one with
// 100,000 events, then times, best of --repeat runs:
//   - `nas-shrink list DIR`, the whole command (Node start included);
//   - the host's experiments.list, as the app and `serve` answer it (HostApi, response validated,
//     JSON-encoded as the transports send it);
//   - the host's experiments.open of the 100,000-event experiment, the same way.
// Target: under a second each. Needs `npm run build`.
//
// Options: --workspace DIR (reuse or create there; default a temporary folder, removed after)
//          --experiments N --events E --repeat R
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function parse(argv) {
  const opts = { workspace: null, experiments: 1000, events: 100_000, repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--workspace') opts.workspace = next();
    else if (a === '--experiments') opts.experiments = Number(next());
    else if (a === '--events') opts.events = Number(next());
    else if (a === '--repeat') opts.repeat = Number(next());
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
    rows.push({ what: 'host experiments.open (big-events)', ms: opened.ms, detail: `${detail.events.length} events, ${(opened.last.length / 1e6).toFixed(1)} MB` });

    console.log(`load benchmark: ${workspace} (best of ${opts.repeat})`);
    console.log('| what | ms | target | ok | detail |');
    console.log('| --- | ---: | ---: | --- | --- |');
    for (const r of rows) console.log(`| ${r.what} | ${r.ms.toFixed(0)} | 1000 | ${r.ms < 1000 ? 'yes' : 'NO'} | ${r.detail} |`);
    process.exitCode = rows.every((r) => r.ms < 1000) ? 0 : 1;
  } finally {
    if (temporary) fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : error);
  process.exitCode = 2;
});
