/** Learning-rate schedules against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { NasError } from '../../../shared/errors';
import {
  cosineLr,
  createSchedule,
  linearLr,
  parseScheduleConfig,
  registerSchedule,
  scheduleKinds,
  trainingPosition,
  constantScheduleSchema,
} from '../../../electron/engine/train/schedules';

describe('cosine (PyTorch CosineAnnealingLR closed form)', () => {
  // lr 0.025 -> 0.001 over T = 10 epochs (the nb201-fashion supernet recipe).
  const lr = 0.025;
  const lrMin = 0.001;

  it('is lr at 0, the midpoint at T/2, lrMin at T and after', () => {
    expect(cosineLr(0, 10, lr, lrMin)).toBeCloseTo(0.025, 12);
    // 0.001 + 0.024 * (1 + cos(pi/2)) / 2 = 0.013
    expect(cosineLr(5, 10, lr, lrMin)).toBeCloseTo(0.013, 12);
    expect(cosineLr(10, 10, lr, lrMin)).toBe(0.001);
    expect(cosineLr(14, 10, lr, lrMin)).toBe(0.001);
    // 0.001 + 0.012 * (1 + cos(pi/4)) = 0.001 + 0.012 * 1.7071067812 = 0.0214852814
    expect(cosineLr(2.5, 10, lr, lrMin)).toBeCloseTo(0.0214852814, 10);
  });

  it('per step uses the fractional epoch; per epoch floors it as a scheduler stepped each epoch', () => {
    const perStep = createSchedule({ kind: 'cosine', lr, lrMin }, { epochs: 10 });
    const perEpoch = createSchedule({ kind: 'cosine', lr, lrMin, granularity: 'epoch' }, { epochs: 10 });
    expect(perStep.lrAt(trainingPosition(2, 1, 2))).toBeCloseTo(0.0214852814, 10);
    // epoch 2 whatever the step: 0.001 + 0.012 * (1 + cos(0.2 pi)) = 0.001 + 0.012 * 1.8090169944 = 0.0227082039
    expect(perEpoch.lrAt(2)).toBeCloseTo(0.0227082039, 10);
    expect(perEpoch.lrAt(2.5)).toBeCloseTo(0.0227082039, 10);
    expect(perEpoch.lrAt(2.999)).toBeCloseTo(0.0227082039, 10);
  });

  it('restarts (B5) from startEpoch over its own horizon', () => {
    const restart = createSchedule({ kind: 'cosine', lr, lrMin }, { epochs: 30, startEpoch: 30 });
    expect(restart.lrAt(30)).toBeCloseTo(0.025, 12);
    expect(restart.lrAt(45)).toBeCloseTo(0.013, 12);
    expect(restart.lrAt(60)).toBe(0.001);
  });
});

describe('linear (ABS)', () => {
  it('follows lr (1 - t / D) with D = T / (1 - lrMin / lr)', () => {
    // lr 1, lrMin 0.5, T 10: D = 10 / 0.5 = 20.
    expect(linearLr(0, 10, 1, 0.5)).toBe(1);
    expect(linearLr(5, 10, 1, 0.5)).toBeCloseTo(0.75, 12);
    expect(linearLr(10, 10, 1, 0.5)).toBeCloseTo(0.5, 12);
    expect(linearLr(15, 10, 1, 0.5)).toBe(0.5); // unclamped it would be 0.25
    // ABS ImageNet: lr 0.25, lrMin 5e-4, T 250: D = 250 / 0.998; at t = 125: 0.25 (1 - 0.499) = 0.12525.
    expect(linearLr(125, 250, 0.25, 5e-4)).toBeCloseTo(0.12525, 12);
    expect(linearLr(250, 250, 0.25, 5e-4)).toBeCloseTo(5e-4, 12);
  });

  it('reaches lrMin at exactly the last step of T epochs, per step', () => {
    const s = createSchedule({ kind: 'linear', lr: 1, lrMin: 0.5 }, { epochs: 10 });
    const steps = 4;
    // Global step 39 (epoch 9, step 3): 1 - 9.75 / 20 = 0.5125; global step 40 (epoch 10, step 0): 0.5.
    expect(s.lrAt(trainingPosition(9, 3, steps))).toBeCloseTo(0.5125, 12);
    expect(s.lrAt(trainingPosition(10, 0, steps))).toBeCloseTo(0.5, 12);
    const first = Array.from({ length: 60 }, (_, g) => s.lrAt(g / steps)).findIndex((v) => v <= 0.5 + 1e-12);
    expect(first).toBe(40);
    // epoch 2, step 1 of 4: t = 2.25: 1 - 2.25 / 20 = 0.8875
    expect(s.lrAt(trainingPosition(2, 1, steps))).toBeCloseTo(0.8875, 12);
  });

  it('is constant when lrMin equals lr', () => {
    expect(linearLr(3, 10, 0.1, 0.1)).toBe(0.1);
  });
});

describe('schedule registry and config', () => {
  it('registers cosine, linear and constant once', () => {
    expect(scheduleKinds()).toEqual(expect.arrayContaining(['cosine', 'linear', 'constant']));
    expect(() => registerSchedule('cosine', constantScheduleSchema, () => ({ kind: 'x', lrAt: () => 1 }))).toThrow(/already registered/);
  });

  it('builds a constant schedule', () => {
    expect(createSchedule({ kind: 'constant', lr: 0.1 }, { epochs: 5 }).lrAt(3.3)).toBe(0.1);
  });

  it('defaults granularity to per step and rejects bad configs with INVALID_CONFIG', () => {
    expect(parseScheduleConfig({ kind: 'cosine', lr: 0.1, lrMin: 0 })).toEqual({ kind: 'cosine', lr: 0.1, lrMin: 0, granularity: 'step' });
    const bad = (raw: unknown): NasError => {
      try {
        parseScheduleConfig(raw);
      } catch (error) {
        return error as NasError;
      }
      throw new Error('expected a throw');
    };
    expect(bad({ kind: 'step', lr: 0.1 })).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/Unknown learning-rate schedule 'step'/) });
    expect(bad({ kind: 'cosine', lr: 0.1, lrMin: 0.2 })).toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringMatching(/lrMin/) });
    expect(bad({ kind: 'linear', lr: -1, lrMin: 0 }).fix).toMatch(/lr > 0/);
    expect(() => createSchedule({ kind: 'constant', lr: 0.1 }, { epochs: 0 })).toThrow(/positive number of epochs/);
  });
});
