/**
 * `npm run bench -- --scoring`: how long ABS's scoring and the ranking statistics take on the
 * whole NB201 space, each beside the obvious way of computing the same numbers, timed in the
 * same run on the same data:
 *   - the angle metric (A2) of all 15,625 architectures of the nb201-fashion supernet (C=8,
 *     N=1, weights perturbed from their init), with the decomposed table (table build
 *     included), against literalAngle: each child's two weight vectors concatenated and their
 *     angle taken, as Algorithm 1 states it (timed on a sample, scaled to 15,625);
 *   - Kendall's tau-b of 15,625 scores against a noisy copy, Knight's O(n log n) against the
 *     O(n^2) pair count (scipy's kendalltau is the former).
 * Targets: under a second each for the whole space (the tests check the values; this the time).
 * Bundled and run by bench/run.js; prints a table and exits 1 when a target is missed.
 */
import * as tf from '@tensorflow/tfjs';
import { ANGLE_CELLS_METRIC, ANGLE_METRIC } from '../electron/engine/metrics/angleMetric';
import { literalAngle, referenceLookup, snapshotWeights } from '../electron/engine/metrics/angle';
import { nb201AngleLayout, nb201AngleNames, nb201AngleShape } from '../electron/engine/metrics/nb201Angle';
import { kendallTau } from '../electron/engine/metrics/rankCorrelation';
import { SeededRng } from '../electron/engine/random/seededRng';
import { NB201_SPACE } from '../electron/engine/space/nb201SearchSpace';
import { enumerateState, fullState } from '../electron/engine/space/spaceState';
import { Nb201Supernet, NB201_FASHION_NET } from '../electron/engine/supernet/nb201Supernet';
import type { NamedArray } from '../electron/engine/store/checkpoint';

/** Best of `repeat` timings of `fn`, in ms, and its last result. */
async function best<T>(repeat: number, fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  let ms = Infinity;
  let value: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    value = await fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, value: value as T };
}

/** The O(n^2) definition of tau-b: every pair checked. */
function pairwiseTauB(x: Float64Array, y: Float64Array): number {
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign(xi - (x[j] as number));
      const sy = Math.sign(yi - (y[j] as number));
      if (sx === 0) tx++;
      if (sy === 0) ty++;
      const s = sx * sy;
      if (s > 0) c++;
      else if (s < 0) d++;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  return (c - d) / Math.sqrt((n0 - tx) * (n0 - ty));
}

interface Row {
  what: string;
  ms: number;
  referenceWhat: string;
  referenceMs: number;
  agree: string;
}

async function main(): Promise<void> {
  const repeat = Number(process.argv[2] ?? 3);
  await tf.setBackend('cpu');
  const rows: Row[] = [];

  const net = new Nb201Supernet(NB201_FASHION_NET);
  const reference: Record<string, NamedArray> = {};
  for (const [name, v] of net.params.entries()) reference[`model/${name}`] = { shape: [...v.shape], dtype: 'float32', data: Float32Array.from(v.dataSync()) };
  const rng = new SeededRng(21);
  for (const [name, v] of net.params.entries()) {
    if (/running_(mean|var)$/.test(name)) continue;
    const noise = Float32Array.from({ length: v.size }, () => rng.normal() * 0.05);
    tf.tidy(() => v.assign(tf.add(v, tf.tensor(noise, v.shape))));
  }
  const state = fullState(NB201_SPACE);
  const archs = [...enumerateState(state)];
  const ctx = { supernet: net, reference, state };
  const decomposed = await best(repeat, () => ANGLE_METRIC.scoreArchitectures(ctx, archs));
  const cells = await best(repeat, () => ANGLE_CELLS_METRIC.scoreArchitectures(ctx, archs));

  const shape = nb201AngleShape(net.params);
  const layout = nb201AngleLayout(shape);
  const w0 = referenceLookup(reference);
  const current = await snapshotWeights(net.params, nb201AngleNames(shape));
  const sample = Array.from({ length: 300 }, (_, i) => archs[Math.floor((i * archs.length) / 300)] as string[]);
  const literal = await best(repeat, () => sample.map((arch) => literalAngle(layout, w0, current, arch).angle));
  const worst = Math.max(...sample.map((_, i) => Math.abs((literal.value[i] as number) - (decomposed.value.scores[Math.floor((i * archs.length) / 300)] as number))));
  const scale = archs.length / sample.length;
  rows.push({ what: `angle, ${archs.length.toLocaleString('en-US')} architectures (decomposed table)`, ms: decomposed.ms, referenceWhat: 'literal concatenation (300 timed, scaled)', referenceMs: literal.ms * scale, agree: `largest difference ${worst.toExponential(1)} rad on the 300` });
  rows.push({ what: `angle-cells, ${archs.length.toLocaleString('en-US')} architectures`, ms: cells.ms, referenceWhat: '-', referenceMs: NaN, agree: '' });
  net.dispose();

  const n = archs.length;
  const x = Float64Array.from({ length: n }, () => rng.next());
  const y = x.map((v) => v + rng.normal() * 0.3);
  const knight = await best(repeat, () => kendallTau(x, y));
  const pairs = await best(1, () => pairwiseTauB(x, y));
  rows.push({ what: `Kendall tau-b, ${n.toLocaleString('en-US')} items (Knight, O(n log n))`, ms: knight.ms, referenceWhat: 'every pair (O(n^2))', referenceMs: pairs.ms, agree: `tau ${knight.value.toFixed(6)} vs ${pairs.value.toFixed(6)}` });

  console.log(`scoring benchmark (tfjs cpu backend for the supernet's weights; best of ${repeat}, the pairwise tau once)`);
  console.log('| what | ms | target | ok | reference | reference ms | speed-up | agreement |');
  console.log('| --- | ---: | ---: | --- | --- | ---: | ---: | --- |');
  let ok = true;
  for (const r of rows) {
    const met = r.ms < 1000;
    ok &&= met;
    const speedup = Number.isNaN(r.referenceMs) ? '-' : `${(r.referenceMs / r.ms).toFixed(0)}x`;
    console.log(`| ${r.what} | ${r.ms.toFixed(1)} | 1000 | ${met ? 'yes' : 'NO (misses the target)'} | ${r.referenceWhat} | ${Number.isNaN(r.referenceMs) ? '-' : r.referenceMs.toFixed(0)} | ${speedup} | ${r.agree} |`);
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 2;
});
