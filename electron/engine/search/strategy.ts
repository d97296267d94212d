/**
 * The common lifecycle of the downstream search strategies (STYLE.md #8, after NNI's
 * `strategy/base.py`): public {@link Strategy.run} guards the status and calls the protected
 * `_run`, with `_cleanup` in `finally`; `saveState`/`loadState` make a run resumable; all
 * randomness comes from the injected seeded RNG (and a uniform sampler forked from it).
 *
 * The strategy owns the bookkeeping every search needs: candidates are checked against the
 * space state and the validity rule, fitness is memoised by {@link architectureKey} so no
 * architecture is evaluated twice, cancellation is checked between evaluations, and progress
 * is reported after each one. Fitness itself (accuracy after BN recalibration through the
 * supernet) is passed in as a function, larger is better.
 */
import { NasError } from '../../../shared/errors';
import type { ArchSampler } from '../sampler/archSampler';
import { createSampler } from '../sampler/registry';
import { SeededRng } from '../random/seededRng';
import { nb201OutputLive } from '../space/nb201SearchSpace';
import { architectureKey, type Architecture, type SearchSpace } from '../space/searchSpace';
import { stateContains, validateState, type SpaceState } from '../space/spaceState';
import { savedSearchSchema, type EvaluatedArchitecture, type Fitness, type RunOptions, type SavedSearch, type SearchResult, type StrategyStatus } from './searchTypes';

export { STRATEGY_STATUSES } from './searchTypes';
export type { CancelSignal, EvaluatedArchitecture, Fitness, GenerationStats, RunOptions, SavedSearch, SearchProgress, SearchResult, StrategyStatus } from './searchTypes';

/** What a strategy searches over. */
export interface StrategyDeps {
  readonly space: SearchSpace;
  /** The (shrunk or split) space; every candidate lies inside it. */
  readonly state: SpaceState;
  /** The strategy's own generator (pass a fork if the caller keeps drawing from it). */
  readonly rng: SeededRng;
  /** The space's validity rule; default {@link defaultValidity}. Invalid candidates are redrawn. */
  readonly isValid?: (arch: Architecture) => boolean;
  /**
   * Optional repair applied to every candidate (mutation, crossover, random draw) before the
   * checks, drawing from the strategy's RNG: e.g. ABS's check_cand, `repairDartsCandidate`,
   * with `isValid: isDartsCellValid`. A repaired candidate that leaves the state is redrawn.
   */
  readonly repair?: (arch: Architecture, state: SpaceState, rng: SeededRng) => Architecture;
  /** Sampler config for random draws; default `{ name: 'uniform', dartsRepair: false }` (NB201 keeps its live-output resampling). */
  readonly sampler?: unknown;
}

/** NB201: the cell output must be live (nb201OutputLive); other spaces: every architecture. */
export function defaultValidity(space: SearchSpace): (arch: Architecture) => boolean {
  return space.kind === 'nb201' ? nb201OutputLive : () => true;
}

/** Sorts best first: larger fitness, then earlier evaluation. */
export function byFitness(a: EvaluatedArchitecture, b: EvaluatedArchitecture): number {
  return b.fitness - a.fitness || a.index - b.index;
}

/**
 * Base of the search strategies. Subclasses implement `_run` (the search loop, calling
 * {@link evaluate} and checking {@link stopRequested} before each evaluation), `budget` and
 * the strategy-specific part of the saved state.
 */
export abstract class Strategy<C extends { readonly name: string; readonly topK: number }> {
  private currentStatus: StrategyStatus = 'idle';
  protected rng: SeededRng;
  protected sampler: ArchSampler;
  protected readonly space: SearchSpace;
  protected readonly state: SpaceState;
  protected readonly isValid: (arch: Architecture) => boolean;
  private readonly repairFn: StrategyDeps['repair'];
  /** Every evaluated architecture, in evaluation order. */
  protected evaluated: EvaluatedArchitecture[] = [];
  /** Memoised fitness by architecture key. */
  protected memo = new Map<string, EvaluatedArchitecture>();
  private fitness: Fitness | undefined;
  private options: RunOptions = {};

  protected constructor(
    readonly config: C,
    deps: StrategyDeps,
  ) {
    validateState(deps.space, deps.state);
    this.space = deps.space;
    this.state = deps.state;
    this.isValid = deps.isValid ?? defaultValidity(deps.space);
    this.repairFn = deps.repair;
    this.rng = deps.rng;
    this.sampler = createSampler(deps.space, deps.sampler ?? { name: 'uniform', dartsRepair: false }, this.rng.fork());
  }

  get name(): string {
    return this.config.name;
  }

  get status(): StrategyStatus {
    return this.currentStatus;
  }

  /** Maximum number of evaluations of the whole run. */
  abstract get budget(): number;

  /**
   * Runs (or resumes) the search. Resolves with the result, whose status is `finished` or
   * `cancelled`; rejects (status `failed`) when fitness or the space fails.
   * @throws Error when already running or finished (create a new strategy, or loadState first).
   */
  async run(fitness: Fitness, options: RunOptions = {}): Promise<SearchResult> {
    if (this.currentStatus !== 'idle' && this.currentStatus !== 'cancelled') {
      throw new Error(`Cannot run the ${this.name} search: it is ${this.currentStatus}. Create a new strategy, or loadState() a saved run into one that is not running.`);
    }
    this.currentStatus = 'running';
    this.fitness = fitness;
    this.options = options;
    try {
      const complete = await this._run();
      this.currentStatus = complete ? 'finished' : 'cancelled';
      return this.result();
    } catch (error) {
      this.currentStatus = 'failed';
      throw error;
    } finally {
      this._cleanup();
    }
  }

