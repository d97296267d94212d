#!/usr/bin/env node
// `npm run test:faults`: runs every bad-input and crash case of issue #8 through the real CLI
// (dist/, so build first) and prints a table: case | expected | observed | ok. Exits 1 when any
// case is not handled as expected: a one-line message on stderr naming the problem and a fix,
// the right exit code, and whatever was finished still on disk.
//
//   node scripts/faults.js           every case (trains a few tiny supernets: about 1-2 minutes)
//   node scripts/faults.js --quick   only the cases that train nothing (a few seconds; vitest runs this)
//   node scripts/faults.js --json    the rows as JSON instead of the table
//
// Simulated faults: a full disk is an ENOSPC thrown by the job process's fs writes of one
// checkpoint (scripts/faults/enospc.cjs, loaded through NODE_OPTIONS); an unwritable folder is
// an --out below a regular file (ENOTDIR; permission bits do not stop root); a killed job is a
// SIGKILL to the job process named in the experiment's job.lock (checked to be our child); the
// GM cases (GM+RSPS, and GM+DARTS killed in a leaf) kill one mid-run, resume it and compare its results.json with an uninterrupted run.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'nas-shrink.js');
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const asJson = args.has('--json');
for (const a of args) if (!['--quick', '--json'].includes(a)) throw new Error(`faults: unknown option ${a}`);
if (!fs.existsSync(path.join(root, 'dist', 'electron', 'cli', 'main.js'))) {
  console.error('faults: the app is not built. Fix: npm run build');
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-faults-'));
const baseEnv = { ...process.env, NAS_BACKEND: process.env.NAS_BACKEND || 'wasm' };
const rows = [];

function cli(argv, env = {}) {
  const r = spawnSync(process.execPath, [bin, ...argv], { cwd: work, env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

/** The error line a user sees: the last stderr line that starts with `nas-shrink`. */
function errorLine(r) {
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('nas-shrink'));
  return lines[lines.length - 1] || r.stderr.trim().split('\n').pop() || r.stdout.trim().split('\n').pop() || '';
}

function short(text, n = 110) {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** One row: `checks` are [description, boolean] pairs; all must hold. */
function record(name, expected, observed, checks) {
  const failed = checks.filter(([, ok]) => !ok).map(([what]) => what);
  rows.push({ case: name, expected, observed: failed.length ? `${observed} [NOT: ${failed.join('; ')}]` : observed, ok: failed.length === 0 });
}

/** A CLI error case: exit code, the message's words, and a fix on the same line. */
function errorCase(name, expected, argv, { code = 1, message, env, extra = () => [] }) {
  const r = cli(argv, env);
  const line = errorLine(r);
  record(name, expected, `${short(line)} (exit ${r.code})`, [
    [`exit ${code}`, r.code === code],
    [`message matches ${message}`, message.test(line)],
    ['one line with a fix', code === 2 || / Fix: \S/.test(line)],
    ...extra(r),
  ]);
  return r;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 1));
  return file;
}

function preset(name) {
  const list = JSON.parse(cli(['presets', '--json']).stdout);
  const found = list.map((p) => p.config || p).find((c) => c.name === name);
  if (!found) throw new Error(`faults: no preset ${name}`);
  return found;
}

/** An experiment folder as a killed job leaves it, without training anything. */
function fakeExperiment(name, config, patch = {}) {
  const dir = path.join(work, name);
  writeJson(path.join(dir, 'experiment.json'), {
    formatVersion: 1, id: name, preset: config.name, created: 1_700_000_000_000, updated: 1_700_000_000_000, status: 'failed',
    config, backend: 'wasm', versions: {}, error: null, summary: null, ...patch,
  });
  fs.writeFileSync(path.join(dir, 'events.jsonl'), `${JSON.stringify({ type: 'status', status: 'running', backend: 'wasm', seq: 0, time: 1 })}\n${JSON.stringify({ type: 'log', level: 'info', message: 'one', seq: 1, time: 2 })}\n`);
  return dir;
}

function checkpointOk(dir, label) {
  try {
    const m = readJson(path.join(dir, 'checkpoints', label, 'manifest.json'));
    return fs.statSync(path.join(dir, 'checkpoints', label, 'tensors.bin')).size === m.dataBytes;
  } catch {
    return false;
  }
}

function leftovers(dir) {
  try {
    return fs.readdirSync(path.join(dir, 'checkpoints')).filter((n) => n.startsWith('.tmp-'));
  } catch {
    return [];
  }
}

function status(dir) {
  try {
    const r = readJson(path.join(dir, 'experiment.json'));
    return `${r.status}${r.error ? `/${r.error.code}` : ''}`;
  } catch {
    return 'unreadable';
  }
}

async function main() {
  const supernet = preset('nb201-fashion');
  const abs = preset('nb201-fashion-abs');
  const tiny = { ...supernet, name: 'tiny', maxTrainImages: 64, valFraction: 0.25, network: { channels: 2, cellsPerStage: 1 }, training: { ...supernet.training, epochs: 2, batchSize: 16 } };
  const tinyFile = writeJson(path.join(work, 'tiny.json'), tiny);
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });

  try {
    // --- bad input, refused before anything runs ---
    errorCase('unknown preset', 'exit 1, names it, lists the presets; no folder', ['run', 'no-such-preset'], {
      message: /Unknown preset 'no-such-preset'.*Fix: Use one of: cnn-fashion/,
      extra: () => [['no experiments folder made', !fs.existsSync(path.join(work, 'experiments'))]],
    });
    errorCase('unknown op', 'exit 1, names the op and edge, lists the ops', ['eval', '|conv_9x9~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'], {
      message: /Unknown op 'conv_9x9' at edge 1<-0.*Use one of: none/,
      extra: () => [['no experiments folder made', !fs.existsSync(path.join(work, 'experiments'))]],
    });
    const negLr = writeJson(path.join(work, 'neg-lr.json'), { ...tiny, training: { ...tiny.training, schedule: { ...tiny.training.schedule, lr: -0.1 } } });
    errorCase('negative lr', 'exit 1, names training.schedule.lr', ['run', negLr], { message: /training\.schedule\.lr/ });
    const zero = writeJson(path.join(work, 'zero-epochs.json'), { ...tiny, training: { ...tiny.training, epochs: 0 } });
    errorCase('zero epochs (config)', 'exit 1, names training.epochs', ['run', zero], { message: /training\.epochs/ });
    errorCase('zero epochs (--epochs 0)', 'usage error, exit 2, names --epochs', ['run', tinyFile, '--epochs', '0'], { code: 2, message: /--epochs must be an integer >= 1/ });
    const bigTarget = writeJson(path.join(work, 'big-target.json'), { ...abs, abs: { ...abs.abs, targetSize: 20000 } });
    errorCase('ABS target > space', 'exit 1, names abs.targetSize and the space size', ['run', bigTarget], { message: /abs\.targetSize.*15[,.]?625/ });

    // --- datasets ---
    errorCase('dataset missing', 'exit 1, names the folder', ['run', tinyFile, '--data', path.join(work, 'no-such-data')], { message: /no-such-data does not exist/ });
    fs.mkdirSync(path.join(work, 'empty-data'));
    errorCase('dataset empty', 'exit 1, says what a dataset folder holds', ['run', tinyFile, '--data', path.join(work, 'empty-data')], { message: /holds no dataset/ });
    const corrupt = path.join(work, 'corrupt-data');
    fs.mkdirSync(corrupt);
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) fs.writeFileSync(path.join(corrupt, f), Buffer.from('<html>not an IDX file</html>'));
    errorCase('dataset corrupt', 'exit 1, names the file and its bad magic number', ['run', tinyFile, '--data', corrupt, '--out', path.join(work, 'corrupt-run')], {
      message: /(train|t10k)-(images-idx3|labels-idx1)-ubyte: expected magic number/,
      extra: () => [['the failure is recorded in experiment.json', status(path.join(work, 'corrupt-run')) === 'failed/DATASET_CORRUPT']],
    });

    // --- ground truth tables ---
    const truthDir = fakeExperiment('truth-target', tiny);
    fs.writeFileSync(path.join(work, 'cols.csv'), 'arch,acc\nx,1\n');
    errorCase('CSV missing columns', 'exit 1, names the columns found and wanted', ['tau', truthDir, '--truth', path.join(work, 'cols.csv')], { message: /has no architecture column .*found arch, acc/ });
    fs.writeFileSync(path.join(work, 'foreign.csv'), 'ArchitectureString,CIFAR10TestAccuracy200Epochs\n|nor_conv_5x5~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|,0.9\n');
    errorCase('CSV foreign architectures', 'exit 1, names the line and the op', ['tau', truthDir, '--truth', path.join(work, 'foreign.csv')], { message: /foreign\.csv line 2: .* is not an architecture of the nb201 space/ });

    // --- the store ---
    const newer = fakeExperiment('newer', tiny, { formatVersion: 99 });
    errorCase('newer format (show)', 'exit 1, says a newer version wrote it', ['show', newer], { message: /written by a newer NAS Shrink Studio \(format 99/ });
    errorCase('newer format (resume)', 'exit 1, refused untouched', ['resume', newer], { message: /newer NAS Shrink Studio/, extra: () => [['experiment.json untouched', readJson(path.join(newer, 'experiment.json')).formatVersion === 99]] });
    fs.writeFileSync(path.join(work, 'a-file'), 'x');
    errorCase('unwritable folder', 'exit 1, names the folder and the fix', ['run', tinyFile, '--out', path.join(work, 'a-file', 'exp')], { message: /Could not create the experiment folder .*a-file/ });
    const torn = fakeExperiment('torn', tiny);
    fs.appendFileSync(path.join(torn, 'events.jsonl'), '{"type":"progress","pha');
    {
      const r = cli(['show', torn]);
      const line = r.stdout.split('\n').find((l) => l.startsWith('warning')) || '';
      record('torn events line', 'exit 0, a warning naming line 3, the rest read', `${short(line)} (exit ${r.code})`, [
        ['exit 0', r.code === 0],
        ['warns about line 3', /skipped unreadable event lines 3 /.test(line)],
        ['reads the 2 good events', /, 2 events/.test(r.stdout)],
      ]);
    }
    const live = fakeExperiment('live-lock', tiny);
    writeJson(path.join(live, 'job.lock'), { pid: sleeper.pid, host: os.hostname(), started: Date.now() });
    errorCase('live lock', 'exit 1, names the owner pid and the fix; nothing written', ['resume', live], {
      message: new RegExp(`in use by another job \\(pid ${sleeper.pid} on .*Fix: .*kill ${sleeper.pid}`),
      extra: () => [['experiment.json untouched', status(live) === 'failed'], ['lock kept', readJson(path.join(live, 'job.lock')).pid === sleeper.pid]],
    });

    if (!quick) await trainingCases(tiny, tinyFile);
  } finally {
    sleeper.kill('SIGKILL');
  }

  if (asJson) console.log(JSON.stringify(rows, null, 1));
  else printTable(rows);
  const bad = rows.filter((r) => !r.ok).length;
  if (!asJson) console.log(`\n${rows.length - bad} of ${rows.length} cases handled${bad ? `; ${bad} NOT` : ''}${bad ? ` (work folder kept: ${work})` : ''}`);
  process.exitCode = bad ? 1 : 0;
  // Kept when something failed, to look at; removed otherwise.
  if (!bad) fs.rmSync(work, { recursive: true, force: true });
}

