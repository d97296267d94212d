/**
 * The NAS-Bench-201 operator registry (names as in AutoDL's `cell_operations.py`).
 *
 * An op here is plain data: its name, what it computes, and which weights it owns. The
 * network code (../supernet) turns a spec into tensors; the space code only needs the names.
 */

/** What an operator computes; the supernet maps each kind to tensor code. */
export type Nb201OpKind = 'zero' | 'identity' | 'relu_conv_bn' | 'avg_pool';

export interface Nb201OpSpec {
  /** Canonical NB201 name, e.g. `nor_conv_3x3`. */
  readonly name: string;
  readonly kind: Nb201OpKind;
  /** Square kernel size for convolutions and pooling; 0 for `none` and `skip_connect`. */
  readonly kernel: number;
  /** Whether the op owns a trainable conv kernel (and so takes part in weight decay and angles). */
  readonly hasWeights: boolean;
}

const registry = new Map<string, Nb201OpSpec>();

/** Adds an op to the registry; a duplicate name is a programming error and throws. */
export function registerNb201Op(spec: Nb201OpSpec): void {
  if (registry.has(spec.name)) throw new Error(`NB201 op '${spec.name}' is already registered`);
  registry.set(spec.name, spec);
}

registerNb201Op({ name: 'none', kind: 'zero', kernel: 0, hasWeights: false });
registerNb201Op({ name: 'skip_connect', kind: 'identity', kernel: 0, hasWeights: false });
registerNb201Op({ name: 'nor_conv_1x1', kind: 'relu_conv_bn', kernel: 1, hasWeights: true });
registerNb201Op({ name: 'nor_conv_3x3', kind: 'relu_conv_bn', kernel: 3, hasWeights: true });
registerNb201Op({ name: 'avg_pool_3x3', kind: 'avg_pool', kernel: 3, hasWeights: false });

/** The five NB201 ops in the benchmark's canonical order (index = op id in encodings). */
export const NB201_OPS: readonly string[] = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'];

/** The spec of a registered op; throws with the known names when `name` is unknown. */
export function nb201Op(name: string): Nb201OpSpec {
  const spec = registry.get(name);
  if (!spec) throw new Error(`Unknown NB201 op '${name}'; known ops: ${[...registry.keys()].join(', ')}`);
  return spec;
}

/** Every registered op name, in registration order. */
export function nb201OpNames(): string[] {
  return [...registry.keys()];
}
