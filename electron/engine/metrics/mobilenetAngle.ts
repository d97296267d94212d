/**
 * MobileNet-like angle vectors (ALGORITHMS.md A2, [ABS] SPOS/shrinking/shrinking.py
 * `get_arch_vector`):
 *
 * - Fixed parts: the stem conv, the first MBConv(e=1) dw and pw (project) kernels, the final 1x1
 *   head conv and the classifier weight (the classifier has no bias). No BN parameters.
 * - Each layer whose op is an MBConv: its expand 1x1, depthwise kxk and project 1x1 kernels, in
 *   that order (expand only where the block has one). Identity contributes nothing.
 *
 * Layers are searched one op each, so there are no paths and nothing repeats; the per-block sums
 * of blockAngle.ts make every child cost one addition per layer.
 */
import { mobilenetOp } from '../space/mobilenetOps';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import type { ParamStore } from '../supernet/params';
import type { AngleBlock, AngleLayout } from './angle';

/** The MobileNet-like vector layout of a supernet (logical names `layer3/mb_k5_e6/expand`, ...). */
export function mobilenetAngleLayout(params: ParamStore, space: SearchSpace): AngleLayout {
  const fixed = ['stem/conv', 'first/expand', 'first/dw', 'first/project', 'head/conv', 'classifier/kernel'].filter((n) => params.has(n));
  // Per layer and op, the kernels that exist (an e=1 block would have no expand conv).
  const opNames = space.choices.map((choice) => {
    const byOp = new Map<string, string[]>();
    for (const op of choice.ops) {
      if (mobilenetOp(op).kind !== 'mbconv') continue;
      byOp.set(op, ['expand', 'dw', 'project'].map((t) => `${choice.id}/${op}/${t}`).filter((n) => params.has(n)));
    }
    return byOp;
  });
  return {
    fixed: fixed.map((name) => ({ name })),
    names: [...fixed, ...opNames.flatMap((byOp) => [...byOp.values()].flat())],
    archBlocks(arch: Architecture): AngleBlock[] {
      return arch.flatMap((op, c) => (opNames[c]?.get(op) ?? []).map((name) => ({ name })));
    },
  };
}
