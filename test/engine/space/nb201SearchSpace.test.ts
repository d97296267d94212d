/** NB201 as a generic SearchSpace: enumeration, canonical strings, errors, dedup key. */
import { describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import { NB201_CHOICES, NB201_SPACE, nb201OutputLive, nb201UniqueKey } from '../../../electron/engine/space/nb201SearchSpace';
import { architectureKey } from '../../../electron/engine/space/searchSpace';
import { enumerateState, fullState, stateSize } from '../../../electron/engine/space/spaceState';

/** Runs `fn`, expecting a NasError INVALID_CONFIG; returns it for message checks. */
function nasError(fn: () => unknown): NasError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NasError);
    expect((error as NasError).code).toBe('INVALID_CONFIG');
    expect((error as NasError).fix).toBeTruthy();
    return error as NasError;
  }
  throw new Error('expected a NasError');
}

describe('NB201 search space', () => {
  it('has the six edges in benchmark order with the five ops', () => {
    expect(NB201_SPACE.kind).toBe('nb201');
    expect(NB201_CHOICES.map((c) => c.id)).toEqual(['1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2']);
    expect(NB201_CHOICES[2]?.label).toBe('edge 2←1');
    for (const c of NB201_CHOICES) expect(c.ops).toEqual(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
  });

  it('enumerates exactly 15,625 distinct architectures whose strings round-trip', () => {
    const state = fullState(NB201_SPACE);
    expect(stateSize(state)).toBe(5 ** 6);
    const seen = new Set<string>();
    for (const arch of enumerateState(state)) {
      const text = NB201_SPACE.format(arch);
      expect(NB201_SPACE.parse(text)).toEqual(arch);
      seen.add(text);
    }
    expect(seen.size).toBe(15_625);
  });

  it('uses the NB201 notation', () => {
    const arch = ['nor_conv_3x3', 'skip_connect', 'none', 'avg_pool_3x3', 'nor_conv_1x1', 'nor_conv_3x3'];
    expect(NB201_SPACE.format(arch)).toBe('|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|');
  });

  it('names the edge and lists the allowed ops for an unknown op', () => {
    const e = nasError(() => NB201_SPACE.parse('|nor_conv_3x3~0|+|skip_connect~0|sep_conv_3x3~1|+|none~0|none~1|none~2|'));
    expect(e.message).toMatch(/'sep_conv_3x3' at edge 2<-1/);
    expect(e.fix).toMatch(/none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3/);
    const f = nasError(() => NB201_SPACE.format(['none', 'none', 'conv', 'none', 'none', 'none']));
    expect(f.message).toMatch(/'conv' at 2<-1/);
    expect(f.fix).toMatch(/avg_pool_3x3/);
  });

  it('rejects wrong edge counts and malformed strings', () => {
    expect(nasError(() => NB201_SPACE.format(['none', 'none'])).message).toMatch(/6 choices, got 2/);
    expect(nasError(() => NB201_SPACE.parse('|none~0|+|none~0|+|none~0|none~1|none~2|')).message).toMatch(/node 2 needs 2 inputs/);
    expect(nasError(() => NB201_SPACE.parse('|none~0|+|none~0|none~1|')).message).toMatch(/3 nodes/);
    expect(nasError(() => NB201_SPACE.parse('|none~0|+|none~0|none~2|+|none~0|none~1|none~2|')).message).toMatch(/op~1/);
    expect(nasError(() => NB201_SPACE.parse('hello')).message).toMatch(/Cannot read NB201 architecture 'hello'/);
  });

  it('dedupes functionally equal cells', () => {
    // Output fed only through node 1: edges into node 2 are dead and do not matter.
    const a = ['nor_conv_3x3', 'nor_conv_1x1', 'avg_pool_3x3', 'none', 'skip_connect', 'none'];
    const b = ['nor_conv_3x3', 'skip_connect', 'none', 'none', 'skip_connect', 'none'];
    expect(nb201UniqueKey(a)).toBe(nb201UniqueKey(b));
    expect(architectureKey(NB201_SPACE, a)).toBe('nor_conv_3x3(x)');
    // Summation order does not matter and a skip is its input: both compute conv1x1(x) + conv3x3(x).
    const c = ['skip_connect', 'none', 'none', 'nor_conv_1x1', 'nor_conv_3x3', 'none'];
    const d = ['nor_conv_1x1', 'none', 'none', 'nor_conv_3x3', 'skip_connect', 'none'];
    expect(nb201UniqueKey(c)).toBe(nb201UniqueKey(d));
    expect(nb201UniqueKey(c)).toBe('[nor_conv_1x1(x)+nor_conv_3x3(x)]');
    // Composition is not summation.
    const e = ['nor_conv_1x1', 'none', 'none', 'none', 'nor_conv_3x3', 'none'];
    expect(nb201UniqueKey(e)).toBe('nor_conv_3x3(nor_conv_1x1(x))');
    expect(nb201UniqueKey(['none', 'none', 'none', 'none', 'none', 'none'])).toBe('0');
    expect(nb201OutputLive(e)).toBe(true);
    expect(nb201OutputLive(['nor_conv_1x1', 'none', 'none', 'none', 'none', 'skip_connect'])).toBe(false);
  });

  it('gives equal keys exactly to cells that compute the same function (checked numerically)', () => {
    // Independent check: each op becomes a distinct nonlinear scalar function (none = 0,
    // skip = identity); two cells are the same function iff their outputs agree on random inputs.
    const f: Record<string, (v: number) => number> = {
      none: () => 0,
      skip_connect: (v) => v,
      // Every op maps 0 to 0, as a bias-free conv with affine-free BN does.
      nor_conv_1x1: (v) => Math.sin(1.3 * v + 0.4) - Math.sin(0.4),
      nor_conv_3x3: (v) => Math.tanh(0.7 * v - 0.9) - Math.tanh(-0.9) + 0.31 * v * v,
      avg_pool_3x3: (v) => Math.cos(0.5 * v) * 1.7 - 1.7,
    };
    const evaluate = (arch: string[], x: number): number => {
      const node = [x, 0, 0, 0];
      NB201_CHOICES.forEach((c, e) => {
        node[c.to] = (node[c.to] as number) + (f[arch[e] as string] as (v: number) => number)(node[c.from] as number);
      });
      return node[3] as number;
    };
    const byKey = new Map<string, string>();
    const byValue = new Map<string, string>();
    for (const arch of enumerateState(fullState(NB201_SPACE))) {
      const key = nb201UniqueKey(arch);
      const value = [0.37, -1.21].map((x) => evaluate(arch, x).toFixed(9)).join('/');
      expect(byKey.get(key) ?? value).toBe(value);
      expect(byValue.get(value) ?? key).toBe(key);
      byKey.set(key, value);
      byValue.set(value, key);
    }
    // NAS-Bench-201's own count (6,466) keeps zero terms in its key; ours drops them, so fewer.
    expect(byKey.size).toBe(byValue.size);
    expect(byKey.size).toBeLessThan(6466);
  });
});
