#!/usr/bin/env node
// `npm run bench`: training and forward img/s of the nb201-fashion supernet (C=16 and the
// preset's C=8, batch 64, single-path training) on each available tfjs backend, next to a
// PyTorch reference of the same network (bench/torch_nb201.py) when python3-torch is present.
//
// Options: --backends wasm,wasm-nopool,wasm2,cpu,tfjs-node (wasm = the default path: our kernels on the kernel
//          pool's threads; wasm-nopool = the same on one thread (NAS_KERNEL_THREADS=1); wasm1/wasm2 = forced 1/2 XNNPACK threads)   --channels 16,8   --steps N   --repeat N (best of)
//          --python /usr/bin/python3        --no-torch
//          --load   instead: the load benchmark (1,000 experiments, 100,000 events, CLI, host and browser view; memory over a long run; bench/loadBench.js)
//          --kernels [N]: instead, per-kernel timings of our SIMD kernels with and without the kernel pool (best of N)
//          --scoring [N]: instead, the angle metric over all 15,625 NB201 architectures and Kendall tau-b of 15,625
//                         items, each beside the literal / pairwise computation (bench/scoringBench.ts; best of N)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];

function parseArgs(argv) {
  const opts = { backends: ['tfjs-node', 'wasm', 'wasm-nopool', 'cpu'], channels: [16, 8], steps: 10, repeat: 1, python: process.env.NAS_BENCH_PYTHON || '/usr/bin/python3', torch: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--backends') opts.backends = next().split(',');
    else if (a === '--channels') opts.channels = next().split(',').map(Number);
    else if (a === '--steps') opts.steps = Number(next());
    else if (a === '--repeat') opts.repeat = Number(next());
    else if (a === '--python') opts.python = next();
    else if (a === '--no-torch') opts.torch = false;
    else if (a === '--kernels') opts.kernels = /^\d+$/.test(argv[i + 1] || '') ? Number(next()) : 15;
    else if (a === '--scoring') opts.scoring = /^\d+$/.test(argv[i + 1] || '') ? Number(next()) : 3;
    else throw new Error(`bench: unknown option ${a}`);
  }
  return opts;
}

/** A fixed list of uniformly sampled genotypes whose cell output is live (ABS resamples dead ones). */
function genotypes(count, seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const edges = [[1, 0], [2, 0], [2, 1], [3, 0], [3, 1], [3, 2]];
  const out = [];
  while (out.length < count) {
    const g = edges.map(() => OPS[Math.floor(next() * OPS.length)]);
    const live = [true, false, false, false];
    edges.forEach(([to, from], e) => { if (g[e] !== 'none' && live[from]) live[to] = true; });
    if (live[3]) out.push(g);
  }
  return out;
}

function bundle(entry = 'nb201Bench') {
  const esbuild = require('esbuild');
  // Outside node_modules (a worktree may share it with others) and per checkout.
  const tag = require('node:crypto').createHash('sha256').update(root).digest('hex').slice(0, 12);
  const outfile = path.join(require('node:os').tmpdir(), `nas-bench-${tag}`, `${entry}.js`);
  esbuild.buildSync({ entryPoints: [path.join(__dirname, `${entry}.ts`)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, external: ['@tensorflow/*'], logLevel: 'warning' });
  return outfile;
}

function runJson(command, args, env = {}) {
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, NODE_PATH: path.join(root, 'node_modules'), ...env } });
  const line = (r.stdout || '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) return { error: (r.error && r.error.message) || (r.stderr || '').trim().split('\n').pop() || `exit ${r.status}` };
  return JSON.parse(line);
}

function best(results) {
  const ok = results.filter((r) => !r.error);
  if (ok.length === 0) return results[0];
  return { ...ok[0], train: Math.max(...ok.map((r) => r.train)), forward: Math.max(...ok.map((r) => r.forward)), rssMB: Math.max(...ok.map((r) => r.rssMB)) };
}

