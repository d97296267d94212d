/**
 * Per-kernel timings of our SIMD kernels on the wasm backend at the nb201-fashion shapes
 * (batch 64), with the kernel pool (electron/engine/tf/threads/kernelPool.ts) and without it, in
 * the same process, interleaved. Wall and CPU time per call, best of `repeat`.
 *
 *   node bench/kernels.js [--repeat 15]      (bundled and run by bench/run.js --kernels)
 */
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';
import { wasmTrainingSupport } from '../electron/engine/tf/wasmTrainingSupport';
import { kernelPool, kernelPoolStats, setMinSplitMacs } from '../electron/engine/tf/threads/kernelPool';
import { SeededRng } from '../electron/engine/random/seededRng';

interface Case {
  name: string;
  run: () => tf.Tensor;
}

function rand(shape: number[], seed: number): tf.Tensor {
  const rng = new SeededRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) v[i] = rng.normal();
  return tf.tensor(v, shape);
}

function time(f: () => tf.Tensor): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = f();
  out.dataSync();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  out.dispose();
  return { wall, cpu: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const repeat = Number(process.argv[2] ?? 15);
  const support = wasmTrainingSupport();
  if (!support.ok) throw new Error(support.reason);
  await support.register();
  await tf.setBackend('wasm');
  await tf.ready();
  const pool = kernelPool();
  const n = 64;
  const cases: Case[] = [];
  const keep: tf.Tensor[] = [];
  const add = (name: string, h: number, ci: number, co: number, k: number, s: number): void => {
    const x = rand([n, h, h, ci], 1) as tf.Tensor4D;
    const w = rand([k, k, ci, co], 2) as tf.Tensor4D;
    const pad = s === 2 ? ([[0, 0], [1, 1], [1, 1], [0, 0]] as const) : 'same';
    const y = tf.conv2d(x, w, s, pad as 'same');
    const dy = rand(y.shape, 3) as tf.Tensor4D;
    keep.push(x, w, y, dy);
    cases.push({ name: `${name} forward`, run: () => tf.conv2d(x, w, s, pad as 'same') });
    cases.push({ name: `${name} filter grad`, run: () => tf.grad((ww: tf.Tensor4D) => tf.sum(tf.mul(tf.conv2d(x, ww, s, pad as 'same'), dy)))(w) });
    cases.push({ name: `${name} input grad`, run: () => tf.grad((xx: tf.Tensor4D) => tf.sum(tf.mul(tf.conv2d(xx, w, s, pad as 'same'), dy)))(x) });
  };
  add('3x3 28x28x16', 28, 16, 16, 3, 1);
  add('1x1 28x28x16', 28, 16, 16, 1, 1);
  add('3x3 s2 28x28 16->32', 28, 16, 32, 3, 2);
  add('3x3 14x14x32', 14, 32, 32, 3, 1);
  add('3x3 7x7x64', 7, 64, 64, 3, 1);
  add('3x3 28x28x8', 28, 8, 8, 3, 1);
  const rows: string[] = [];
  for (const c of cases) {
    const best = { pool: { wall: Infinity, cpu: Infinity }, one: { wall: Infinity, cpu: Infinity } };
    for (let r = 0; r < repeat; r++) {
      for (const mode of ['one', 'pool'] as const) {
        // The pool at its default threshold (what training uses), against no split at all.
        setMinSplitMacs(mode === 'pool' ? 8e6 : Infinity);
        const t = time(c.run);
        best[mode].wall = Math.min(best[mode].wall, t.wall);
        best[mode].cpu = Math.min(best[mode].cpu, t.cpu);
      }
    }
    rows.push(`| ${c.name.padEnd(30)} | ${best.one.wall.toFixed(2).padStart(7)} | ${best.pool.wall.toFixed(2).padStart(7)} | ${(best.one.wall / best.pool.wall).toFixed(2).padStart(5)} | ${best.pool.cpu.toFixed(2).padStart(7)} |`);
  }
  console.log(`kernel pool: ${pool ? `${pool.threads} threads` : 'off'}; ${JSON.stringify(kernelPoolStats())}`);
  console.log('| kernel (batch 64)              | 1 thread ms | pool ms | speed-up | pool CPU ms |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`best of ${repeat}, wall time per call; load average ${os.loadavg()[0].toFixed(1)} (${os.cpus().length} cores)`);
  tf.dispose(keep);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
