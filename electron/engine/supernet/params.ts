/**
 * Named trainable tensors of a network, created from a seeded RNG so that two processes (or two
 * backends) given the same seed start from bit-identical weights.
 *
 * Each tensor has a logical name (`cell0/e2/nor_conv_3x3/conv`), the same in every network
 * built from the same config and used in checkpoints, and a tfjs variable name prefixed with
 * the store's scope (`net0/cell0/...`). tfjs refuses two variables with one name, and GM-NAS
 * keeps several sub-supernets (and a supernet and its fresh copy) alive in one process.
 */
import * as tf from '@tensorflow/tfjs';
import type { SeededRng } from '../random/seededRng';

let nextScope = 0;

export class ParamStore {
  private readonly vars = new Map<string, tf.Variable>();
  private readonly logical = new Map<string, string>();
  /** tfjs names of the tensors that take weight decay (conv kernels and the classifier weight). */
  readonly decayed = new Set<string>();
  /** Prefix of this store's tfjs variable names. */
  readonly scope: string;

  constructor(private readonly rng: SeededRng, scope?: string) {
    this.scope = scope ?? `net${nextScope++}`;
  }

  private add(name: string, values: Float32Array, shape: number[], trainable: boolean): tf.Variable {
    if (this.vars.has(name)) throw new Error(`ParamStore: '${name}' already exists`);
    const initial = tf.tensor(values, shape, 'float32');
    const v = tf.variable(initial, trainable, `${this.scope}/${name}`);
    initial.dispose(); // the variable holds its own reference to the data
    this.vars.set(name, v);
    this.logical.set(v.name, name);
    return v;
  }

  /** A conv kernel [k, k, inC, outC], He-normal over fan-out (std sqrt(2 / (k*k*outC))); decayed. */
  convKernel(name: string, k: number, inC: number, outC: number): tf.Variable {
    const std = Math.sqrt(2 / (k * k * outC));
    const values = new Float32Array(k * k * inC * outC);
    for (let i = 0; i < values.length; i++) values[i] = this.rng.normal() * std;
    const v = this.add(name, values, [k, k, inC, outC], true);
    this.decayed.add(v.name);
    return v;
  }

  /** A dense weight [inF, outF], uniform in +-1/sqrt(inF) as PyTorch's Linear; decayed. */
  denseKernel(name: string, inF: number, outF: number): tf.Variable {
    const bound = 1 / Math.sqrt(inF);
    const values = new Float32Array(inF * outF);
    for (let i = 0; i < values.length; i++) values[i] = (this.rng.next() * 2 - 1) * bound;
    const v = this.add(name, values, [inF, outF], true);
    this.decayed.add(v.name);
    return v;
  }

  /** A tensor filled with `value` (BN gamma/beta, biases, running statistics). */
  filled(name: string, shape: number[], value: number, trainable: boolean): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.add(name, new Float32Array(size).fill(value), shape, trainable);
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`ParamStore: no tensor named '${name}'`);
    return v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** Every tensor, in creation order (stable across runs with the same config). */
  all(): tf.Variable[] {
    return [...this.vars.values()];
  }

  /** [logical name, tensor] pairs in creation order. */
  entries(): [string, tf.Variable][] {
    return [...this.vars.entries()];
  }

  /** The logical name of one of this store's variables (its tfjs name without the scope). */
  nameOf(v: tf.Variable): string {
    const name = this.logical.get(v.name);
    if (name === undefined) throw new Error(`ParamStore: '${v.name}' does not belong to store ${this.scope}`);
    return name;
  }

  /**
   * Disposes and forgets every tensor whose logical name starts with `prefix` (the weights of
   * an operator that shrinking dropped). Returns their tfjs names, for the optimizer's buffers.
   */
  removeByPrefix(prefix: string): string[] {
    const removed: string[] = [];
    for (const [name, v] of [...this.vars.entries()]) {
      if (!name.startsWith(prefix)) continue;
      removed.push(v.name);
      this.vars.delete(name);
      this.logical.delete(v.name);
      this.decayed.delete(v.name);
      v.dispose();
    }
    return removed;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    this.logical.clear();
  }
}
