/**
 * SPOS evolutionary search (Guo et al. 2020, "Single Path One-Shot NAS with Uniform
 * Sampling", searching/search.py), as ABS runs it on the shrunk space (ALGORITHMS.md A4):
 *
 * - Generation 0 is `population` random architectures of the space state.
 * - Each later generation breeds from the best `parents` architectures evaluated so far (a
 *   top-k kept across generations): first `population - crossovers` mutations (each choice
 *   point redrawn from its remaining ops with probability `mutationProbability`), then
 *   `crossovers` children that take each choice from one of two random parents, then a
 *   random refill up to `population`.
 * - Every candidate lies inside the state and passes the space's validity rule, and none was
 *   evaluated before (dedup by architecture key, as SPOS's `is_legal` rejects visited ones);
 *   mutation and crossover give up after `triesPerCandidate` draws per wanted child.
 * - The best `topK` are reported (SPOS reports the top 2), with per-generation best and mean.
 *
 * The search ends after `generations`, or early when no new candidate can be found.
 */
import { NasError } from '../../../shared/errors';
import { z } from 'zod';
import type { Architecture } from '../space/searchSpace';
import { evolutionConfigSchema, parseStrategyConfig, type EvolutionConfig } from './searchConfig';
import type { EvaluatedArchitecture, GenerationStats, SearchResult } from './searchTypes';
import { Strategy, type StrategyDeps } from './strategy';

/** Random draws allowed per missing candidate in the refill. */
const REFILL_TRIES = 1000;

const evolutionDataSchema = z.object({
  generation: z.number().int().min(0),
  population: z.array(z.array(z.string())).nullable(),
  generations: z.array(z.object({ generation: z.number(), size: z.number(), best: z.number(), mean: z.number(), bestSoFar: z.number() })),
});
type EvolutionData = z.infer<typeof evolutionDataSchema>;

/** Mean and maximum of a non-empty list. */
function summary(values: readonly number[]): { best: number; mean: number } {
  return { best: Math.max(...values), mean: values.reduce((s, v) => s + v, 0) / values.length };
}

/** SPOS-style evolutionary search over a space state; see the module comment. */
export class EvolutionSearch extends Strategy<EvolutionConfig> {
  /** Index of the generation being evaluated. */
  private generation = 0;
  /** That generation's candidates, or null before they are bred. */
  private population: string[][] | null = null;
  private generationStats: GenerationStats[] = [];

  /**
   * @param config an evolution config; missing fields take the A4 defaults.
   * @throws NasError INVALID_CONFIG naming the bad field, or when the state does not fit the space.
   */
  constructor(config: unknown = {}, deps: StrategyDeps) {
    super(parseStrategyConfig('evolution', evolutionConfigSchema, { name: 'evolution', ...(config as object) }), deps);
  }

  get budget(): number {
    return this.config.population * this.config.generations;
  }

  protected async _run(): Promise<boolean> {
    while (this.generation < this.config.generations) {
      this.population ??= this.breed();
      if (this.population.length === 0) break; // No new candidate left in the state.
      for (const arch of this.population) {
        if (this.memo.has(this.key(arch))) continue; // Evaluated before a resume.
        if (this.stopRequested()) return false;
        await this.evaluate(arch, this.generation);
      }
      this.generationStats.push(this.stats(this.population));
      this.generation++;
      this.population = null;
    }
    return true;
  }

  override result(): SearchResult {
    return { ...super.result(), generations: [...this.generationStats] };
  }

  /** Statistics of a fully evaluated population. */
  private stats(population: readonly Architecture[]): GenerationStats {
    const values = population.map((arch) => (this.memo.get(this.key(arch)) as EvaluatedArchitecture).fitness);
    const { best, mean } = summary(values);
    const previous = this.generationStats.at(-1)?.bestSoFar ?? -Infinity;
    return { generation: this.generation, size: population.length, best, mean, bestSoFar: Math.max(previous, best) };
  }

  /** The next generation's candidates: mutations, crossovers, random refill; all new and distinct. */
  private breed(): string[][] {
    const { population, crossovers, parents: parentCount } = this.config;
    const children: string[][] = [];
    const taken = new Set<string>();
    const add = (arch: string[]): void => {
      children.push(arch);
      taken.add(this.key(arch));
    };
    const parents = this.top(parentCount).map((e) => e.arch);
    if (parents.length > 0) {
      this.produce(population - crossovers, () => this.mutate(this.rng.pick(parents)), taken, add);
      this.produce(crossovers, () => this.crossover(this.rng.pick(parents), this.rng.pick(parents)), taken, add);
    }
    while (children.length < population) {
      const arch = this.drawNew(taken, REFILL_TRIES);
      if (!arch) break;
      add(arch);
    }
    return children;
  }

  /** Makes up to `wanted` new candidates with `make`, giving up after `wanted * triesPerCandidate` draws. */
  private produce(wanted: number, make: () => string[], taken: ReadonlySet<string>, add: (arch: string[]) => void): void {
    let made = 0;
    for (let tries = 0; made < wanted && tries < wanted * this.config.triesPerCandidate; tries++) {
      const child = this.repaired(make());
      if (!this.isNewCandidate(child, taken)) continue;
      add(child);
      made++;
    }
  }

  /** Redraws each choice point from its remaining ops with probability `mutationProbability`. */
  private mutate(parent: Architecture): string[] {
    return parent.map((op, i) => (this.rng.next() < this.config.mutationProbability ? this.rng.pick(this.state.remaining[i] as readonly string[]) : op));
  }

  /** Takes each choice point from one of the two parents, uniformly. */
  private crossover(a: Architecture, b: Architecture): string[] {
    return a.map((op, i) => (this.rng.next() < 0.5 ? op : (b[i] as string)));
  }

  protected saveData(): EvolutionData {
    return { generation: this.generation, population: this.population?.map((a) => [...a]) ?? null, generations: [...this.generationStats] };
  }

  protected loadData(data: unknown): void {
    const parsed = evolutionDataSchema.safeParse(data);
    if (!parsed.success) throw new NasError('INVALID_CONFIG', 'Malformed saved evolution search: the generation data does not parse.', { fix: 'Resume from a file written by saveState().' });
    this.generation = parsed.data.generation;
    this.population = parsed.data.population;
    this.generationStats = parsed.data.generations;
  }
}
