/**
 * Config schemas of the downstream search strategies, with the defaults of the papers:
 * - `evolution`: SPOS's evolutionary search as run by ABS after shrinking (ALGORITHMS.md A4,
 *   "Combination with the downstream NAS"): population 50, 20 generations, top-10 parents,
 *   25 crossovers, the rest by mutation with probability 0.5 per choice point, top-2 reported.
 * - `random`: RSPS's final search (ALGORITHMS.md B6): 200 distinct random architectures, the
 *   best one kept.
 *
 * Kept apart from the strategies so the registry, the strategies and the IPC contract can all
 * import them without cycles.
 */
import { z } from 'zod';
import { NasError } from '../../../shared/errors';

const count = (min: number) => z.number().int().min(min);

/** `{ name: 'evolution', ... }`; every field but `name` is optional and defaults as in A4. */
export const evolutionConfigSchema = z
  .strictObject({
    name: z.literal('evolution'),
    /** Candidates per generation (SPOS population_num). */
    population: count(1).default(50),
    /** Generations, the first one random (SPOS max_epochs). */
    generations: count(1).default(20),
    /** Best architectures so far that breed the next generation (SPOS select_num). */
    parents: count(1).default(10),
    /** Children by uniform per-choice crossover of two random parents (SPOS crossover_num); the rest of the population is mutated, then refilled at random. */
    crossovers: count(0).default(25),
    /** Probability that mutation redraws a choice point from its remaining ops (SPOS m_prob). */
    mutationProbability: z.number().min(0).max(1).default(0.5),
    /** Draws allowed per wanted child before crossover or mutation gives up (SPOS uses 10). */
    triesPerCandidate: count(1).default(10),
    /** Number of best architectures reported (SPOS reports the top 2). */
    topK: count(1).default(2),
  })
  .superRefine((config, ctx) => {
    if (config.parents > config.population) {
      ctx.addIssue({ code: 'custom', path: ['parents'], message: `must be at most the population (${config.population}), got ${config.parents}` });
    }
    if (config.crossovers > config.population) {
      ctx.addIssue({ code: 'custom', path: ['crossovers'], message: `must be at most the population (${config.population}), got ${config.crossovers}` });
    }
  });

/** `{ name: 'random', ... }`; defaults as in B6. */
export const randomConfigSchema = z.strictObject({
  name: z.literal('random'),
  /** Distinct architectures to evaluate (RSPS uses 200). */
  count: count(1).default(200),
  /** Number of best architectures reported (RSPS keeps the best one). */
  topK: count(1).default(1),
  /** Consecutive draws that found nothing new before the search stops early (the space is used up). */
  maxTries: count(1).default(1000),
});

/** A validated evolution config, every field filled in. */
export type EvolutionConfig = z.infer<typeof evolutionConfigSchema>;
/** A validated random search config, every field filled in. */
export type RandomConfig = z.infer<typeof randomConfigSchema>;
/** Every built-in strategy config (validated). */
export type StrategyConfig = EvolutionConfig | RandomConfig;

/** Any built-in strategy config as a user writes it (defaults not yet filled in). */
export const strategyConfigSchema = z.union([evolutionConfigSchema, randomConfigSchema]);

/**
 * Parses a strategy config with its schema.
 * @throws NasError INVALID_CONFIG whose message names each bad field, e.g. `parents: must be at most ...`.
 */
export function parseStrategyConfig<T>(name: string, schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new NasError('INVALID_CONFIG', `Invalid ${name} search config: ${issues}.`, {
    fix: 'See electron/engine/search/searchConfig.ts for the fields and defaults of each strategy.',
    details: { config: input, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  });
}
