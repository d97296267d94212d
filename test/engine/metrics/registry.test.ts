import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { createMetric, metricNames, registerMetric } from '../../../electron/engine/metrics/registry';
import { ANGLE_METRIC } from '../../../electron/engine/metrics/angleMetric';

describe('metric registry', () => {
  it('holds the five built-in metrics', () => {
    expect(metricNames()).toEqual(['angle', 'angle-cells', 'accuracy', 'accuracy-rebn', 'magnitude']);
  });

  describe.each(metricNames())('%s', (name) => {
    it('builds from its bare name with the common interface', () => {
      const metric = createMetric(name);
      expect(metric.name).toBe(name);
      expect(metric.description.length).toBeGreaterThan(10);
      expect(metric.largerIsBetter).toBe(true);
      expect(typeof metric.scoreArchitectures).toBe('function');
      expect(createMetric({ name }).name).toBe(name);
    });

    it('rejects unknown fields with INVALID_CONFIG', () => {
      expect(() => createMetric({ name, bogus: 1 })).toThrow(NasError);
    });
  });

  it('rejects a duplicate name', () => {
    expect(() => registerMetric('angle', z.strictObject({}), () => ANGLE_METRIC)).toThrow(/already registered/);
  });

  it('names the known metrics for an unknown one', () => {
    try {
      createMetric('flops');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NasError);
      const error = e as NasError;
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toContain("'flops'");
      for (const name of metricNames()) expect(error.fix).toContain(name);
    }
    expect(() => createMetric({})).toThrow(/no name/);
  });

  it('validates option values', () => {
    expect(() => createMetric({ name: 'magnitude', steps: 0 })).toThrow(/steps/);
    expect(() => createMetric({ name: 'accuracy', calibrationImages: 10 })).toThrow(NasError); // only accuracy-rebn recalibrates
    expect(createMetric({ name: 'accuracy-rebn', calibrationImages: 10, valImages: 512 }).name).toBe('accuracy-rebn');
  });
});
