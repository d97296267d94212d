/**
 * One entry point for search spaces: `createSearchSpace(config)` validates a space config (from a
 * config file, the CLI or the UI) and builds the space registered for its `kind`.
 *
 * Configs:
 * - `{ kind: 'nb201' }`
 * - `{ kind: 'darts', variant?: 'standard' | 's5' }`
 * - `{ kind: 'mobilenet', preset: 'abs' | 'fairnas' | 'small' }`, or `stages` (with optional
 *   skeleton overrides: the unset fields come from `preset`, default `small`).
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { DARTS_VARIANTS, createDartsSpace } from './dartsSpace';
import { MOBILENET_PRESETS, createMobilenetSpace, type MobilenetPreset, type MobilenetSpaceConfig } from './mobilenetSpace';
import { NB201_SPACE } from './nb201SearchSpace';
import type { SearchSpace } from './searchSpace';

const positiveInt = z.number().int().positive();

export const nb201SpaceConfigSchema = z.strictObject({ kind: z.literal('nb201') });

export const dartsSpaceConfigSchema = z.strictObject({
  kind: z.literal('darts'),
  /** `standard` (8 ops, default) or GM-NAS's `s5` (7 ops, no `none`). */
  variant: z.enum(DARTS_VARIANTS as ['standard', 's5']).optional(),
});

const presetNames = Object.keys(MOBILENET_PRESETS) as [MobilenetPreset, ...MobilenetPreset[]];

export const mobilenetSpaceConfigSchema = z.strictObject({
  kind: z.literal('mobilenet'),
  /** A named config (see mobilenetSpace.ts); with `stages`, the base of the unset fields. */
  preset: z.enum(presetNames).optional(),
  stages: z.array(z.strictObject({ channels: positiveInt, count: positiveInt, stride: z.union([z.literal(1), z.literal(2)]) })).min(1).optional(),
  name: z.string().min(1).optional(),
  inputChannels: positiveInt.optional(),
  imageSize: positiveInt.optional(),
  stemChannels: positiveInt.optional(),
  stemStride: z.union([z.literal(1), z.literal(2)]).optional(),
  firstBlockChannels: positiveInt.optional(),
  headChannels: positiveInt.optional(),
  identity: z.boolean().optional(),
});

/** Every built-in space config; the type of `space` in an experiment config. */
export const spaceConfigSchema = z.discriminatedUnion('kind', [nb201SpaceConfigSchema, dartsSpaceConfigSchema, mobilenetSpaceConfigSchema]);
export type SpaceConfig = z.infer<typeof spaceConfigSchema>;
export type MobilenetSpaceConfigInput = z.infer<typeof mobilenetSpaceConfigSchema>;

/** Resolves a mobilenet config: preset, or stages over the preset's (default `small`) skeleton. */
export function resolveMobilenetConfig(config: MobilenetSpaceConfigInput): MobilenetSpaceConfig {
  if (config.preset === undefined && config.stages === undefined) {
    throw new NasError('INVALID_CONFIG', 'A mobilenet space config needs a preset or stages.', {
      fix: `Set preset to one of ${presetNames.join(', ')}, or give stages [{channels, count, stride}, ...].`,
    });
  }
  const base = MOBILENET_PRESETS[config.preset ?? 'small'];
  const { kind: _kind, preset: _preset, ...overrides } = config;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<MobilenetSpaceConfig>;
  const name = config.name ?? (config.stages ? `${base.name}-custom` : base.name);
  return { ...base, ...defined, name };
}

type SpaceBuilder = (input: unknown) => SearchSpace;
const builders = new Map<string, SpaceBuilder>();

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Registers a space kind: its config schema and a factory. A kind registered twice is a
 * programming error and throws.
 */
export function registerSpaceKind<T>(kind: string, schema: z.ZodType<T>, create: (config: T) => SearchSpace): void {
  if (builders.has(kind)) throw new Error(`Search-space kind '${kind}' is already registered`);
  builders.set(kind, (input) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      throw new NasError('INVALID_CONFIG', `Invalid ${kind} space config: ${describeIssues(parsed.error)}.`, { fix: 'See electron/engine/space/registry.ts for the fields of each kind.', details: input });
    }
    return create(parsed.data);
  });
}

/** The registered kinds, in registration order. */
export function spaceKinds(): string[] {
  return [...builders.keys()];
}

/**
 * Builds the search space a config describes.
 * @param input untrusted config, e.g. `{ kind: 'darts', variant: 's5' }`.
 * @throws NasError INVALID_CONFIG for a missing or unknown kind (listing the known ones) or bad fields.
 */
export function createSearchSpace(input: unknown): SearchSpace {
  const kind = typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : undefined;
  const builder = typeof kind === 'string' ? builders.get(kind) : undefined;
  if (!builder) {
    throw new NasError('INVALID_CONFIG', kind === undefined ? 'The search-space config has no kind.' : `Unknown search-space kind '${String(kind)}'.`, {
      fix: `Set kind to one of: ${spaceKinds().join(', ')}.`,
      details: input,
    });
  }
  return builder(input);
}

registerSpaceKind('nb201', nb201SpaceConfigSchema, () => NB201_SPACE);
registerSpaceKind('darts', dartsSpaceConfigSchema, (c) => createDartsSpace(c.variant === undefined ? {} : { variant: c.variant }));
registerSpaceKind('mobilenet', mobilenetSpaceConfigSchema, (c) => createMobilenetSpace(resolveMobilenetConfig(c)));
