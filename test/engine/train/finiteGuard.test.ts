/** NaN/Inf guard: NAN_LOSS naming where and what, and the save-only-after-finite contract. */
import { describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import { FiniteTracker, assertFiniteGradNorm, assertFiniteLoss } from '../../../electron/engine/train/finiteGuard';

function thrown(f: () => unknown): NasError {
  try {
    f();
  } catch (error) {
    if (error instanceof NasError) return error;
    throw error;
  }
  throw new Error('expected a NasError');
}

describe('finite guard', () => {
  it('passes finite values through', () => {
    expect(assertFiniteLoss(2.5, { epoch: 0, step: 0 })).toBe(2.5);
    expect(assertFiniteGradNorm(0, { epoch: 0, step: 0 })).toBe(0);
  });

  it('throws NAN_LOSS naming the epoch, step, phase, value and the kept checkpoint, with a fix', () => {
    const e = thrown(() => assertFiniteLoss(NaN, { epoch: 2, step: 14, phase: 'weights', lastCheckpoint: 'epoch-2' }));
    expect(e.code).toBe('NAN_LOSS');
    expect(e.message).toBe("Training diverged: the loss is NaN at epoch 3, step 15 (weights). The last good checkpoint 'epoch-2' is kept.");
    expect(e.fix).toMatch(/learning rate/);
    expect(e.fix).toMatch(/gradient clipping/);
    expect(e.fix).toMatch(/data/);
    expect(e.details).toEqual({ epoch: 2, step: 14, phase: 'weights', value: 'NaN', lastCheckpoint: 'epoch-2' });
    expect(thrown(() => assertFiniteLoss(Infinity, { epoch: 0, step: 0, lastCheckpoint: null })).message).toMatch(/loss is Infinity at epoch 1, step 1\. No checkpoint had been saved yet\./);
    expect(thrown(() => assertFiniteGradNorm(-Infinity, { epoch: 1, step: 0, phase: 'architecture' })).message).toMatch(/gradient norm is -Infinity at epoch 2, step 1 \(architecture\)/);
  });

  it('tracks the contract: saves allowed only while every step was finite', () => {
    const t = new FiniteTracker();
    t.check(1.2, { epoch: 0, step: 0 });
    t.check(1.1, { epoch: 0, step: 1 }, 3.5);
    expect(t.canSave()).toBe(true);
    expect(t.finiteStepsSinceSave()).toBe(2);
    t.saved('epoch-1');
    expect(t.finiteStepsSinceSave()).toBe(0);
    expect(t.lastCheckpoint()).toBe('epoch-1');
    const e = thrown(() => t.check(0.9, { epoch: 1, step: 3 }, NaN));
    expect(e.message).toMatch(/gradient norm is NaN at epoch 2, step 4\. The last good checkpoint 'epoch-1' is kept\./);
    expect(t.canSave()).toBe(false);
    expect(() => t.saved('epoch-2')).toThrow(/refusing/);
    expect(t.lastCheckpoint()).toBe('epoch-1');
  });
});
