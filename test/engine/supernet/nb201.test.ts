/** The NB201 space (op registry, edges, canonical strings) and the single-path supernet. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NB201_OPS, nb201Op, registerNb201Op } from '../../../electron/engine/space/nb201Ops';
import { NB201_EDGES, NB201_SPACE_SIZE, formatNb201, nb201FromIndex, nb201LiveNodes, parseNb201 } from '../../../electron/engine/space/nb201Space';
import { NB201_FASHION_NET, Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';

describe('NB201 space', () => {
  it('registers the five ops once and rejects duplicates and unknown names', () => {
    expect(NB201_OPS).toEqual(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
    expect(nb201Op('nor_conv_3x3').kernel).toBe(3);
    expect(() => registerNb201Op({ name: 'none', kind: 'zero', kernel: 0, hasWeights: false })).toThrow(/already registered/);
    expect(() => nb201Op('sep_conv_3x3')).toThrow(/Unknown NB201 op/);
  });

  it('uses the NB201 edge order and space size', () => {
    expect(NB201_EDGES.map((e) => `${e.to}<-${e.from}`)).toEqual(['1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2']);
    expect(NB201_SPACE_SIZE).toBe(15625);
  });

  it('formats and parses the canonical string, round trip over a sample of the space', () => {
    const g = ['nor_conv_3x3', 'skip_connect', 'none', 'avg_pool_3x3', 'nor_conv_1x1', 'nor_conv_3x3'];
    expect(formatNb201(g)).toBe('|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|');
    for (let i = 0; i < NB201_SPACE_SIZE; i += 97) expect(parseNb201(formatNb201(nb201FromIndex(i)))).toEqual(nb201FromIndex(i));
    expect(() => parseNb201('|nor_conv_3x3~1|+|none~0|none~1|+|none~0|none~1|none~2|')).toThrow(/op~0/);
    expect(() => parseNb201('|nor_conv_3x3~0|')).toThrow(/3 nodes/);
  });

  it('finds dead nodes', () => {
    expect(nb201LiveNodes(['none', 'none', 'none', 'skip_connect', 'none', 'none'])).toEqual([true, false, false, true]);
    expect(nb201LiveNodes(['none', 'none', 'skip_connect', 'none', 'nor_conv_1x1', 'avg_pool_3x3'])).toEqual([true, false, false, false]);
  });
});

describe('NB201 supernet (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names one weight set per (cell, edge, op) and gives logits [N,10] without leaking', () => {
    const net = new Nb201Supernet({ ...NB201_FASHION_NET, channels: 4 });
    const names = net.params.all().map((v) => net.params.nameOf(v));
    expect(names).toContain('cell0/e0/nor_conv_3x3/conv');
    expect(names).toContain('cell2/e5/nor_conv_1x1/conv');
    expect(names).not.toContain('cell0/e0/nor_conv_3x3/bn/gamma'); // affine-free cell BN
    expect(names).toContain('reduce1/shortcut/conv');
    expect(net.params.get('cell1/e2/nor_conv_3x3/conv').shape).toEqual([3, 3, 8, 8]);
    const before = tf.memory().numTensors;
    const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    const g = parseNb201('|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|');
    for (const training of [true, false]) {
      const logits = net.forward(x, g, training);
      expect(logits.shape).toEqual([2, 10]);
      logits.dispose();
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it('gives the optimizer only the sampled path: fixed parts plus the sampled ops', () => {
    const net = new Nb201Supernet({ ...NB201_FASHION_NET, channels: 4 });
    const g = ['nor_conv_3x3', 'none', 'skip_connect', 'nor_conv_1x1', 'avg_pool_3x3', 'none'];
    const names = net.pathTrainables(g).map((v) => net.params.nameOf(v));
    expect(names.filter((n) => n.startsWith('cell0/'))).toEqual(['cell0/e0/nor_conv_3x3/conv', 'cell0/e3/nor_conv_1x1/conv']);
    expect(names).toContain('stem/conv');
    expect(names).toContain('classifier/bias');
    expect(names.some((n) => n.includes('running'))).toBe(false);
    net.dispose();
  });
});
