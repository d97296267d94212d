/**
 * The DARTS search network (ALGORITHMS.md part C; DARTS' model_search.Network, scaled by a
 * config): stem conv3x3 (inC -> stemMultiplier*C) + affine BN, then L cells with reduction cells
 * at floor(L/3) and floor(2L/3) (which double C), then global average pool and a linear
 * classifier. All normal cells run the normal half of the architecture and all reduction cells
 * the reduction half; every (cell, edge, op) owns its own weights (E4), under logical names such
 * as `cell3/e5/sep_conv_3x3/dw1`. Tensors are NHWC.
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { SeededRng } from '../random/seededRng';
import { DARTS_EDGES_PER_CELL, createDartsSpace, type DartsVariant } from '../space/dartsSpace';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import { validateArchitecture } from '../space/searchSpace';
import { batchNorm, bnTrainables, createBn, type BnParams } from './batchNorm';
import { convSym } from './blocks';
import { createDartsCell, dartsCellForward, dartsCellForwardMixed, dartsCellTrainables, type DartsCell } from './dartsCell';
import { ParamStore } from './params';
import type { Supernet } from './supernet';

export interface DartsSupernetConfig {
  /** C, the node channels of the first cells (doubled at each reduction cell). */
  readonly channels: number;
  /** L, the number of cells (>= 3 so that both reduction cells exist; DARTS search: 8). */
  readonly cells: number;
  /** The stem outputs stemMultiplier*C channels (DARTS: 3). */
  readonly stemMultiplier: number;
  readonly inputChannels: number;
  readonly numClasses: number;
  /** Seed of the weight initialisation. */
  readonly seed: number;
  /** `standard` (8 ops with none) or GM-NAS's `s5` (7 ops). */
  readonly variant: DartsVariant;
  /** Affine BN after pooling ops (ABS's DARTS proxy, A4); default false (DARTS, E2). */
  readonly poolBnAffine?: boolean;
}

/** A tiny config for tests and quick runs (e.g. 8x8 or 16x16 inputs). */
export const DARTS_TINY_NET: DartsSupernetConfig = { channels: 4, cells: 3, stemMultiplier: 3, inputChannels: 1, numClasses: 10, seed: 0, variant: 'standard' };

/** Indices of the reduction cells: floor(L/3) and floor(2L/3). */
export function dartsReductionCells(cells: number): number[] {
  return [Math.floor(cells / 3), Math.floor((2 * cells) / 3)];
}

function checkConfig(c: DartsSupernetConfig): void {
  const ints: (keyof DartsSupernetConfig)[] = ['channels', 'cells', 'stemMultiplier', 'inputChannels', 'numClasses'];
  for (const key of ints) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new NasError('INVALID_CONFIG', `DARTS supernet: ${key} must be a positive integer, got ${String(v)}.`, { fix: `Set ${key} to a positive integer.` });
  }
  if (c.cells < 3) throw new NasError('INVALID_CONFIG', `DARTS supernet: cells must be at least 3 (reduction cells at L/3 and 2L/3), got ${c.cells}.`, { fix: 'Use cells >= 3 (DARTS search uses 8).' });
  if (c.channels < 2) throw new NasError('INVALID_CONFIG', `DARTS supernet: channels must be at least 2 (FactorizedReduce splits them), got ${c.channels}.`, { fix: 'Use channels >= 2.' });
}

export class DartsSupernet implements Supernet {
  readonly space: SearchSpace;
  readonly params: ParamStore;
  private readonly stemConv: tf.Variable;
  private readonly stemBn: BnParams;
  readonly cells: readonly DartsCell[];
  private readonly classifier: tf.Variable;
  private readonly classifierBias: tf.Variable;

