/**
 * Samplers by name: `createSampler(space, config, rng)` validates a sampler config and builds
 * the sampler registered under its name.
 *
 * Configs (a bare name string means the config with only that name):
 * - `{ name: 'uniform', liveOutput?, dartsRepair?, maxTries? }`: SPOS/RSPS single path.
 * - `{ name: 'spos-depth', liveOutput?, dartsRepair?, maxTries? }`: ABS's depth-uniform sampling (A1).
 * - `{ name: 'fairnas' }`: strict fairness, m paths per step.
 * - `{ name: 'fixed', architectures: [canonical strings] }`.
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import type { SeededRng } from '../random/seededRng';
import type { SearchSpace } from '../space/searchSpace';
import type { ArchSampler } from './archSampler';
import { FairnasSampler } from './fairnasSampler';
import { FixedSampler } from './fixedSampler';
import { SposDepthSampler } from './sposDepthSampler';
import { UniformSampler } from './uniformSampler';

const pathRuleFields = {
  liveOutput: z.boolean().optional(),
  dartsRepair: z.boolean().optional(),
  maxTries: z.number().int().positive().optional(),
};

export const uniformSamplerConfigSchema = z.strictObject({ name: z.literal('uniform'), ...pathRuleFields });
export const sposDepthSamplerConfigSchema = z.strictObject({ name: z.literal('spos-depth'), ...pathRuleFields });
export const fairnasSamplerConfigSchema = z.strictObject({ name: z.literal('fairnas') });
export const fixedSamplerConfigSchema = z.strictObject({ name: z.literal('fixed'), architectures: z.array(z.string().min(1)).min(1) });

/** Every built-in sampler config. */
export const samplerConfigSchema = z.discriminatedUnion('name', [uniformSamplerConfigSchema, sposDepthSamplerConfigSchema, fairnasSamplerConfigSchema, fixedSamplerConfigSchema]);
export type SamplerConfig = z.infer<typeof samplerConfigSchema>;

/** Builds a sampler from its raw config for a space; the rng becomes the sampler's own. */
type SamplerBuilder = (space: SearchSpace, input: unknown, rng: SeededRng) => ArchSampler;
const builders = new Map<string, SamplerBuilder>();

/**
 * Registers a sampler under a unique name with its config schema and factory. A name
 * registered twice is a programming error and throws.
 */
export function registerSampler<T>(name: string, schema: z.ZodType<T>, create: (space: SearchSpace, config: T, rng: SeededRng) => ArchSampler): void {
  if (builders.has(name)) throw new Error(`Sampler '${name}' is already registered`);
  builders.set(name, (space, input, rng) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new NasError('INVALID_CONFIG', `Invalid ${name} sampler config: ${issues}.`, { fix: 'See electron/engine/sampler/registry.ts for the fields of each sampler.', details: input });
    }
    return create(space, parsed.data, rng);
  });
}

/** The registered sampler names, in registration order. */
export function samplerNames(): string[] {
  return [...builders.keys()];
}

/**
 * Builds a sampler for a space.
 * @param config a sampler config or just its name, e.g. `'fairnas'`.
 * @param rng the sampler's own generator (pass a fork if the caller keeps drawing from it).
 * @throws NasError INVALID_CONFIG for an unknown name (listing the known ones) or bad fields.
 */
export function createSampler(space: SearchSpace, config: unknown, rng: SeededRng): ArchSampler {
  const input = typeof config === 'string' ? { name: config } : config;
  const name = typeof input === 'object' && input !== null ? (input as { name?: unknown }).name : undefined;
  const builder = typeof name === 'string' ? builders.get(name) : undefined;
  if (!builder) {
    throw new NasError('INVALID_CONFIG', name === undefined ? 'The sampler config has no name.' : `Unknown sampler '${String(name)}'.`, {
      fix: `Use one of: ${samplerNames().join(', ')}.`,
      details: config,
    });
  }
  return builder(space, input, rng);
}

registerSampler('uniform', uniformSamplerConfigSchema, (space, { name: _name, ...options }, rng) => new UniformSampler(space, rng, options));
registerSampler('fairnas', fairnasSamplerConfigSchema, (space, _config, rng) => new FairnasSampler(space, rng));
registerSampler('fixed', fixedSamplerConfigSchema, (space, config, rng) => new FixedSampler(space, rng, config.architectures));
registerSampler('spos-depth', sposDepthSamplerConfigSchema, (space, { name: _name, ...options }, rng) => new SposDepthSampler(space, rng, options));
