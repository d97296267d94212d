#!/usr/bin/env node
// Generates a workspace for the load benchmark (bench/loadBench.js): N experiment directories
// (default 1,000) as finished runs leave them (experiment.json, a short events.jsonl), and one
// more, `big-events`, whose events.jsonl holds E events (default 100,000: progress every step,
// a train metric every 10 steps, a val metric and a checkpoint log per epoch), about 20 MB.
//
//   node bench/makeLoadWorkspace.js DIR [--experiments N] [--events E]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function parse(argv) {
  const opts = { dir: null, experiments: 1000, events: 100_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--experiments') opts.experiments = Number(argv[++i]);
    else if (a === '--events') opts.events = Number(argv[++i]);
    else if (!a.startsWith('--') && opts.dir === null) opts.dir = a;
    else throw new Error(`makeLoadWorkspace: unknown option ${a}`);
  }
  if (!opts.dir) throw new Error('usage: node bench/makeLoadWorkspace.js DIR [--experiments N] [--events E]');
  return opts;
}

const CONFIG = {
  name: 'nb201-fashion', title: 'NB201 supernet on Fashion-MNIST', description: 'generated for the load benchmark', method: 'supernet', seed: 0,
  dataset: { kind: 'bundled' }, valFraction: 1 / 6, space: { kind: 'nb201' }, network: { channels: 8, cellsPerStage: 1 },
  training: { epochs: 5, batchSize: 64, schedule: { kind: 'cosine', lr: 0.025, lrMin: 0.001, granularity: 'step' }, momentum: 0.9, nesterov: true, weightDecay: 0.0005, labelSmoothing: 0, clip: { kind: 'none' } },
  sampler: 'uniform',
};

function record(id, created, status) {
  return {
    formatVersion: 1, id, preset: 'nb201-fashion', created, updated: created + 60_000, status, config: CONFIG, backend: 'wasm',
    versions: { node: process.versions.node }, error: status === 'failed' ? { code: 'JOB_CRASHED', message: 'The job process was killed by SIGKILL before it finished.', fix: 'See job.log.' } : null,
    summary: status === 'finished' ? { space: 'nb201', epochs: 5, steps: 390, finalTrainLoss: 0.61, valAccuracy: 0.74, testAccuracy: 0.8 + (created % 100) / 1000, backend: 'wasm' } : null,
  };
}

/** `count` events of a supernet run: what the job writes, in order. */
function* events(count, t0) {
  const steps = 78;
  let seq = 0;
  let time = t0;
  const next = (e) => ({ ...e, seq: seq++, time: (time += 40) });
  yield next({ type: 'status', status: 'running', backend: 'wasm' });
  for (let epoch = 1; seq < count; epoch++) {
    for (let step = 1; step <= steps && seq < count; step++) {
      yield next({ type: 'progress', phase: 'supernet', epoch, epochs: 2000, step, steps, imagesPerSec: 280.5 + (step % 7), etaSec: 1000 - step });
      if (step % 10 === 0 && seq < count) yield next({ type: 'metric', split: 'train', epoch: epoch - 1 + step / steps, step: (epoch - 1) * steps + step, loss: 2.3 / Math.sqrt(epoch + step / steps), accuracy: 0.1 + 0.8 * (1 - 1 / (epoch + 1)) });
    }
    if (seq < count) yield next({ type: 'metric', split: 'val', epoch, step: epoch * steps, loss: 1.9 / Math.sqrt(epoch), accuracy: 0.6 + 0.3 * (1 - 1 / epoch) });
    if (seq < count) yield next({ type: 'log', level: 'info', message: `epoch ${epoch}: checkpoint epoch-${epoch} written` });
  }
}

function writeExperiment(dir, id, created, status, eventCount) {
  const folder = path.join(dir, id);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'experiment.json'), `${JSON.stringify(record(id, created, status), null, 2)}\n`);
  const fd = fs.openSync(path.join(folder, 'events.jsonl'), 'w');
  let chunk = [];
  for (const e of events(eventCount, created)) {
    chunk.push(JSON.stringify(e));
    if (chunk.length === 5000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, `${chunk.join('\n')}\n`);
  fs.closeSync(fd);
}

function main() {
  const opts = parse(process.argv.slice(2));
  fs.mkdirSync(opts.dir, { recursive: true });
  const t0 = Date.UTC(2026, 0, 1);
  const statuses = ['finished', 'finished', 'finished', 'failed', 'cancelled'];
  for (let i = 0; i < opts.experiments; i++) {
    writeExperiment(opts.dir, `exp-${String(i).padStart(5, '0')}`, t0 + i * 3_600_000, statuses[i % statuses.length], 30);
  }
  writeExperiment(opts.dir, 'big-events', t0 - 3_600_000, 'finished', opts.events);
  const big = fs.statSync(path.join(opts.dir, 'big-events', 'events.jsonl')).size;
  console.log(`${opts.dir}: ${opts.experiments} experiments of 30 events, and big-events with ${opts.events} events (${(big / 1e6).toFixed(1)} MB)`);
}

main();
