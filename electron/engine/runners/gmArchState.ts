/**
 * The architecture state of one GM+DARTS sub-supernet (ALGORITHMS.md B5): alpha and its Adam
 * optimizer, kept apart from the weights and the weight optimizer so it can be saved, inherited
 * and resumed on its own. It lives in every checkpoint of the node under logical names:
 *
 *   arch/alpha        float32 [choices, K]  (column k of row c is space.choices[c].ops[k])
 *   arch/adam/m       float32 [choices, K]  Adam's first moment (absent before the first step)
 *   arch/adam/v       float32 [choices, K]  Adam's second moment
 *   meta.extra.arch   { adamStep, alphaSteps }
 *
 * so a child loads its parent's state whatever tfjs variable names the two processes gave them,
 * and a resumed node its own (gmDartsRun.ts adds the node's alpha-batch stream,
 * `meta.extra.alphaBatches`, which a child does not inherit).
 *
 * alpha starts at exactly 0 (uniform masked softmax), not DARTS's 1e-3 * N(0, 1): before the
 * final split B5 wants uniform weights anyway, and after it the ops' different outputs break the
 * symmetry from the first step (ADR 0007).
 */
import * as tf from '@tensorflow/tfjs';
import { NasError } from '../../../shared/errors';
import type { SearchSpace } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';
import type { NamedArray } from '../store/checkpoint';
import { arrayToTensor } from '../store/checkpointTensors';
import { maskedSoftmax, mixedWidth } from '../supernet/maskedSoftmax';
import { AdamByName } from '../train/adamByName';
import type { AdamOptions } from '../train/adamByName';
import type { CheckpointExtras } from './supernetTrainer';

export const ARCH_ALPHA = 'arch/alpha';
export const ARCH_ADAM_M = 'arch/adam/m';
export const ARCH_ADAM_V = 'arch/adam/v';

let nextId = 0;

export class NodeArchState {
  /** Trainable float32 [choices, K]. */
  readonly alpha: tf.Variable;
  readonly adam: AdamByName;
  /** Alpha updates this node (and, when inherited, its ancestors) made. */
  alphaSteps = 0;

  constructor(readonly space: SearchSpace, adam: Partial<AdamOptions>) {
    const shape: [number, number] = [space.choices.length, mixedWidth(space)];
    this.alpha = tf.tidy(() => tf.variable(tf.zeros(shape), true, `gm/arch/alpha${nextId++}`));
    this.adam = new AdamByName(adam);
  }

  /** The tensors and meta of this state for a checkpoint; borrowed references (see the file comment). */
  checkpointExtras(): CheckpointExtras {
    const slot = this.adam.state(this.alpha.name);
    const tensors: Record<string, tf.Tensor> = { [ARCH_ALPHA]: this.alpha };
    if (slot) {
      tensors[ARCH_ADAM_M] = slot.m;
      tensors[ARCH_ADAM_V] = slot.v;
    }
    return { tensors, meta: { arch: { adamStep: slot?.step ?? 0, alphaSteps: this.alphaSteps } } };
  }

  /**
   * Replaces alpha and the Adam state with a checkpoint's (B5 warm start: a child of a non-final
   * split starts from its parent's split checkpoint).
   * @throws NasError STORE_IO when the checkpoint has no architecture state of this shape.
   */
  load(arrays: Readonly<Record<string, NamedArray>>, extra: Readonly<Record<string, unknown>>): void {
    const alpha = arrays[ARCH_ALPHA];
    const meta = extra['arch'] as { adamStep?: unknown; alphaSteps?: unknown } | undefined;
    const shapeOk = (a: NamedArray | undefined): a is NamedArray => a !== undefined && tf.util.arraysEqual([...a.shape], this.alpha.shape);
    if (!shapeOk(alpha) || !meta || typeof meta.adamStep !== 'number' || typeof meta.alphaSteps !== 'number') {
      throw new NasError('STORE_IO', `The checkpoint has no GM+DARTS architecture state (${ARCH_ALPHA} [${this.alpha.shape.join(', ')}] and its Adam step).`, {
        fix: 'Load a checkpoint written by a GM+DARTS run (gm.search darts) of the same space.',
      });
    }
    const m = arrays[ARCH_ADAM_M];
    const v = arrays[ARCH_ADAM_V];
    const tensors: Record<string, tf.Tensor> = {};
    try {
      if (meta.adamStep > 0) {
        if (!shapeOk(m) || !shapeOk(v)) throw new NasError('STORE_IO', `The checkpoint's alpha has ${meta.adamStep} Adam step(s) but no ${ARCH_ADAM_M} / ${ARCH_ADAM_V} of alpha's shape.`, { fix: 'Load a complete checkpoint of the same run.' });
        tensors[`m/${this.alpha.name}`] = arrayToTensor(m);
        tensors[`v/${this.alpha.name}`] = arrayToTensor(v);
      }
      this.adam.loadState({ tensors, steps: meta.adamStep > 0 ? { [this.alpha.name]: meta.adamStep } : {} });
      const value = arrayToTensor(alpha);
      this.alpha.assign(value);
      value.dispose();
      this.alphaSteps = meta.alphaSteps;
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  /** alpha as JS rows [choices][K]. */
  alphaRows(): number[][] {
    return this.alpha.arraySync() as number[][];
  }

  /** masked softmax(alpha) as JS rows [choices][K] (0 for ops outside `state`). */
  weightRows(state: SpaceState): number[][] {
    return tf.tidy(() => maskedSoftmax(this.alpha as tf.Tensor2D, state, this.space).arraySync());
  }

  dispose(): void {
    this.adam.dispose();
    this.alpha.dispose();
  }
}
