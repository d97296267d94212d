/**
 * Plain-data shapes of the downstream searches: evaluated architectures, per-generation
 * statistics, progress events, results and the saved state (with its zod schema, since a
 * saved state is read back from disk).
 */
import { z } from 'zod';

/** Lifecycle states of a strategy; `run()` is allowed from `idle` and `cancelled` (to resume). */
export const STRATEGY_STATUSES = ['idle', 'running', 'finished', 'failed', 'cancelled'] as const;
export type StrategyStatus = (typeof STRATEGY_STATUSES)[number];

/** One evaluated architecture. */
export interface EvaluatedArchitecture {
  /** One op per choice point. */
  readonly arch: string[];
  /** The space's canonical string. */
  readonly text: string;
  /** The dedup key (architectureKey). */
  readonly key: string;
  /** Larger is better. */
  readonly fitness: number;
  /** Position in evaluation order, from 0. */
  readonly index: number;
  /** Generation that proposed it (evolution), 0 for random search. */
  readonly generation: number;
}

/** Statistics of one generation's population (evolution), for a chart. */
export interface GenerationStats {
  /** From 0; generation 0 is random. */
  readonly generation: number;
  /** Number of candidates (all new) in this generation. */
  readonly size: number;
  /** Best fitness in this generation. */
  readonly best: number;
  /** Mean fitness of this generation. */
  readonly mean: number;
  /** Best fitness of all generations up to this one. */
  readonly bestSoFar: number;
}

/** Reported after each evaluation. */
export interface SearchProgress {
  readonly evaluated: number;
  readonly budget: number;
  /** Best architecture so far. */
  readonly best: EvaluatedArchitecture | undefined;
  /** Generation of the evaluation just made. */
  readonly generation: number;
}

/** What a run returns. */
export interface SearchResult {
  readonly strategy: string;
  /** `finished`, or `cancelled` when stopped early (the result is partial). */
  readonly status: StrategyStatus;
  /** Maximum number of evaluations. */
  readonly budget: number;
  /** Every evaluated architecture in evaluation order (no key twice). */
  readonly evaluated: EvaluatedArchitecture[];
  /** The best `topK`, best first (ties: earlier evaluation first). */
  readonly best: EvaluatedArchitecture[];
  /** One entry per completed generation (evolution); empty for random search. */
  readonly generations: GenerationStats[];
}

/** Fitness of an architecture, larger is better (e.g. validation accuracy after BN recalibration). */
export type Fitness = (arch: readonly string[]) => Promise<number>;

/** Anything with an `aborted` flag, e.g. an AbortController's signal. */
export interface CancelSignal {
  readonly aborted: boolean;
}

/** Options of one `run()` call. */
export interface RunOptions {
  /** Checked before each evaluation; when aborted the run stops with status `cancelled`. */
  readonly signal?: CancelSignal;
  /** Called after each evaluation; may call `saveState()` or abort the signal. */
  readonly onProgress?: (progress: SearchProgress) => void;
}

const rngStateSchema = z.object({ seed: z.number(), state: z.number() });

/** Schema of {@link SavedSearch}. */
export const savedSearchSchema = z.object({
  strategy: z.string(),
  config: z.record(z.string(), z.unknown()),
  remaining: z.array(z.array(z.string())),
  rng: rngStateSchema,
  sampler: z.object({ name: z.string(), rng: rngStateSchema, step: z.number() }),
  evaluated: z.array(z.object({ arch: z.array(z.string()), fitness: z.number(), generation: z.number().int().min(0) })),
  data: z.unknown(),
});

/** A strategy's resumable state: plain JSON, written by saveState() and read by loadState(). */
export type SavedSearch = z.infer<typeof savedSearchSchema>;
