/**
 * The operator registry of the MobileNet-like layer-wise spaces (ABS's SPOS/ProxylessNAS space
 * and FairNAS; ALGORITHMS.md part C): inverted-residual blocks named by their contents,
 * `mb_k{kernel}_e{expansion}`, and `identity` (the layer is skipped, which makes the net shallower).
 */

/** What a layer op computes. */
export type MobilenetOpKind = 'mbconv' | 'identity';

export interface MobilenetOpSpec {
  /** Canonical name, e.g. `mb_k5_e3` or `identity`. */
  readonly name: string;
  readonly kind: MobilenetOpKind;
  /** Depthwise kernel size (3, 5 or 7); 0 for identity. */
  readonly kernel: number;
  /** Expansion ratio of the 1x1 expand conv (3 or 6); 0 for identity. */
  readonly expansion: number;
}

const registry = new Map<string, MobilenetOpSpec>();

/** Adds an op to the registry; a duplicate name is a programming error and throws. */
export function registerMobilenetOp(spec: MobilenetOpSpec): void {
  if (registry.has(spec.name)) throw new Error(`MobileNet op '${spec.name}' is already registered`);
  registry.set(spec.name, spec);
}

/** The canonical name of an MBConv op. */
export function mbconvName(kernel: number, expansion: number): string {
  return `mb_k${kernel}_e${expansion}`;
}

/**
 * The six MBConv ops in ABS's `blocks_keys` order (k3e3, k3e6, k5e3, k5e6, k7e3, k7e6): each is
 * expand 1x1-BN-ReLU6, depthwise kxk-BN-ReLU6, project 1x1-BN, with a residual when the stride
 * is 1 and the channels match.
 */
export const MBCONV_OPS: readonly string[] = [3, 5, 7].flatMap((k) => [3, 6].map((e) => mbconvName(k, e)));

/** The layer is skipped; allowed in every layer except the first of each stage. */
export const IDENTITY_OP = 'identity';

for (const name of MBCONV_OPS) {
  const [, k, e] = /^mb_k(\d)_e(\d)$/.exec(name) as RegExpExecArray;
  registerMobilenetOp({ name, kind: 'mbconv', kernel: Number(k), expansion: Number(e) });
}
registerMobilenetOp({ name: IDENTITY_OP, kind: 'identity', kernel: 0, expansion: 0 });

/** The spec of a registered op; throws with the known names when `name` is unknown. */
export function mobilenetOp(name: string): MobilenetOpSpec {
  const spec = registry.get(name);
  if (!spec) throw new Error(`Unknown MobileNet op '${name}'; known ops: ${[...registry.keys()].join(', ')}`);
  return spec;
}