  constructor(readonly config: DartsSupernetConfig, space?: SearchSpace) {
    checkConfig(config);
    this.space = space ?? createDartsSpace({ variant: config.variant });
    if (this.space.kind !== 'darts' || this.space.choices.length !== 2 * DARTS_EDGES_PER_CELL) {
      throw new NasError('INVALID_CONFIG', `DartsSupernet needs a DARTS space, got '${this.space.name}'.`, { fix: 'Build the space with createDartsSpace.' });
    }
    const ops = [...new Set(this.space.choices.flatMap((c) => c.ops))];
    const options = { poolBnAffine: config.poolBnAffine ?? false };
    this.params = new ParamStore(new SeededRng(config.seed));
    const p = this.params;
    const stemC = config.stemMultiplier * config.channels;
    this.stemConv = p.convKernel('stem/conv', 3, config.inputChannels, stemC);
    this.stemBn = createBn(p, 'stem/bn', stemC, true);
    const reductions = dartsReductionCells(config.cells);
    const cells: DartsCell[] = [];
    let prevPrev = stemC;
    let prev = stemC;
    let c = config.channels;
    let reductionPrev = false;
    for (let i = 0; i < config.cells; i++) {
      const reduction = reductions.includes(i);
      if (reduction) c *= 2;
      cells.push(createDartsCell(p, `cell${i}`, { prevPrevChannels: prevPrev, prevChannels: prev, channels: c, reduction, reductionPrev }, ops, options));
      reductionPrev = reduction;
      prevPrev = prev;
      prev = 4 * c;
    }
    this.cells = cells;
    this.classifier = p.denseKernel('classifier/kernel', prev, config.numClasses);
    this.classifierBias = p.filled('classifier/bias', [config.numClasses], 0, true);
  }

  /** The architecture rows a cell runs: 0..13 for normal cells, 14..27 for reduction cells. */
  private offset(cell: DartsCell): number {
    return cell.shape.reduction ? DARTS_EDGES_PER_CELL : 0;
  }

  /**
   * Single-path forward: x float32 [N,H,W,inC] -> logits [N,numClasses];
   * `arch` has 28 ops (normal edges, then reduction edges). The caller disposes the result.
   */
  forward(x: tf.Tensor4D, arch: Architecture, training: boolean): tf.Tensor2D {
    validateArchitecture(this.space, arch);
    return this.forwardWith(x, training, (cell, s0, s1) => {
      const o = this.offset(cell);
      return dartsCellForward(cell, s0, s1, arch.slice(o, o + DARTS_EDGES_PER_CELL), training);
    });
  }

  /**
   * Mixed-mode forward: every edge outputs sum_k w[c,k] * op_k(x), with `weights` float32
   * [28, K] (column k of row c weights `space.choices[c].ops[k]`; see maskedSoftmax). Ops with
   * weight exactly 0 are skipped. Differentiable w.r.t. `weights`. The caller disposes the result.
   */
  forwardMixed(x: tf.Tensor4D, weights: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const values = weights.arraySync();
    const ops = this.space.choices.map((c) => c.ops);
    return this.forwardWith(x, training, (cell, s0, s1) => {
      const o = this.offset(cell);
      const rows = Array.from({ length: DARTS_EDGES_PER_CELL }, (_, e) => tf.slice(weights, [o + e, 0], [1, weights.shape[1]]));
      return dartsCellForwardMixed(cell, s0, s1, ops.slice(o, o + DARTS_EDGES_PER_CELL), rows, values.slice(o, o + DARTS_EDGES_PER_CELL), training);
    });
  }

  private forwardWith(x: tf.Tensor4D, training: boolean, cellFn: (cell: DartsCell, s0: tf.Tensor4D, s1: tf.Tensor4D) => tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const stem = batchNorm(convSym(x, this.stemConv as tf.Tensor4D, 1), this.stemBn, training);
      let s0 = stem;
      let s1 = stem;
      for (const cell of this.cells) [s0, s1] = [s1, cellFn(cell, s0, s1)];
      const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, this.classifier as tf.Tensor2D), this.classifierBias);
    });
  }

  /** Stem, every cell's preprocessing and the chosen ops' weights, and the classifier. */
  pathTrainables(arch: Architecture): tf.Variable[] {
    validateArchitecture(this.space, arch);
    const out: tf.Variable[] = [this.stemConv, ...bnTrainables(this.stemBn)];
    for (const cell of this.cells) {
      const o = this.offset(cell);
      out.push(...dartsCellTrainables(cell, arch.slice(o, o + DARTS_EDGES_PER_CELL)));
    }
    out.push(this.classifier, this.classifierBias);
    return out;
  }

  dispose(): void {
    this.params.dispose();
  }
}
