/**
 * createSupernet dispatches on the space kind, checks each kind's network config and refuses
 * combinations that do not fit with NasError INVALID_CONFIG.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { createSupernet } from '../../../electron/engine/supernet/createSupernet';
import { DartsSupernet } from '../../../electron/engine/supernet/dartsSupernet';
import { MobilenetSupernet } from '../../../electron/engine/supernet/mobilenetSupernet';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { createSearchSpace } from '../../../electron/engine/space/registry';
import type { SearchSpace } from '../../../electron/engine/space/searchSpace';
import { NasError } from '../../../shared/errors';

const input = { inputChannels: 1, numClasses: 10, seed: 0 };

function expectInvalid(f: () => unknown, text: RegExp): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(NasError);
    expect((error as NasError).code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toMatch(text);
    return;
  }
  throw new Error('expected a NasError');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('createSupernet', () => {
  it('builds the supernet of each space kind and forwards a batch', () => {
    const cases: [unknown, unknown, new (...args: never[]) => unknown, number][] = [
      [{ kind: 'nb201' }, { channels: 2, cellsPerStage: 1 }, Nb201Supernet, 8],
      [{ kind: 'darts' }, { channels: 2, cells: 3 }, DartsSupernet, 8],
      [{ kind: 'darts', variant: 's5' }, { channels: 2, cells: 3, stemMultiplier: 1, poolBnAffine: true }, DartsSupernet, 8],
      [{ kind: 'mobilenet', preset: 'small' }, undefined, MobilenetSupernet, 28],
      [{ kind: 'mobilenet', preset: 'small' }, {}, MobilenetSupernet, 28],
    ];
    for (const [spaceConfig, network, cls, size] of cases) {
      const space = createSearchSpace(spaceConfig);
      const net = createSupernet(space, network, input);
      expect(net).toBeInstanceOf(cls);
      expect(net.space.name).toBe(space.name);
      const x = tf.zeros([2, size, size, 1]) as tf.Tensor4D;
      const logits = net.forward(x, space.choices.map((c) => c.ops[c.ops.length - 1] as string), false);
      expect(logits.shape).toEqual([2, 10]);
      tf.dispose([x, logits]);
      net.dispose();
    }
  });

  it('applies the DARTS defaults (stem multiplier 3, affine-free pooling BN) and picks the ops from the space', () => {
    const net = createSupernet(createSearchSpace({ kind: 'darts', variant: 's5' }), { channels: 2, cells: 3 }, input) as DartsSupernet;
    expect(net.config).toMatchObject({ stemMultiplier: 3, poolBnAffine: false, variant: 's5' });
    expect(net.params.get('stem/conv').shape).toEqual([3, 3, 1, 6]);
    expect(net.params.has('cell0/e0/none/bn/running_mean')).toBe(false);
    expect(net.params.has('cell0/e0/avg_pool_3x3/bn/gamma')).toBe(false);
    net.dispose();
  });

  it('refuses network configs that do not fit the space, naming the field', () => {
    const nb201 = createSearchSpace({ kind: 'nb201' });
    const darts = createSearchSpace({ kind: 'darts' });
    const mobile = createSearchSpace({ kind: 'mobilenet', preset: 'small' });
    expectInvalid(() => createSupernet(darts, { channels: 8, cellsPerStage: 1 }, input), /darts.*cells/);
    expectInvalid(() => createSupernet(darts, { channels: 4, cells: 2 }, input), /cells/);
    expectInvalid(() => createSupernet(nb201, { channels: 4, cells: 3 }, input), /nb201/);
    expectInvalid(() => createSupernet(mobile, { channels: 8 }, input), /mobilenet/);
    expectInvalid(() => createSupernet(mobile, undefined, { ...input, inputChannels: 3 }), /1-channel/);
    expectInvalid(() => createSupernet(nb201, { channels: 2, cellsPerStage: 1 }, { ...input, numClasses: 0 }), /numClasses/);
    const unknown = { ...nb201, kind: 'shufflenet' } as unknown as SearchSpace;
    expectInvalid(() => createSupernet(unknown, {}, input), /shufflenet/);
  });
});
