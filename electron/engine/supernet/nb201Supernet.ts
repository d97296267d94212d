/**
 * The NAS-Bench-201 weight-sharing supernet (ALGORITHMS.md part C; preset `nb201-fashion`):
 * stem conv3x3 (inC -> C) + BN, then three stages of N cells with C, 2C, 4C channels joined by
 * NB201's ResNet reduction block, then BN-ReLU, global average pool and a linear classifier.
 * Every cell owns one weight set per (edge, op); single-path forward runs one genotype shared by
 * all cells. Tensors are NHWC.
 */
import * as tf from '@tensorflow/tfjs';
import { SeededRng } from '../random/seededRng';
import { NB201_OPS } from '../space/nb201Ops';
import type { Nb201Genotype } from '../space/nb201Space';
import { batchNorm, bnTrainables, createBn, type BnParams } from './batchNorm';
import { cellForward, cellTrainables, convSym, createCell, createResReduction, resReduction, resReductionTrainables, type Nb201Cell, type ResReduction } from './blocks';
import { ParamStore } from './params';
import type { Supernet } from './supernet';
import type { SearchSpace } from '../space/searchSpace';
import { NB201_SPACE } from '../space/nb201SearchSpace';
import { cellForwardMixed } from './nb201Mixed';

export interface Nb201SupernetConfig {
  /** C, the channels of the first stage. */
  readonly channels: number;
  /** N, cells per stage. */
  readonly cellsPerStage: number;
  readonly inputChannels: number;
  readonly numClasses: number;
  /** Ops that get weights on every edge (default: all five NB201 ops). */
  readonly ops?: readonly string[];
  /** Seed of the weight initialisation. */
  readonly seed: number;
}

/** The `nb201-fashion` preset's network (Fashion-MNIST 28x28x1, C=8, N=1). */
export const NB201_FASHION_NET: Nb201SupernetConfig = { channels: 8, cellsPerStage: 1, inputChannels: 1, numClasses: 10, seed: 0 };

export class Nb201Supernet implements Supernet {
  readonly space: SearchSpace = NB201_SPACE;
  readonly params: ParamStore;
  private readonly stemConv: tf.Variable;
  private readonly stemBn: BnParams;
  /** cells[stage][i] */
  readonly cells: Nb201Cell[][];
  private readonly reductions: ResReduction[];
  private readonly headBn: BnParams;
  private readonly classifier: tf.Variable;
  private readonly classifierBias: tf.Variable;

  constructor(readonly config: Nb201SupernetConfig) {
    const { channels: c, cellsPerStage, inputChannels, numClasses } = config;
    const ops = config.ops ?? NB201_OPS;
    this.params = new ParamStore(new SeededRng(config.seed));
    const p = this.params;
    this.stemConv = p.convKernel('stem/conv', 3, inputChannels, c);
    this.stemBn = createBn(p, 'stem/bn', c, true);
    this.cells = [];
    this.reductions = [];
    let cellIndex = 0;
    for (let stage = 0; stage < 3; stage++) {
      const width = c * 2 ** stage;
      if (stage > 0) this.reductions.push(createResReduction(p, `reduce${stage}`, width / 2, width));
      const stageCells: Nb201Cell[] = [];
      for (let i = 0; i < cellsPerStage; i++) stageCells.push(createCell(p, `cell${cellIndex++}`, width, ops));
      this.cells.push(stageCells);
    }
    this.headBn = createBn(p, 'head/bn', 4 * c, true);
    this.classifier = p.denseKernel('classifier/kernel', 4 * c, numClasses);
    this.classifierBias = p.filled('classifier/bias', [numClasses], 0, true);
  }

  /**
   * Single-path forward: x [N,H,W,inC] -> logits [N,numClasses]. In training mode BN uses batch
   * statistics and moves the running ones. The caller disposes the result.
   */
  forward(x: tf.Tensor4D, genotype: Nb201Genotype, training: boolean): tf.Tensor2D {
    return this.forwardWith(x, (cell, h) => cellForward(cell, h, genotype, training), training);
  }

  /**
   * Mixed-mode forward (DARTS-style): every edge outputs sum_op w[e, op] * op(x), with
   * `weights` float32 [6, 5], columns in NB201_OPS order (softmax of alpha, masked by the
   * current space; see maskedSoftmax.ts). Differentiable with respect to `weights`. The caller disposes the result.
   */
  forwardMixed(x: tf.Tensor4D, weights: tf.Tensor2D, training: boolean): tf.Tensor2D {
    return this.forwardWith(x, (cell, h) => cellForwardMixed(cell, h, weights, NB201_OPS, training), training);
  }

  private forwardWith(x: tf.Tensor4D, cellFn: (cell: Nb201Cell, h: tf.Tensor4D) => tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      let h = batchNorm(convSym(x, this.stemConv as tf.Tensor4D, 1), this.stemBn, training);
      for (let stage = 0; stage < 3; stage++) {
        if (stage > 0) h = resReduction(this.reductions[stage - 1] as ResReduction, h, training);
        for (const cell of this.cells[stage] as Nb201Cell[]) h = cellFn(cell, h);
      }
      const pooled = tf.mean(tf.relu(batchNorm(h, this.headBn, training)), [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, this.classifier as tf.Tensor2D), this.classifierBias);
    });
  }

  /** The trainable tensors the genotype's path uses (fixed parts plus the sampled ops' weights). */
  pathTrainables(genotype: Nb201Genotype): tf.Variable[] {
    const out: tf.Variable[] = [this.stemConv, ...bnTrainables(this.stemBn)];
    for (let stage = 0; stage < 3; stage++) {
      if (stage > 0) out.push(...resReductionTrainables(this.reductions[stage - 1] as ResReduction));
      for (const cell of this.cells[stage] as Nb201Cell[]) out.push(...cellTrainables(cell, genotype));
    }
    out.push(...bnTrainables(this.headBn), this.classifier, this.classifierBias);
    return out;
  }

  releaseOp(choiceIndex: number, op: string): string[] {
    const removed: string[] = [];
    for (const cell of this.cells.flat()) {
      if (!cell.edgeOps[choiceIndex]?.delete(op)) continue; // parameter-free op, or released already
      removed.push(...this.params.removeByPrefix(`${cell.name}/e${choiceIndex}/${op}/`));
    }
    return removed;
  }

  dispose(): void {
    this.params.dispose();
  }
}
