/** MobileNet-like layer-wise spaces: layer shapes, counts, canonical strings, errors. */
import { describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import { MBCONV_OPS, mobilenetOp, registerMobilenetOp } from '../../../electron/engine/space/mobilenetOps';
import { MOBILENET_ABS_CONFIG, MOBILENET_FAIRNAS_CONFIG, MOBILENET_SMALL_CONFIG, createMobilenetSpace } from '../../../electron/engine/space/mobilenetSpace';
import { fullState, stateSize, stateSizeBig } from '../../../electron/engine/space/spaceState';
import { SeededRng } from '../../../electron/engine/random/seededRng';

function nasError(fn: () => unknown): NasError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NasError);
    expect((error as NasError).code).toBe('INVALID_CONFIG');
    return error as NasError;
  }
  throw new Error('expected a NasError');
}

describe('MobileNet-like spaces', () => {
  const abs = createMobilenetSpace(MOBILENET_ABS_CONFIG);
  const fair = createMobilenetSpace(MOBILENET_FAIRNAS_CONFIG);
  const small = createMobilenetSpace(MOBILENET_SMALL_CONFIG);

  it('names the six MBConv ops by kernel and expansion, in ABS order', () => {
    expect(MBCONV_OPS).toEqual(['mb_k3_e3', 'mb_k3_e6', 'mb_k5_e3', 'mb_k5_e6', 'mb_k7_e3', 'mb_k7_e6']);
    expect(mobilenetOp('mb_k7_e3')).toMatchObject({ kind: 'mbconv', kernel: 7, expansion: 3 });
    expect(mobilenetOp('identity').kind).toBe('identity');
    expect(() => registerMobilenetOp({ name: 'identity', kind: 'identity', kernel: 0, expansion: 0 })).toThrow(/already registered/);
  });

  it('builds ABS SPOS layers with identity everywhere except the first layer of each stage', () => {
    expect(abs.choices).toHaveLength(21);
    const noIdentity = abs.choices.filter((l) => !l.ops.includes('identity')).map((l) => l.index);
    expect(noIdentity).toEqual([0, 4, 8, 12, 16, 20]);
    expect(abs.choices[5]?.ops).toEqual([...MBCONV_OPS, 'identity']);
    // Shapes as in ABS's backbone_info: (inp, oup, size, stride).
    const shape = (i: number) => {
      const l = abs.choices[i];
      return l && [l.inChannels, l.outChannels, l.inputSize, l.stride];
    };
    expect(shape(0)).toEqual([24, 32, 112, 2]);
    expect(shape(1)).toEqual([32, 32, 56, 1]);
    expect(shape(4)).toEqual([32, 56, 56, 2]);
    expect(shape(12)).toEqual([112, 128, 14, 1]);
    expect(shape(16)).toEqual([128, 256, 14, 2]);
    expect(shape(20)).toEqual([256, 432, 7, 1]);
    expect(abs.choices[12]?.residual).toBe(false);
    expect(abs.choices[13]?.residual).toBe(true);
    expect(abs.choices[20]?.outputSize).toBe(7);
    expect(abs.choices[3]?.id).toBe('layer3');
    expect(abs.choices[4]?.label).toBe('layer 4 (56 ch, stride 2)');
  });

  it('counts 6^6 * 7^15 architectures in the full space, 6^19 in FairNAS, 6^3 * 7^3 in the small one', () => {
    let expected = 1n;
    for (let i = 0; i < 6; i++) expected *= 6n;
    for (let i = 0; i < 15; i++) expected *= 7n;
    expect(stateSizeBig(fullState(abs))).toBe(expected);
    expect(expected).toBe(221_502_229_807_900_608n);
    expect(fair.choices).toHaveLength(19);
    expect(fair.choices.every((l) => l.ops.length === 6)).toBe(true);
    expect(stateSizeBig(fullState(fair))).toBe(6n ** 19n);
    expect(small.choices).toHaveLength(6);
    expect(stateSize(fullState(small))).toBe(6 ** 3 * 7 ** 3);
    expect(small.choices.map((l) => l.inputSize)).toEqual([28, 14, 14, 7, 7, 7]);
  });

  it('joins op names with - and round-trips random architectures', () => {
    const rng = new SeededRng(5);
    for (const space of [abs, fair, small]) {
      for (let i = 0; i < 200; i++) {
        const arch = space.choices.map((l) => rng.pick(l.ops));
        const text = space.format(arch);
        expect(text.split('-')).toEqual(arch);
        expect(space.parse(text)).toEqual(arch);
      }
    }
    expect(small.format(['mb_k3_e3', 'identity', 'mb_k5_e6', 'mb_k7_e3', 'mb_k3_e6', 'identity'])).toBe('mb_k3_e3-identity-mb_k5_e6-mb_k7_e3-mb_k3_e6-identity');
  });

  it('rejects unknown ops, identity where it is not allowed, and wrong layer counts', () => {
    const e = nasError(() => small.parse('mb_k3_e3-mb_k9_e3-mb_k3_e3-mb_k3_e3-mb_k3_e3-mb_k3_e3'));
    expect(e.message).toMatch(/'mb_k9_e3' at layer1/);
    expect(e.fix).toMatch(/mb_k3_e3, .*mb_k7_e6, identity/);
    expect(nasError(() => small.parse('mb_k3_e3-identity-identity-mb_k3_e3-mb_k3_e3-mb_k3_e3')).message).toMatch(/'identity' is not allowed at layer2 .*first layer of a stage/);
    expect(nasError(() => fair.format(fair.choices.map(() => 'identity'))).message).toMatch(/no identity op/);
    expect(nasError(() => small.parse('mb_k3_e3-mb_k3_e3')).message).toMatch(/expected 6 layer ops joined by '-', got 2/);
  });

  it('rejects bad configs', () => {
    expect(nasError(() => createMobilenetSpace({ ...MOBILENET_SMALL_CONFIG, stages: [] })).message).toMatch(/no stages/);
    expect(nasError(() => createMobilenetSpace({ ...MOBILENET_SMALL_CONFIG, stages: [{ channels: 8, count: 1, stride: 3 }] })).message).toMatch(/stride must be 1 or 2/);
    expect(nasError(() => createMobilenetSpace({ ...MOBILENET_SMALL_CONFIG, headChannels: 0 })).message).toMatch(/headChannels/);
  });
});
