/** Shared helpers for the CPU-path kernel tests: backend switching and error measures. */
import * as tf from '@tensorflow/tfjs';
import { wasmTrainingSupport } from '../../../electron/engine/tf/wasmTrainingSupport';
import { SeededRng } from '../../../electron/engine/random/seededRng';

/** Registers the fast kernels and initialises both the wasm and the reference cpu backend. */
export async function setUpBackends(): Promise<void> {
  const support = wasmTrainingSupport();
  if (!support.ok) throw new Error(support.reason);
  await support.register();
  await tf.setBackend('wasm');
  await tf.ready();
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Runs `f` with `backend` active and returns its tensors' values (all tensors disposed). */
export async function onBackend(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(list);
  return values.map((v) => Float32Array.from(v));
}

/** max |a - b| / max |b| (the reference is b). */
export function relError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / scale;
}

/** Seeded standard-normal values. */
export function randomValues(size: number, seed: number): Float32Array {
  const rng = new SeededRng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal();
  return out;
}