function tfjsNodeInstalled() {
  try {
    require.resolve('@tensorflow/tfjs-node', { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

/** A short row label: the path's kernels and threads, from the backend's detail string. */
function label(backend, detail) {
  if (backend === 'cpu') return 'cpu (pure JS, batch 16)';
  if (!detail || !detail.startsWith('wasm')) return detail || backend;
  const ours = /NAS SIMD kernels[^;]* on (\d+) threads?/.exec(detail);
  const xnn = /XNNPACK (\d+) thread/.exec(detail);
  const kernels = detail.includes('NAS SIMD') ? `NAS SIMD kernels on ${ours ? ours[1] : '?'} thread${ours && ours[1] === '1' ? '' : 's'}` : 'NAS kernels (no SIMD module)';
  return `wasm + ${kernels}${xnn && xnn[1] !== '1' ? `, XNNPACK ${xnn[1]} threads` : ''}`;
}

function fmt(v, digits = 1) {
  return v == null || Number.isNaN(v) ? '-' : v.toFixed(digits);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const [entry, repeat] of [['kernelBench', opts.kernels], ['scoringBench', opts.scoring]]) {
    if (!repeat) continue;
    const r = spawnSync(process.execPath, [bundle(entry), String(repeat)], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') } });
    process.exitCode = r.status ?? 1;
    return;
  }
  const loadBefore = require('node:os').loadavg()[0];
  const genos = genotypes(16, 2024);
  const script = bundle();
  const rows = [];
  for (const channels of opts.channels) {
    let torch = null;
    if (opts.torch) {
      if (!fs.existsSync(opts.python)) torch = { error: `${opts.python} not found` };
      else {
        const torchRun = (threads) => {
          const cfg = { channels, cells: 1, batch: 64, steps: 20, warmup: 3, genotypes: genos, threads };
          return best(Array.from({ length: opts.repeat }, () => runJson(opts.python, [path.join(__dirname, 'torch_nb201.py'), JSON.stringify(cfg)])));
        };
        torch = torchRun(2);
        // One thread too: a per-core comparison, and far less sensitive to other load on the machine.
        const single = torch.error ? null : torchRun(1);
        if (single && !single.error) rows.push({ net: `nb201-fashion C=${channels}`, backend: `PyTorch ${single.torch} CPU (1 thread)`, ...single, trainRatio: single.train / torch.train, forwardRatio: single.forward / torch.forward, torchTrain: torch.train, torchForward: torch.forward });
      }
      if (torch.error) console.log(`bench: PyTorch reference skipped (C=${channels}): ${torch.error}`);
      else rows.splice(rows.length - (rows.length && rows[rows.length - 1].backend.endsWith('(1 thread)') ? 1 : 0), 0, { net: `nb201-fashion C=${channels}`, backend: `PyTorch ${torch.torch} CPU (${torch.threads} threads)`, ...torch });
    }
    // Repeats interleave the backends (a, b, a, b, ...) so that a change of load on the machine
    // hits every variant alike; best of the repeats per backend.
    const runs = new Map();
    const backends = opts.backends.filter((backend) => {
      if (backend === 'tfjs-node' && !tfjsNodeInstalled()) {
        console.log('bench: tfjs-node skipped: @tensorflow/tfjs-node is not installed (optional; its install downloads libtensorflow)');
        return false;
      }
      return true;
    });
    for (let rep = 0; rep < opts.repeat; rep++) {
      for (const backend of backends) {
        if (backend === 'cpu' && rep > 0) continue;
        // The pure-JS cpu backend needs minutes per step: time a single step.
        const steps = backend === 'cpu' ? 1 : opts.steps;
        const warmup = backend === 'cpu' ? 0 : 2;
        // ... and on a batch of 16 (its img/s hardly depends on the batch; 64 takes minutes at C=16).
        const cfg = { backend: backend === 'wasm-nopool' ? 'wasm' : backend, channels, batch: backend === 'cpu' ? 16 : 64, steps, warmup, genotypes: genos };
        const env = backend === 'wasm-nopool' ? { NAS_KERNEL_THREADS: '1' } : {};
        runs.set(backend, [...(runs.get(backend) || []), runJson(process.execPath, [script, JSON.stringify(cfg)], env)]);
      }
    }
    for (const backend of backends) {
      const r = best(runs.get(backend));
      if (r.error) {
        console.log(`bench: ${backend} (C=${channels}) failed: ${r.error}`);
        continue;
      }
      const ratio = (v, ref) => (torch && !torch.error ? v / ref : NaN);
      rows.push({ ...r, net: `nb201-fashion C=${channels}`, backend: label(backend, r.detail), trainRatio: ratio(r.train, torch && torch.train), forwardRatio: ratio(r.forward, torch && torch.forward), torchTrain: torch && torch.train, torchForward: torch && torch.forward });
    }
  }
  const header = ['network', 'backend', 'train img/s', 'forward img/s', 'PyTorch train', 'PyTorch fwd', 'train ratio', 'fwd ratio', 'RSS MB'];
  const table = rows.map((r) => [r.net, r.backend, fmt(r.train), fmt(r.forward), fmt(r.torchTrain), fmt(r.torchForward), r.trainRatio === undefined ? '1' : fmt(r.trainRatio, 3), r.forwardRatio === undefined ? '1' : fmt(r.forwardRatio, 3), fmt(r.rssMB, 0)]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log('');
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of table) console.log(line(row));
  const os = require('node:os');
  const loadAfter = os.loadavg()[0];
  console.log(`\nbatch 64, single-path training (SGD Nesterov), forward = eval mode; ${opts.steps} timed steps, best of ${opts.repeat}; ${os.cpus().length} cores, ${os.cpus()[0].model}; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
  if (Math.max(loadBefore, loadAfter) > os.cpus().length) console.log('bench: the machine was busy: multi-threaded figures (PyTorch 2 threads above all) are unreliable; compare with the 1-thread rows');
}

if (process.argv.includes('--load')) require('./loadBench.js');
else main();
