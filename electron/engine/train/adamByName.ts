/**
 * Adam with PyTorch semantics (`torch.optim.Adam`, amsgrad off) and state keyed by variable
 * NAME, for the architecture parameters alpha (ALGORITHMS.md A3/B5: lr 3e-4, betas
 * (0.5, 0.999), weight decay 1e-3 on the validation split).
 *
 * tfjs's AdamOptimizer keys its slots by position in the list it is handed, so a step that
 * passes a different subset of variables would read another variable's moments. Here each name
 * owns m, v and its own step count t, and only the names given a gradient move:
 *
 *   g = grad + wd * w                  (L2 decay added to the gradient, as torch.optim.Adam)
 *   m = m + (1 - b1)(g - m)            (= b1 m + (1 - b1) g; PyTorch's lerp form)
 *   v = b2 v + (1 - b2) g^2
 *   w = w - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { NasError } from '../../../shared/errors';

export const adamOptionsSchema = z.object({
  lr: z.number().positive(),
  beta1: z.number().min(0).lt(1),
  beta2: z.number().min(0).lt(1),
  eps: z.number().positive(),
  weightDecay: z.number().nonnegative(),
});
export type AdamOptions = z.infer<typeof adamOptionsSchema>;

/** The architecture-parameter optimizer of ABS (magnitude baseline) and GM-NAS. */
export const ARCH_ADAM_DEFAULTS: AdamOptions = { lr: 3e-4, beta1: 0.5, beta2: 0.999, eps: 1e-8, weightDecay: 1e-3 };

/** Per-name step counts, the JSON half of the optimizer state. */
export const adamStepsSchema = z.record(z.string(), z.number().int().positive());
export type AdamSteps = z.infer<typeof adamStepsSchema>;

/** Saved Adam state: tensors `m/<name>` and `v/<name>` plus the step count of every name. */
export interface AdamSavedState {
  readonly tensors: Record<string, tf.Tensor>;
  readonly steps: AdamSteps;
}

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
  step: number;
}

export class AdamByName {
  readonly options: AdamOptions;
  private readonly slots = new Map<string, Slot>();

  constructor(options: Partial<AdamOptions> = {}) {
    const parsed = adamOptionsSchema.safeParse({ ...ARCH_ADAM_DEFAULTS, ...options });
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new NasError('INVALID_CONFIG', `Invalid Adam options: ${why}.`, { fix: 'Use lr > 0, betas in [0, 1), eps > 0 and weight decay >= 0.' });
    }
    this.options = parsed.data;
  }

  /**
   * Updates each variable named in `grads` in place and advances only its own state.
   * Does not dispose `grads`. `lr` overrides the configured learning rate for this step.
   */
  apply(variables: ReadonlyMap<string, tf.Variable>, grads: Readonly<Record<string, tf.Tensor>>, lr = this.options.lr): void {
    const { beta1, beta2, eps, weightDecay } = this.options;
    tf.tidy(() => {
      for (const [name, grad] of Object.entries(grads)) {
        const w = variables.get(name);
        if (!w) throw new Error(`AdamByName: gradient for unknown variable '${name}'`);
        const slot = this.slots.get(name) ?? this.createSlot(name, w);
        slot.step += 1;
        const g = weightDecay !== 0 ? tf.add(grad, tf.mul(w, weightDecay)) : grad;
        const m = tf.add(slot.m, tf.mul(tf.sub(g, slot.m), 1 - beta1));
        const v = tf.add(tf.mul(slot.v, beta2), tf.mul(tf.square(g), 1 - beta2));
        slot.m.assign(m);
        slot.v.assign(v);
        const stepSize = lr / (1 - beta1 ** slot.step);
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - beta2 ** slot.step)), eps);
        w.assign(tf.sub(w, tf.mul(tf.div(m, denom), stepSize)));
      }
    });
  }

  private createSlot(name: string, w: tf.Variable): Slot {
    const slot: Slot = { m: tf.variable(tf.zerosLike(w), false), v: tf.variable(tf.zerosLike(w), false), step: 0 };
    this.slots.set(name, slot);
    return slot;
  }

  /** Names that have optimizer state, in first-update order. */
  names(): string[] {
    return [...this.slots.keys()];
  }

  /** Borrowed view of one name's state (do not dispose), or undefined before its first update. */
  state(name: string): { readonly m: tf.Variable; readonly v: tf.Variable; readonly step: number } | undefined {
    return this.slots.get(name);
  }

  /** Copies of all state tensors (the caller disposes them) and the step counts. */
  saveState(): AdamSavedState {
    const tensors: Record<string, tf.Tensor> = {};
    const steps: AdamSteps = {};
    for (const [name, slot] of this.slots) {
      tensors[`m/${name}`] = tf.clone(slot.m);
      tensors[`v/${name}`] = tf.clone(slot.v);
      steps[name] = slot.step;
    }
    return { tensors, steps };
  }

  /**
   * Replaces all state with copies of `saved` (which the caller still owns). Throws NasError
   * STORE_IO when a name lacks m or v, or when m and v shapes differ.
   */
  loadState(saved: { readonly tensors: Readonly<Record<string, tf.Tensor>>; readonly steps: unknown }): void {
    const steps = adamStepsSchema.safeParse(saved.steps);
    if (!steps.success) throw badState('the step counts are not a map of positive integers');
    const next = new Map<string, Slot>();
    try {
      for (const [name, step] of Object.entries(steps.data)) {
        const m = saved.tensors[`m/${name}`];
        const v = saved.tensors[`v/${name}`];
        if (!m || !v) throw badState(`'${name}' has a step count but no m/v tensors`);
        if (!tf.util.arraysEqual(m.shape, v.shape)) throw badState(`'${name}' has m ${JSON.stringify(m.shape)} but v ${JSON.stringify(v.shape)}`);
        next.set(name, { m: tf.variable(m, false), v: tf.variable(v, false), step });
      }
    } catch (error) {
      for (const s of next.values()) tf.dispose([s.m, s.v]);
      throw error;
    }
    this.dispose();
    for (const [name, slot] of next) this.slots.set(name, slot);
  }

  dispose(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
  }
}

function badState(why: string): NasError {
  return new NasError('STORE_IO', `Saved Adam state is inconsistent: ${why}.`, { fix: 'Resume from an earlier checkpoint, or restart the run.' });
}
