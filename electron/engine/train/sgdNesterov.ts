/**
 * SGD with Nesterov momentum, PyTorch semantics, with state keyed by variable name.
 *
 * tfjs's built-in optimizers key their slots by position in the gradient list, which breaks
 * single-path training where each step passes a different subset. Here only the variables whose
 * gradients are given move, and only they advance their momentum (ALGORITHMS.md part E, 3).
 * Weight decay applies only to the names in `decayed` (conv kernels and the classifier).
 *
 *   d = g + wd * w;  buf = m * buf + d  (buf = d on a variable's first step);  w -= lr * (d + m * buf)
 */
import * as tf from '@tensorflow/tfjs';

export interface SgdNesterovOptions {
  readonly momentum: number;
  readonly weightDecay: number;
  /** Names of variables that take weight decay. */
  readonly decayed: ReadonlySet<string>;
}

export class SgdNesterov {
  private readonly buffers = new Map<string, tf.Variable>();

  constructor(private readonly options: SgdNesterovOptions) {}

  /** Updates each variable named in `grads` in place. Does not dispose `grads`. */
  apply(variables: ReadonlyMap<string, tf.Variable>, grads: Readonly<Record<string, tf.Tensor>>, lr: number): void {
    const { momentum, weightDecay, decayed } = this.options;
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const w = variables.get(name);
        if (!w) throw new Error(`SgdNesterov: gradient for unknown variable '${name}'`);
        const d = decayed.has(name) && weightDecay !== 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
        const old = this.buffers.get(name);
        let buf: tf.Tensor;
        if (old) {
          buf = tf.add(tf.mul(old, momentum), d);
          old.assign(buf);
        } else {
          buf = d;
          // Unnamed: tfjs names it uniquely, so two optimizers over the same weights (a GM-NAS
          // child copying its parent's state) can live side by side.
          this.buffers.set(name, tf.variable(d, false));
        }
        w.assign(tf.sub(w, tf.mul(tf.add(d, tf.mul(buf, momentum)), lr)));
      }
    });
  }

  /** The momentum buffer of a variable, or undefined before its first update. */
  buffer(name: string): tf.Variable | undefined {
    return this.buffers.get(name);
  }

  /** Sets the momentum buffer of `name` to a copy of `value` (resume); `value` stays the caller's. */
  loadBuffer(name: string, value: tf.Tensor): void {
    const old = this.buffers.get(name);
    if (old) old.assign(value);
    else this.buffers.set(name, tf.variable(value, false));
  }

  /** Disposes the momentum buffers of variables that no longer exist (tfjs names). */
  forget(names: Iterable<string>): void {
    for (const name of names) {
      this.buffers.get(name)?.dispose();
      this.buffers.delete(name);
    }
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
