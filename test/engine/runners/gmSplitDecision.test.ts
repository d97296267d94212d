/**
 * The split rules of the GM runner on a tiny untrained NB201 supernet (no training needed):
 * random (seeded edge, 2 + 3 partition), predefined (the given edge, GM min-cut), exhaustive,
 * and the errors for edges that cannot split.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { gmConfigSchema } from '../../../electron/engine/split/gmConfig';
import { decideSplit } from '../../../electron/engine/runners/gmSplitDecision';
import type { ExperimentData } from '../../../electron/engine/runners/experimentData';
import { createTree, getNode } from '../../../electron/engine/split/subSupernetTree';
import { minCutPartition } from '../../../electron/engine/split/minCutPartition';
import { Nb201Supernet } from '../../../electron/engine/supernet/nb201Supernet';
import { fullState, restrictChoice } from '../../../electron/engine/space/spaceState';
import { NB201_SPACE } from '../../../electron/engine/space/nb201SearchSpace';
import { SeededRng } from '../../../electron/engine/random/seededRng';
import { setUpBackends } from '../cpu/helpers';
import type { ImageDataset } from '../../../electron/engine/data';

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

/** 32 random 8x8 images in 4 classes, as an in-memory dataset. */
function syntheticData(): ExperimentData {
  const rng = new SeededRng(5);
  const n = 32;
  const pixels = Uint8Array.from({ length: n * 64 }, () => rng.int(256));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 4);
  const train: ImageDataset = { name: 'synthetic', split: 'train', size: n, height: 8, width: 8, channels: 1, numClasses: 4, images: pixels, labels, classNames: ['a', 'b', 'c', 'd'] };
  return { train, test: train, trainIndices: Int32Array.from({ length: n }, (_, i) => i), valIndices: new Int32Array(0), normalize: { mean: [127.5], std: [64] }, augment: null };
}

describe('split decisions', () => {
  const data = syntheticData();
  const net = new Nb201Supernet({ channels: 2, cellsPerStage: 1, inputChannels: 1, numClasses: 4, seed: 1 });
  const root = getNode(createTree(fullState(NB201_SPACE)), 0);
  const ctx = (gm: Record<string, unknown>, node = root) => ({ net, node, data, gm: gmConfigSchema.parse(gm), batchSize: 8, seed: 3, cancelled: () => false });

  it('random: a seeded edge, its 5 ops split into 2 + 3, no GM score; the same seed decides the same', async () => {
    const a = await decideSplit(ctx({ rule: 'random' }));
    expect(a.groups.map((g) => g.length)).toEqual([2, 3]);
    expect([...a.groups.flat()].sort()).toEqual([...NB201_SPACE.choices[a.choiceIndex]!.ops].sort());
    expect(a.distance).toBeNull();
    expect(a.candidates).toEqual({});
    expect(await decideSplit(ctx({ rule: 'random' }))).toEqual(a);
  });

  it('predefined: the given edge only, split by the min-cut of its GM distances, with a bootstrap', async () => {
    const tensors = tf.memory().numTensors;
    const d = await decideSplit(ctx({ rule: 'predefined', predefinedEdges: [4], repeats: 2, bootstrap: 10 }));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(d.choiceIndex).toBe(4);
    expect(Object.keys(d.candidates)).toEqual([NB201_SPACE.choices[4]!.id]);
    const ops = NB201_SPACE.choices[4]!.ops;
    expect(d.groups).toEqual(minCutPartition(d.distance!).groups.map((g) => g.map((i) => ops[i])));
    expect(d.certainty?.bootstrap?.samples).toBe(10);
  });

  it('exhaustive: one group per remaining op; refuses an edge with one op, and a node with nothing to split', async () => {
    const d = await decideSplit(ctx({ rule: 'exhaustive', predefinedEdges: [2] }));
    expect(d.choiceIndex).toBe(2);
    expect(d.groups).toEqual(NB201_SPACE.choices[2]!.ops.map((op) => [op]));
    const narrowed = { ...root, state: restrictChoice(NB201_SPACE, root.state, 0, ['skip_connect']) };
    await expect(decideSplit(ctx({ rule: 'exhaustive' }, narrowed))).rejects.toThrow(/has 1 op\(s\) on edge 1<-0; an exhaustive split needs 2 or more/);
    const single = { ...root, state: { remaining: NB201_SPACE.choices.map(() => ['nor_conv_3x3']), locked: [], forceDropped: [] } };
    await expect(decideSplit(ctx({ rule: 'gm' }, single))).rejects.toThrow(/Sub-supernet 0 has no edge with 2 or more ops left to split/);
  });
});
