/**
 * The DARTS cell operator registry (ALGORITHMS.md part C; names as in DARTS' `PRIMITIVES`).
 *
 * Plain data like nb201Ops.ts: what each op computes and which weights it owns; a network
 * builder maps the kind to tensor code.
 */

/** What a DARTS op computes. */
export type DartsOpKind = 'zero' | 'max_pool' | 'avg_pool' | 'identity' | 'sep_conv' | 'dil_conv';

export interface DartsOpSpec {
  /** Canonical DARTS name, e.g. `sep_conv_3x3`. */
  readonly name: string;
  readonly kind: DartsOpKind;
  /** Square kernel size; 0 for `none` and `skip_connect`. */
  readonly kernel: number;
  /** Dilation of the depthwise kernel: 2 for dil_conv, else 1. */
  readonly dilation: number;
  /**
   * Whether the op owns trainable kernels in a normal cell. (In a reduction cell skip_connect
   * becomes a FactorizedReduce with weights; ABS still counts it as empty for angles.)
   */
  readonly hasWeights: boolean;
}

const registry = new Map<string, DartsOpSpec>();

/** Adds an op to the registry; a duplicate name is a programming error and throws. */
export function registerDartsOp(spec: DartsOpSpec): void {
  if (registry.has(spec.name)) throw new Error(`DARTS op '${spec.name}' is already registered`);
  registry.set(spec.name, spec);
}

registerDartsOp({ name: 'none', kind: 'zero', kernel: 0, dilation: 1, hasWeights: false });
registerDartsOp({ name: 'max_pool_3x3', kind: 'max_pool', kernel: 3, dilation: 1, hasWeights: false });
registerDartsOp({ name: 'avg_pool_3x3', kind: 'avg_pool', kernel: 3, dilation: 1, hasWeights: false });
registerDartsOp({ name: 'skip_connect', kind: 'identity', kernel: 0, dilation: 1, hasWeights: false });
registerDartsOp({ name: 'sep_conv_3x3', kind: 'sep_conv', kernel: 3, dilation: 1, hasWeights: true });
registerDartsOp({ name: 'sep_conv_5x5', kind: 'sep_conv', kernel: 5, dilation: 1, hasWeights: true });
registerDartsOp({ name: 'dil_conv_3x3', kind: 'dil_conv', kernel: 3, dilation: 2, hasWeights: true });
registerDartsOp({ name: 'dil_conv_5x5', kind: 'dil_conv', kernel: 5, dilation: 2, hasWeights: true });

/** The eight DARTS ops in `PRIMITIVES` order (index = op id in alpha matrices). */
export const DARTS_OPS: readonly string[] = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'];

/** GM-NAS's "s5" op set: the DARTS ops without `none` (7 ops). */
export const DARTS_S5_OPS: readonly string[] = DARTS_OPS.filter((op) => op !== 'none');

/** The spec of a registered op; throws with the known names when `name` is unknown. */
export function dartsOp(name: string): DartsOpSpec {
  const spec = registry.get(name);
  if (!spec) throw new Error(`Unknown DARTS op '${name}'; known ops: ${[...registry.keys()].join(', ')}`);
  return spec;
}
