/** ABS's SPOS depth-uniform sampler (ALGORITHMS.md A1). */
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { SposDepthSampler } from '../../../electron/engine/sampler/sposDepthSampler';
import { UniformSampler } from '../../../electron/engine/sampler/uniformSampler';
import { createSearchSpace } from '../../../electron/engine/space/registry';
import { MBCONV_OPS } from '../../../electron/engine/space/mobilenetOps';
import { dropOps, fullState, stateContains } from '../../../electron/engine/space/spaceState';
import { expectNear, tally } from './helpers';

const abs = createSearchSpace({ kind: 'mobilenet', preset: 'abs' });
const N = 32_000;
const depthOf = (arch: readonly string[]): number => arch.filter((op) => op === 'identity').length;

describe('spos-depth sampler', () => {
  it('spreads the number of identity layers uniformly over 0..15 in the full ABS space', () => {
    const sampler = new SposDepthSampler(abs, new SeededRng(1));
    const archs = Array.from({ length: N }, () => sampler.next(fullState(abs))[0] as readonly string[]);
    expectNear(tally(archs.map(depthOf)), Array.from({ length: 16 }, (_, k) => k), N / 16, 0.1);
    // Non-identity layers pick the six MBConv ops uniformly; identity never where not allowed.
    const layer0 = tally(archs.map((a) => a[0] as string));
    expectNear(layer0, MBCONV_OPS, N / 6, 0.06);
    const layer1Real = archs.map((a) => a[1] as string).filter((op) => op !== 'identity');
    expectNear(tally(layer1Real), MBCONV_OPS, layer1Real.length / 6, 0.08);
    // Each identity-capable layer is identity with probability E[k]/15 = 7.5/15 = 1/2.
    expect(Math.abs((layer1Real.length / N) - 0.5)).toBeLessThan(0.02);
  });

  it('differs from plain uniform sampling, whose depths cluster around 15/7', () => {
    const uniform = new UniformSampler(abs, new SeededRng(1));
    const depths = tally(Array.from({ length: 4000 }, () => depthOf(uniform.next(fullState(abs))[0] as readonly string[])));
    expect(depths.get(10) ?? 0).toBeLessThan(5);
  });

  it('keeps a pinned operator and draws identities among the other layers', () => {
    const sampler = new SposDepthSampler(abs, new SeededRng(2));
    const pinned = Array.from({ length: N / 2 }, () => sampler.next(fullState(abs), { choiceIndex: 5, op: 'mb_k5_e6' })[0] as readonly string[]);
    for (const a of pinned) expect(a[5]).toBe('mb_k5_e6');
    expectNear(tally(pinned.map(depthOf)), Array.from({ length: 15 }, (_, k) => k), N / 2 / 15, 0.12);
    const asIdentity = Array.from({ length: 200 }, () => sampler.next(fullState(abs), { choiceIndex: 5, op: 'identity' })[0] as readonly string[]);
    for (const a of asIdentity) expect(a[5]).toBe('identity');
  });

  it('respects the shrunk space: identity-only layers stay identity, dropped identity never appears', () => {
    let state = dropOps(abs, fullState(abs), 1, MBCONV_OPS);
    state = dropOps(abs, state, 2, ['identity', 'mb_k7_e6']);
    const sampler = new SposDepthSampler(abs, new SeededRng(3));
    const archs = Array.from({ length: 3000 }, () => sampler.next(state)[0] as readonly string[]);
    for (const a of archs) {
      expect(stateContains(state, a)).toBe(true);
      expect(a[1]).toBe('identity');
    }
    // 14 identity-capable layers remain, layer 1 among them: depth = |drawn subset ∪ {layer 1}|, 1..14.
    const depths = [...tally(archs.map(depthOf)).keys()].map(Number);
    expect(Math.min(...depths)).toBe(1);
    expect(Math.max(...depths)).toBe(14);
  });
});