  /** The search loop; returns false when it stopped because of cancellation. */
  protected abstract _run(): Promise<boolean>;

  /** Releases what a run holds; subclasses extend it and call super. */
  protected _cleanup(): void {
    this.fitness = undefined;
    this.options = {};
  }

  /** The evaluated set, the best `topK` and the strategy's statistics so far. */
  result(): SearchResult {
    return {
      strategy: this.name,
      status: this.currentStatus,
      budget: this.budget,
      evaluated: [...this.evaluated],
      best: this.top(this.config.topK),
      generations: [],
    };
  }

  /** The best `k` evaluated architectures, best first. */
  top(k: number): EvaluatedArchitecture[] {
    return [...this.evaluated].sort(byFitness).slice(0, k);
  }

  /** True when the run should stop before the next evaluation. */
  protected stopRequested(): boolean {
    return this.options.signal?.aborted === true;
  }

  /** The architecture's key, for dedup. */
  protected key(arch: Architecture): string {
    return architectureKey(this.space, arch);
  }

  /** True when `arch` may be evaluated: inside the state, valid, and its key in neither the memo nor `taken`. */
  protected isNewCandidate(arch: Architecture, taken: ReadonlySet<string>): boolean {
    if (!stateContains(this.state, arch) || !this.isValid(arch)) return false;
    const key = this.key(arch);
    return !this.memo.has(key) && !taken.has(key);
  }

  /** The candidate after the optional repair (a copy). */
  protected repaired(arch: Architecture): string[] {
    return [...(this.repairFn ? this.repairFn(arch, this.state, this.rng) : arch)];
  }

  /** Draws random architectures until a new candidate turns up; undefined after `tries` draws. */
  protected drawNew(taken: ReadonlySet<string>, tries: number): string[] | undefined {
    for (let t = 0; t < tries; t++) {
      const arch = this.repaired(this.sampler.next(this.state)[0] as Architecture);
      if (this.isNewCandidate(arch, taken)) return arch;
    }
    return undefined;
  }

  /**
   * The fitness of `arch`, from the memo or by one call of the fitness function; records the
   * evaluation and reports progress.
   * @throws NasError NAN_LOSS when the fitness is not a finite number.
   */
  protected async evaluate(arch: Architecture, generation: number): Promise<EvaluatedArchitecture> {
    const key = this.key(arch);
    const known = this.memo.get(key);
    if (known) return known;
    if (!this.fitness) throw new Error('evaluate() outside run()');
    const value = await this.fitness(arch);
    const text = this.space.format(arch);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new NasError('NAN_LOSS', `The fitness of ${text} is ${String(value)}, not a finite number.`, { fix: 'Check the supernet and the validation data: fitness must be a finite score such as accuracy.' });
    }
    const entry: EvaluatedArchitecture = { arch: [...arch], text, key, fitness: value, index: this.evaluated.length, generation };
    this.evaluated.push(entry);
    this.memo.set(key, entry);
    this.options.onProgress?.({ evaluated: this.evaluated.length, budget: this.budget, best: this.top(1)[0], generation });
    return entry;
  }

  /** A JSON snapshot to resume from: config, RNG and sampler state, evaluations, strategy data. */
  saveState(): SavedSearch {
    return {
      strategy: this.name,
      config: this.config,
      remaining: this.state.remaining.map((ops) => [...ops]),
      rng: this.rng.saveState(),
      sampler: this.sampler.saveState(),
      evaluated: this.evaluated.map((e) => ({ arch: [...e.arch], fitness: e.fitness, generation: e.generation })),
      data: this.saveData(),
    };
  }

  /**
   * Restores a {@link saveState} snapshot; the next `run()` continues exactly where it stopped.
   * @throws NasError INVALID_CONFIG when the snapshot is malformed or was made by another
   * strategy, another config or another space state.
   */
  loadState(input: unknown): void {
    if (this.currentStatus === 'running') throw new Error(`Cannot load a state into the running ${this.name} search; cancel it first.`);
    const parsed = savedSearchSchema.safeParse(input);
    if (!parsed.success) {
      throw new NasError('INVALID_CONFIG', `Malformed saved ${this.name} search: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, { fix: 'Resume from a file written by saveState().' });
    }
    const saved = parsed.data;
    const mismatch =
      saved.strategy !== this.name ? `strategy '${saved.strategy}'` : JSON.stringify(saved.config) !== JSON.stringify(this.config) ? 'another config' : JSON.stringify(saved.remaining) !== JSON.stringify(this.state.remaining) ? 'another space state' : undefined;
    if (mismatch) throw new NasError('INVALID_CONFIG', `Cannot resume this ${this.name} search from a state saved with ${mismatch}.`, { fix: 'Resume with the strategy, config and space state the run started with.' });
    this.rng = SeededRng.fromState(saved.rng);
    this.sampler.loadState(saved.sampler);
    this.evaluated = [];
    this.memo = new Map();
    for (const e of saved.evaluated) {
      const entry: EvaluatedArchitecture = { arch: e.arch, text: this.space.format(e.arch), key: this.key(e.arch), fitness: e.fitness, index: this.evaluated.length, generation: e.generation };
      this.evaluated.push(entry);
      this.memo.set(entry.key, entry);
    }
    this.loadData(saved.data);
    this.currentStatus = 'idle';
  }

  /** The strategy-specific part of the saved state (plain JSON). */
  protected abstract saveData(): unknown;
  /** Restores {@link saveData}; throws NasError INVALID_CONFIG when malformed. */
  protected abstract loadData(data: unknown): void;
}
