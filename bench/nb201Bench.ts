/**
 * One benchmark measurement in a fresh process: the nb201-fashion supernet on one tfjs backend
 * at one width C. Prints one JSON line: training and forward img/s, peak RSS.
 *
 * Invoked by bench/run.js (bundled with esbuild), as
 *   node nb201Bench.js '{"backend":"wasm","channels":16,"batch":64,"steps":10,"warmup":2,"genotypes":[[...6 ops]...]}'
 */
import * as tf from '@tensorflow/tfjs';
import { wasmTrainingSupport } from '../electron/engine/tf/wasmTrainingSupport';
import { Nb201Supernet } from '../electron/engine/supernet/nb201Supernet';
import { SgdNesterov } from '../electron/engine/train/sgdNesterov';
import { singlePathStep } from '../electron/engine/train/singlePathStep';
import { SeededRng } from '../electron/engine/random/seededRng';

interface BenchConfig {
  /** 'wasm': the default thread count (NAS_WASM_THREADS); 'wasm1'/'wasm2': forced to one/two XNNPACK threads. */
  backend: 'cpu' | 'wasm' | 'wasm1' | 'wasm2' | 'tfjs-node';
  channels: number;
  batch: number;
  steps: number;
  warmup: number;
  genotypes: string[][];
}

let detail = '';

async function useBackend(name: BenchConfig['backend']): Promise<void> {
  if (name === 'wasm' || name === 'wasm1' || name === 'wasm2') {
    const support = wasmTrainingSupport(name === 'wasm1' ? { threads: 1 } : name === 'wasm2' ? { threads: 2 } : {});
    if (!support.ok) throw new Error(support.reason);
    await support.register();
    await tf.setBackend('wasm');
    await tf.ready();
    detail = support.detail();
    return;
  } else if (name === 'tfjs-node') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional package, may be absent
    require('@tensorflow/tfjs-node');
  }
  const tfName = name === 'tfjs-node' ? 'tensorflow' : 'cpu';
  if (!(await tf.setBackend(tfName))) throw new Error(`tfjs could not initialise '${tfName}'`);
  await tf.ready();
}

function timeIt(count: number, f: (i: number) => void): number {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) f(i);
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] as string) as BenchConfig;
  await useBackend(cfg.backend);
  const net = new Nb201Supernet({ channels: cfg.channels, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: 0 });
  const opt = new SgdNesterov({ momentum: 0.9, weightDecay: 5e-4, decayed: net.params.decayed });
  const rng = new SeededRng(1);
  const pixels = new Float32Array(cfg.batch * 28 * 28);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.normal();
  const x = tf.tensor4d(pixels, [cfg.batch, 28, 28, 1]);
  const labels = tf.tensor1d(Array.from({ length: cfg.batch }, (_, i) => i % 10), 'int32');
  const geno = (i: number): string[] => cfg.genotypes[i % cfg.genotypes.length] as string[];
  const step = (i: number): void => void singlePathStep(net, opt, x, labels, geno(i), 0.025);
  const forward = (i: number): void => {
    const logits = net.forward(x, geno(i), false);
    logits.dataSync();
    logits.dispose();
  };
  for (let i = 0; i < cfg.warmup; i++) step(i);
  const trainSeconds = timeIt(cfg.steps, (i) => step(i + cfg.warmup));
  for (let i = 0; i < Math.min(cfg.warmup, 1); i++) forward(i);
  const forwardSteps = Math.max(cfg.steps, cfg.backend === 'cpu' ? 1 : 2 * cfg.steps);
  const forwardSeconds = timeIt(forwardSteps, forward);
  const result = {
    backend: cfg.backend,
    tfBackend: tf.getBackend(),
    detail,
    channels: cfg.channels,
    train: (cfg.batch * cfg.steps) / trainSeconds,
    forward: (cfg.batch * forwardSteps) / forwardSeconds,
    rssMB: process.resourceUsage().maxRSS / 1024,
    numTensors: tf.memory().numTensors,
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
  process.exitCode = 1;
});
