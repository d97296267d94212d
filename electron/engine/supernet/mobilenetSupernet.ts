/**
 * The layer-wise MobileNet-like supernet of ABS's SPOS/ProxylessNAS and FairNAS experiments
 * (ALGORITHMS.md part C), built from a {@link MobilenetSearchSpace}: stem conv3x3 (stemStride) +
 * BN + ReLU6, a fixed MBConv(e=1, k3) block, the searchable layers (each holding every MBConv
 * variant, plus identity where allowed), head conv1x1 + BN + ReLU6, global average pool and a
 * linear classifier without bias. Logical names: `stem/conv`, `first/dw`, `layer3/mb_k5_e6/expand`,
 * `head/conv`, `classifier/kernel`. Tensors are NHWC; BN is affine everywhere (part C).
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import { SeededRng } from '../random/seededRng';
import { mobilenetOp } from '../space/mobilenetOps';
import type { MobilenetLayer, MobilenetSearchSpace } from '../space/mobilenetSpace';
import type { Architecture } from '../space/searchSpace';
import { validateArchitecture } from '../space/searchSpace';
import { batchNorm, bnTrainables, createBn, type BnParams } from './batchNorm';
import { convSym } from './blocks';
import { createMbConv, mbConv, mbConvTrainables, type MbConv } from './mobilenetBlocks';
import { ParamStore } from './params';
import type { Supernet } from './supernet';

/** What the network adds to the space's skeleton (channels, strides and sizes come from the space). */
export interface MobilenetSupernetConfig {
  readonly numClasses: number;
  /** Seed of the weight initialisation. */
  readonly seed: number;
}

/** One searchable layer: every MBConv variant's weights (identity has none). */
interface LayerOps {
  readonly layer: MobilenetLayer;
  readonly ops: ReadonlyMap<string, MbConv>;
}

export class MobilenetSupernet implements Supernet {
  readonly params: ParamStore;
  private readonly stemConv: tf.Variable;
  private readonly stemBn: BnParams;
  private readonly first: MbConv;
  readonly layers: readonly LayerOps[];
  private readonly headConv: tf.Variable;
  private readonly headBn: BnParams;
  private readonly classifier: tf.Variable;
  private readonly stemStride: number;

  constructor(readonly space: MobilenetSearchSpace, readonly config: MobilenetSupernetConfig) {
    if (space.kind !== 'mobilenet') throw new NasError('INVALID_CONFIG', `MobilenetSupernet needs a mobilenet space, got '${space.name}'.`, { fix: 'Build the space with createMobilenetSpace.' });
    if (!Number.isInteger(config.numClasses) || config.numClasses <= 0) throw new NasError('INVALID_CONFIG', `MobileNet supernet: numClasses must be a positive integer, got ${config.numClasses}.`, { fix: 'Give the dataset class count.' });
    const sc = space.config;
    this.params = new ParamStore(new SeededRng(config.seed));
    const p = this.params;
    this.stemStride = sc.stemStride;
    this.stemConv = p.convKernel('stem/conv', 3, sc.inputChannels, sc.stemChannels);
    this.stemBn = createBn(p, 'stem/bn', sc.stemChannels, true);
    this.first = createMbConv(p, 'first', sc.stemChannels, sc.firstBlockChannels, 3, 1, 1);
    this.layers = space.choices.map((layer) => {
      const ops = new Map<string, MbConv>();
      for (const op of layer.ops) {
        const spec = mobilenetOp(op);
        if (spec.kind === 'mbconv') ops.set(op, createMbConv(p, `${layer.id}/${op}`, layer.inChannels, layer.outChannels, spec.kernel, spec.expansion, layer.stride));
      }
      return { layer, ops };
    });
    const last = space.choices[space.choices.length - 1];
    const lastChannels = last ? last.outChannels : sc.firstBlockChannels;
    this.headConv = p.convKernel('head/conv', 1, lastChannels, sc.headChannels);
    this.headBn = createBn(p, 'head/bn', sc.headChannels, true);
    this.classifier = p.denseKernel('classifier/kernel', sc.headChannels, config.numClasses);
  }

  private layerOp(l: LayerOps, op: string, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (op === 'identity' && l.layer.identityAllowed) return x;
    const block = l.ops.get(op);
    if (!block) throw new NasError('INVALID_CONFIG', `Op '${op}' is not a candidate of ${l.layer.id}.`, { fix: `Use one of: ${l.layer.ops.join(', ')}.` });
    return mbConv(block, x, training);
  }

  /**
   * Single-path forward: x float32 [N,H,W,inC] -> logits [N,numClasses]; `arch` has one op per
   * layer. In training mode BN uses batch statistics and moves the running ones. The caller disposes the result.
   */
  forward(x: tf.Tensor4D, arch: Architecture, training: boolean): tf.Tensor2D {
    validateArchitecture(this.space, arch);
    return this.forwardWith(x, training, (l, i, h) => this.layerOp(l, arch[i] as string, h, training));
  }

  /**
   * Mixed-mode forward: layer c outputs sum_k w[c,k] * op_k(x) over `space.choices[c].ops`,
   * `weights` float32 [layers, K] (zero-padded rows; see maskedSoftmax); ops of weight exactly 0
   * are skipped. Differentiable w.r.t. `weights`. The caller disposes the result.
   */
  forwardMixed(x: tf.Tensor4D, weights: tf.Tensor2D, training: boolean): tf.Tensor2D {
    const values = weights.arraySync();
    return this.forwardWith(x, training, (l, i, h) => {
      const terms: tf.Tensor4D[] = [];
      l.layer.ops.forEach((op, k) => {
        if ((values[i]?.[k] ?? 0) === 0) return;
        const w = tf.reshape(tf.slice(weights, [i, k], [1, 1]), [1, 1, 1, 1]);
        terms.push(tf.mul(this.layerOp(l, op, h, training), w));
      });
      if (terms.length === 0) throw new NasError('INVALID_CONFIG', `Mixed weights of ${l.layer.id} are all zero.`, { fix: 'Keep at least one op per layer (maskedSoftmax of a valid space state).' });
      return terms.length === 1 ? (terms[0] as tf.Tensor4D) : tf.addN(terms);
    });
  }

  private forwardWith(x: tf.Tensor4D, training: boolean, layerFn: (l: LayerOps, i: number, h: tf.Tensor4D) => tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = tf.relu6(batchNorm(convSym(x, this.stemConv as tf.Tensor4D, this.stemStride), this.stemBn, training));
      h = mbConv(this.first, h, training);
      this.layers.forEach((l, i) => (h = layerFn(l, i, h)));
      h = tf.relu6(batchNorm(tf.conv2d(h, this.headConv as tf.Tensor4D, 1, 'valid'), this.headBn, training));
      return tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, this.classifier as tf.Tensor2D);
    });
  }

  /** Stem, first block, the chosen MBConv of each layer (none for identity), head and classifier. */
  pathTrainables(arch: Architecture): tf.Variable[] {
    validateArchitecture(this.space, arch);
    const out: tf.Variable[] = [this.stemConv, ...bnTrainables(this.stemBn), ...mbConvTrainables(this.first)];
    this.layers.forEach((l, i) => {
      const block = l.ops.get(arch[i] as string);
      if (block) out.push(...mbConvTrainables(block));
    });
    out.push(this.headConv, ...bnTrainables(this.headBn), this.classifier);
    return out;
  }

  dispose(): void {
    this.params.dispose();
  }
}
