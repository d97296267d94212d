/**
 * One entry point for weight-sharing supernets: `createSupernet(space, network, input)` checks
 * the network config for the space's kind and builds the matching {@link Supernet}.
 *
 * Network configs (the experiment's `network` field), by space kind:
 * - `nb201`: `{ channels, cellsPerStage }` (C of the first stage, N cells per stage; the
 *   experiment schema's networkConfigSchema). Preset nb201-fashion: `{ channels: 8, cellsPerStage: 1 }`.
 * - `darts`: `{ channels, cells, stemMultiplier?, poolBnAffine? }` (C of the first cells, L >= 3
 *   cells with reductions at L/3 and 2L/3, stem width multiplier (default 3), affine BN after
 *   pooling as in ABS's proxy (default false)). DARTS search: `{ channels: 16, cells: 8 }`;
 *   tiny: `{ channels: 4, cells: 3 }`. The space's variant (standard / s5) picks the ops.
 * - `mobilenet`: `{}` or omitted: every width, stride and size comes from the space config
 *   (presets abs, fairnas, small; see mobilenetSpace.ts).
 *
 * `input` carries what the data and the run decide: image channels, class count and the seed.
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';
import { networkConfigSchema } from '../config/experimentConfig';
import type { MobilenetSearchSpace } from '../space/mobilenetSpace';
import type { SearchSpace } from '../space/searchSpace';
import { DartsSupernet } from './dartsSupernet';
import { MobilenetSupernet } from './mobilenetSupernet';
import { Nb201Supernet } from './nb201Supernet';
import type { Supernet } from './supernet';

/** What the dataset and the run fix: input channels, classes, initialisation seed. */
export interface SupernetInput {
  readonly inputChannels: number;
  readonly numClasses: number;
  readonly seed: number;
}

/** The network config of a DARTS space. */
export const dartsNetworkConfigSchema = z.strictObject({
  channels: z.number().int().min(2).max(512),
  cells: z.number().int().min(3).max(50),
  stemMultiplier: z.number().int().min(1).max(8).default(3),
  poolBnAffine: z.boolean().default(false),
});
export type DartsNetworkConfig = z.infer<typeof dartsNetworkConfigSchema>;

/** The network config of a MobileNet-like space: nothing beyond the space itself. */
export const mobilenetNetworkConfigSchema = z.strictObject({}).optional();

function parse<T>(schema: z.ZodType<T>, network: unknown, space: SearchSpace, example: string): T {
  const parsed = schema.safeParse(network);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(network)'}: ${i.message}`).join('; ');
  throw new NasError('INVALID_CONFIG', `Invalid network config for the ${space.kind} space '${space.name}': ${issues}.`, { fix: `Use e.g. ${example}.`, details: network });
}

function checkInput(input: SupernetInput): void {
  for (const key of ['inputChannels', 'numClasses'] as const) {
    if (!Number.isInteger(input[key]) || input[key] <= 0) throw new NasError('INVALID_CONFIG', `Supernet input: ${key} must be a positive integer, got ${input[key]}.`, { fix: 'Take it from the dataset.' });
  }
}

/**
 * Builds the supernet of `space` sized by `network`.
 * @throws NasError INVALID_CONFIG for an unknown space kind, a network config that does not fit
 *   the kind, or (mobilenet) input channels that differ from the space's.
 */
export function createSupernet(space: SearchSpace, network: unknown, input: SupernetInput): Supernet {
  checkInput(input);
  switch (space.kind) {
    case 'nb201': {
      if (space.choices.length !== 6) throw new NasError('INVALID_CONFIG', `Space '${space.name}' is not the NB201 space.`, { fix: 'Use the nb201 space config.' });
      const n = parse(networkConfigSchema, network, space, "{ channels: 8, cellsPerStage: 1 }");
      return new Nb201Supernet({ channels: n.channels, cellsPerStage: n.cellsPerStage, inputChannels: input.inputChannels, numClasses: input.numClasses, seed: input.seed });
    }
    case 'darts': {
      const n = parse(dartsNetworkConfigSchema, network, space, '{ channels: 16, cells: 8 }');
      const variant = space.choices[0]?.ops.includes('none') ? 'standard' : 's5';
      return new DartsSupernet({ ...n, inputChannels: input.inputChannels, numClasses: input.numClasses, seed: input.seed, variant }, space);
    }
    case 'mobilenet': {
      parse(mobilenetNetworkConfigSchema, network, space, '{} (the space config sets the widths)');
      const ms = space as MobilenetSearchSpace;
      if (ms.config.inputChannels !== input.inputChannels) {
        throw new NasError('INVALID_CONFIG', `Space '${space.name}' expects ${ms.config.inputChannels}-channel images, the data has ${input.inputChannels}.`, { fix: 'Set inputChannels in the mobilenet space config to the dataset\'s channels.' });
      }
      return new MobilenetSupernet(ms, { numClasses: input.numClasses, seed: input.seed });
    }
    default:
      throw new NasError('INVALID_CONFIG', `No supernet for space kind '${String((space as { kind: unknown }).kind)}'.`, { fix: 'Use an nb201, darts or mobilenet space.' });
  }
}
