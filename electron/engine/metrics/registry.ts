/**
 * Metrics by name (STYLE.md #6): `createMetric(config)` validates a metric config and builds the
 * metric registered under its name.
 *
 * Configs (a bare name string means the config with only that name):
 * - `{ name: 'angle' }`, `{ name: 'angle-cells' }`: ABS angle, official vector / cell paths only.
 * - `{ name: 'accuracy', batchSize?, valImages?, seed? }`: supernet top-1, shared BN statistics.
 * - `{ name: 'accuracy-rebn', batchSize?, valImages?, calibrationImages?, seed? }`: after ReBN.
 * - `{ name: 'magnitude', steps?, batchSize?, lr?, beta1?, beta2?, weightDecay?, seed? }`: DARTS alpha.
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { accuracyOptionsSchema, createAccuracyMetric } from './accuracy';
import { ANGLE_CELLS_METRIC, ANGLE_METRIC } from './angleMetric';
import { createMagnitudeMetric, magnitudeOptionsSchema } from './magnitude';
import type { ArchitectureMetric } from './metric';

type MetricBuilder = (input: unknown) => ArchitectureMetric;
const builders = new Map<string, MetricBuilder>();

/**
 * Registers a metric under a unique name with the schema of its options (the config without
 * `name`) and a factory. A name registered twice is a programming error and throws.
 */
export function registerMetric<T>(name: string, schema: z.ZodType<T>, create: (options: T) => ArchitectureMetric): void {
  if (builders.has(name)) throw new Error(`Metric '${name}' is already registered`);
  builders.set(name, (input) => {
    const { name: _name, ...fields } = input as Record<string, unknown>;
    const parsed = schema.safeParse(fields);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new NasError('INVALID_CONFIG', `Invalid ${name} metric config: ${issues}.`, { fix: 'See electron/engine/metrics/registry.ts for the fields of each metric.', details: input });
    }
    return create(parsed.data);
  });
}

/** The registered metric names, in registration order. */
export function metricNames(): string[] {
  return [...builders.keys()];
}

/**
 * Builds a metric.
 * @param config a metric config or just its name, e.g. `'angle'`.
 * @throws NasError INVALID_CONFIG for an unknown name (listing the known ones) or bad fields.
 */
export function createMetric(config: unknown): ArchitectureMetric {
  const input = typeof config === 'string' ? { name: config } : config;
  const name = typeof input === 'object' && input !== null ? (input as { name?: unknown }).name : undefined;
  const builder = typeof name === 'string' ? builders.get(name) : undefined;
  if (!builder) {
    throw new NasError('INVALID_CONFIG', name === undefined ? 'The metric config has no name.' : `Unknown metric '${String(name)}'.`, {
      fix: `Use one of: ${metricNames().join(', ')}.`,
      details: config,
    });
  }
  return builder(input);
}

const noOptions = z.strictObject({});
registerMetric('angle', noOptions, () => ANGLE_METRIC);
registerMetric('angle-cells', noOptions, () => ANGLE_CELLS_METRIC);
registerMetric('accuracy', accuracyOptionsSchema.omit({ calibrationImages: true }), (o) => createAccuracyMetric(false, { ...o, calibrationImages: 0 }));
registerMetric('accuracy-rebn', accuracyOptionsSchema, (o) => createAccuracyMetric(true, o));
registerMetric('magnitude', magnitudeOptionsSchema, (o) => createMagnitudeMetric(o));