async function trainingCases(tiny, tinyFile) {
  // NaN: a learning rate this large diverges within a few steps.
  const nanFile = writeJson(path.join(work, 'nan.json'), { ...tiny, maxTrainImages: 96, training: { ...tiny.training, epochs: 3, schedule: { kind: 'constant', lr: 1e12 } } });
  const nanDir = path.join(work, 'nan-run');
  errorCase('NaN loss', 'exit 1, names epoch and step; reference checkpoint kept', ['run', nanFile, '--out', nanDir], {
    message: /Training diverged: the loss is .* at epoch \d+, step \d+/,
    extra: () => [['reference checkpoint on disk', checkpointOk(nanDir, 'reference')], ['recorded failed/NAN_LOSS', status(nanDir) === 'failed/NAN_LOSS']],
  });

  // Full disk while writing the epoch-2 checkpoint: epoch 1 stays, the run fails cleanly.
  const fullDir = path.join(work, 'full-disk');
  errorCase('full disk', 'exit 1, says the disk is full; epoch-1 checkpoint kept, no temp left', ['run', tinyFile, '--out', fullDir], {
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --require ${path.join(__dirname, 'faults', 'enospc.cjs')}`.trim(), NAS_FAULT_ENOSPC: 'epoch-2' },
    message: /no space left on device.*Fix: The disk is full/,
    extra: () => [
      ['epoch-1 checkpoint complete', checkpointOk(fullDir, 'epoch-1')],
      ['no half-written epoch-2', !fs.existsSync(path.join(fullDir, 'checkpoints', 'epoch-2')) && leftovers(fullDir).length === 0],
      ['recorded failed/STORE_IO', status(fullDir) === 'failed/STORE_IO'],
    ],
  });

  // Half-written checkpoint: damage `last` of the full-disk run, then resume it.
  fs.truncateSync(path.join(fullDir, 'checkpoints', 'last', 'tensors.bin'), 100);
  {
    const r = cli(['resume', fullDir]);
    const warning = r.stderr.split('\n').find((l) => l.includes("Skipped checkpoint 'last'")) || '';
    record('half-written checkpoint', "resume skips it with a warning, continues from epoch-1, finishes; viewers see each redone step once", `${short(warning)} (exit ${r.code})`, [
      ['exit 0', r.code === 0],
      ['warning names the file', /Skipped checkpoint 'last': .*tensors\.bin has \d+ bytes/.test(warning)],
      ['resumed from epoch-1', readEvents(fullDir).some((e) => e.type === 'log' && e.message.startsWith("resumed from checkpoint 'epoch-1'"))],
      ['finished, epoch-2 written', status(fullDir) === 'finished' && checkpointOk(fullDir, 'epoch-2')],
      ...redoneOnce(fullDir, /^epoch-1$/, true),
    ]);
  }

  // A job process killed with SIGKILL mid-run.
  const killFile = writeJson(path.join(work, 'kill.json'), { ...tiny, maxTrainImages: 128, training: { ...tiny.training, epochs: 4 } });
  const killDir = path.join(work, 'killed');
  const host = spawn(process.execPath, [bin, 'run', killFile, '--out', killDir], { cwd: work, env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  host.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => host.on('exit', (code) => resolve(code)));
  let victim = null;
  for (let i = 0; i < 1200 && victim === null; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      const lock = readJson(path.join(killDir, 'job.lock'));
      const ppid = Number(fs.readFileSync(`/proc/${lock.pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      // Only our own job: the child of the CLI started above, after its first epoch checkpoint.
      if (ppid === host.pid && checkpointOk(killDir, 'epoch-1')) victim = lock.pid;
    } catch {
      /* not there yet */
    }
  }
  if (victim !== null) process.kill(victim, 'SIGKILL');
  const code = await exited;
  const line = stderr.split('\n').filter((l) => l.startsWith('nas-shrink')).pop() || '';
  record('killed job process', 'exit 1, JOB_CRASHED naming the signal and log; events and checkpoints kept', `${short(line)} (exit ${code})`, [
    ['killed our job after epoch 1', victim !== null],
    ['exit 1', code === 1],
    ['names SIGKILL and job.log', /killed by SIGKILL .*job\.log/.test(line)],
    ['recorded failed/JOB_CRASHED', status(killDir) === 'failed/JOB_CRASHED'],
    ['epoch-1 checkpoint and events kept', checkpointOk(killDir, 'epoch-1') && readEvents(killDir).length > 0],
  ]);

  // Stale lock: as if host and job had both died; resume takes it over and finishes the run.
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  writeJson(path.join(killDir, 'job.lock'), { pid: dead, host: os.hostname(), started: Date.now() - 60_000 });
  {
    const r = cli(['resume', killDir]);
    const warning = r.stderr.split('\n').find((l) => l.includes('stale lock')) || '';
    record('stale lock + resume after kill -9', 'warning naming the dead pid; resumes from the last checkpoint; finishes; each step once for viewers', `${short(warning)} (exit ${r.code})`, [
      ['exit 0', r.code === 0],
      ['warning names the dead pid', warning.includes(`pid ${dead} on ${os.hostname()}`)],
      ['finished after 4 epochs', status(killDir) === 'finished' && checkpointOk(killDir, 'epoch-4')],
      ['lock released', !fs.existsSync(path.join(killDir, 'job.lock'))],
      ...redoneOnce(killDir, /^(last|epoch-\d+)$/, false),
    ]);
  }

  await gmKillCases();
}

/** A CLI command in the background (so a job can be watched and killed meanwhile). */
function cliAsync(argv, env = {}) {
  const child = spawn(process.execPath, [bin, ...argv], { cwd: work, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  return { child, done };
}

/**
 * A GM run killed with SIGKILL, then `nas-shrink resume`: results.json (tree, split decisions
 * with their GM matrices, leaf candidates, alpha records for GM+DARTS, final pick) must equal an
 * uninterrupted run's, run beside it. The configs are test/helpers/tinyGm.ts's. One kernel thread
 * only to keep it quick (at C=2 the pool would not engage anyway; results are the same with it).
 *   - GM+RSPS, killed once the root has split and sub-supernet 1 started;
 *   - GM+DARTS, killed in a leaf's second epoch, while alpha moves and the alpha-batch stream is
 *     part-way through a pass (a `node-<id>-epoch-3` checkpoint exists).
 */
async function gmKillCases() {
  const root = [['none', 'skip_connect', 'nor_conv_3x3'], ['skip_connect', 'nor_conv_1x1', 'avg_pool_3x3'], ['nor_conv_3x3', 'nor_conv_1x1', 'skip_connect'], ['nor_conv_3x3'], ['skip_connect'], ['nor_conv_1x1']];
  const tiny = (name, extra = {}) => {
    const gm = preset(name);
    return {
      ...gm, name: `tiny-${name}`, maxTrainImages: 80, valFraction: 0.2, network: { channels: 2, cellsPerStage: 1 },
      training: { ...gm.training, epochs: 4, batchSize: 16 }, standalone: { ...gm.standalone, batchSize: 16 },
      gm: { ...gm.gm, initialState: { remaining: root }, repeats: 2, bootstrap: 20, archsPerLeaf: 3, searchValImages: 16, finalPick: { halvingEpochs: 1, halvingTrainImages: 32 }, ...extra.gm },
      ...extra.top,
    };
  };
  await gmKillCase('GM killed mid-run + resume', 'gm', tiny('nb201-fashion-gm'), 'the root split', (dir) => checkpointOk(dir, 'node-1-init'));
  const darts = tiny('nb201-fashion-gm-darts', { top: { maxTrainImages: 120 }, gm: { darts: { ...preset('nb201-fashion-gm-darts').gm.darts, alphaFraction: 0.55 } } });
  const leafEpoch = (dir) => {
    try {
      return fs.readdirSync(path.join(dir, 'checkpoints')).some((label) => /^node-\d+-epoch-3$/.test(label) && checkpointOk(dir, label));
    } catch {
      return false;
    }
  };
  await gmKillCase('GM+DARTS killed in a leaf + resume', 'gm-darts', darts, "a leaf's first epoch", leafEpoch);
}

async function gmKillCase(name, tag, config, after, ready) {
  const gmFile = writeJson(path.join(work, `tiny-${tag}.json`), config);
  const env = { NAS_KERNEL_THREADS: '1' };
  const refDir = path.join(work, `${tag}-whole`);
  const gmDir = path.join(work, `${tag}-killed`);
  const reference = cliAsync(['run', gmFile, '--out', refDir], env);
  const victimRun = cliAsync(['run', gmFile, '--out', gmDir], env);
  let victim = null;
  for (let i = 0; i < 1800 && victim === null; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      const lock = readJson(path.join(gmDir, 'job.lock'));
      const ppid = Number(fs.readFileSync(`/proc/${lock.pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      // Our own job only, once it is where the kill should land.
      if (ppid === victimRun.child.pid && ready(gmDir)) victim = lock.pid;
    } catch {
      /* not there yet */
    }
  }
  if (victim !== null) process.kill(victim, 'SIGKILL');
  const killed = await victimRun.done;
  const killedStatus = status(gmDir);
  const r = cli(['resume', gmDir], env);
  const ref = await reference.done;
  const resumedLine = readEvents(gmDir).find((e) => e.type === 'log' && e.message.startsWith('resumed from checkpoint ')) || { message: '' };
  let same = false;
  let what = 'no results';
  try {
    const a = readJson(path.join(refDir, 'results.json'));
    const b = readJson(path.join(gmDir, 'results.json'));
    same = JSON.stringify(a) === JSON.stringify(b);
    what = `${a.splits.length} splits, pick ${a.finalPick ? a.finalPick.by : 'none'}${same ? ', equal' : ', DIFFERENT'}`;
  } catch (error) {
    what = String(error && error.message);
  }
  record(name, 'resumes from a node checkpoint; tree, decisions, candidates and pick equal an uninterrupted run', `${short(resumedLine.message, 60)}; ${what} (exit ${r.code})`, [
    [`killed our job after ${after}`, victim !== null && killed.code === 1 && killedStatus === 'failed/JOB_CRASHED'],
    ['reference finished', ref.code === 0],
    ['resume exit 0, finished', r.code === 0 && status(gmDir) === 'finished'],
    ['results.json equal', same],
  ]);
}

/**
 * Checks on a resumed run's events (ADR 0008): the `resumed` marker names a checkpoint matching
 * `checkpoint` (the kill may land between writing epoch-K and last), the
 * events viewers read (the store's readRunEvents, from dist/) hold each training step once, and
 * the file keeps the superseded lines; `repeated`: the interrupted run had recorded steps after
 * that checkpoint, so the file holds some steps twice.
 */
function redoneOnce(dir, checkpoint, repeated) {
  const { readRunEvents } = require(path.join(root, 'dist', 'electron', 'engine', 'store', 'experimentStore.js'));
  const raw = readEvents(dir);
  const marker = raw.find((e) => e.type === 'resumed');
  const steps = (events) => events.filter((e) => e.type === 'metric' && e.split === 'train').map((e) => e.step);
  const viewed = readRunEvents(dir);
  const once = steps(viewed.events).every((step, i, all) => i === 0 || step > all[i - 1]);
  const range = marker ? raw.filter((e) => e.seq >= marker.redoFrom && e.seq < marker.seq).length : -1;
  return [
    [`a 'resumed' marker naming ${checkpoint.source}`, marker !== undefined && checkpoint.test(marker.checkpoint ?? '') && typeof marker.redoFrom === 'number'],
    ['viewers see each step once', once],
    ['the superseded lines stay in events.jsonl', viewed.superseded === range && raw.length === viewed.events.length + viewed.superseded],
    ...(repeated ? [['the file holds the redone steps twice', new Set(steps(raw)).size < steps(raw).length]] : []),
  ];
}

function readEvents(dir) {
  try {
    return fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

function printTable(list) {
  const head = { case: 'case', expected: 'expected', observed: 'observed', ok: 'ok' };
  const cells = [head, ...list.map((r) => ({ ...r, ok: r.ok ? 'ok' : 'FAIL' }))];
  const width = (k) => Math.max(...cells.map((c) => String(c[k]).length));
  const w = { case: width('case'), expected: width('expected') };
  for (const [i, c] of cells.entries()) {
    console.log(`${String(c.case).padEnd(w.case)} | ${String(c.expected).padEnd(w.expected)} | ${c.observed} | ${c.ok}`);
    if (i === 0) console.log(`${'-'.repeat(w.case)}-+-${'-'.repeat(w.expected)}-+-${'-'.repeat(8)}-+---`);
  }
}

main().catch((error) => {
  console.error(`faults: ${error && error.stack ? error.stack : error}`);
  process.exitCode = 2;
});
