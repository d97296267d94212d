/**
 * Search strategies by name (STYLE.md #6): `createStrategy(config, deps)` validates a strategy
 * config and builds the strategy registered under its name.
 *
 * Built-in configs (a bare name string means the config with only that name, all defaults):
 * - `{ name: 'evolution', population?, generations?, parents?, crossovers?, mutationProbability?, triesPerCandidate?, topK? }` (A4).
 * - `{ name: 'random', count?, topK?, maxTries? }` (B6).
 */
import { NasError } from '../../../shared/errors';
import { EvolutionSearch } from './evolutionSearch';
import { RandomSearch } from './randomSearch';
import type { Strategy, StrategyDeps } from './strategy';

/** Builds a strategy from its raw config (validated by the strategy's own schema). */
export type StrategyFactory = (config: unknown, deps: StrategyDeps) => Strategy<{ readonly name: string; readonly topK: number }>;

const factories = new Map<string, StrategyFactory>();

/**
 * Registers a strategy under a unique name. A name registered twice is a programming error
 * and throws.
 */
export function registerStrategy(name: string, create: StrategyFactory): void {
  if (factories.has(name)) throw new Error(`Strategy '${name}' is already registered`);
  factories.set(name, create);
}

/** The registered strategy names, in registration order. */
export function strategyNames(): string[] {
  return [...factories.keys()];
}

/**
 * Builds a strategy for a space state.
 * @param config a strategy config or just its name, e.g. `'evolution'`.
 * @throws NasError INVALID_CONFIG for an unknown name (listing the known ones) or a bad field (named).
 */
export function createStrategy(config: unknown, deps: StrategyDeps): Strategy<{ readonly name: string; readonly topK: number }> {
  const input = typeof config === 'string' ? { name: config } : config;
  const name = typeof input === 'object' && input !== null ? (input as { name?: unknown }).name : undefined;
  const create = typeof name === 'string' ? factories.get(name) : undefined;
  if (!create) {
    throw new NasError('INVALID_CONFIG', name === undefined ? 'The search strategy config has no name.' : `Unknown search strategy '${String(name)}'.`, {
      fix: `Use one of: ${strategyNames().join(', ')}.`,
      details: config,
    });
  }
  return create(input, deps);
}

registerStrategy('evolution', (config, deps) => new EvolutionSearch(config, deps));
registerStrategy('random', (config, deps) => new RandomSearch(config, deps));
