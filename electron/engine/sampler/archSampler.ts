/**
 * The common contract of architecture samplers: each training step asks for the paths to run
 * through the supernet, drawn from the current (shrunk) space, with randomness only from the
 * sampler's own seeded RNG, so a run replays from its seed and resumes from a saved state.
 *
 * Locked operators need no special handling here: a lock only stops shrinking from dropping an
 * op, and a locked op is an ordinary remaining op for sampling.
 */
import { NasError } from '../../../shared/errors';
import { SeededRng, type RngState } from '../random/seededRng';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';

/** Fixes one choice point to one op: "sample a child that contains this operator" (ABS scoring, A1). */
export interface OperatorPin {
  readonly choiceIndex: number;
  readonly op: string;
}

/** What a sampler saves in a checkpoint: plain JSON. */
export interface SamplerState {
  /** The registry name of the sampler that saved it. */
  readonly name: string;
  readonly rng: RngState;
  /** Number of `next` calls so far (the fixed sampler's position in its list). */
  readonly step: number;
}

export interface ArchSampler {
  /** Registry name, e.g. `uniform`. */
  readonly name: string;
  /**
   * The paths of one training step, every one inside `state`: one path for single-path
   * samplers, m paths for FairNAS (gradients accumulated over them, then one optimizer step).
   * The one exception is ABS's DARTS repair (pathRules.ts), which may set an edge to `none`
   * even where `none` was dropped, as ABS does.
   * @param pin optional operator every returned path must contain (not supported by fairnas).
   * @throws NasError INVALID_CONFIG when the state does not fit the space or cannot satisfy the rules.
   */
  next(state: SpaceState, pin?: OperatorPin): Architecture[];
  /**
   * How many paths `next(state)` returns (1 for single-path samplers). Trainers divide an
   * epoch's steps by it, so a multi-path sampler spends the forward/backward budget of a
   * single-path epoch (FairNAS: iterations = epochs * iters / m, ALGORITHMS.md A4).
   */
  pathsPerStep(state: SpaceState): number;
  saveState(): SamplerState;
  /** Continues exactly where a {@link saveState} left off; throws for another sampler's state. */
  loadState(saved: SamplerState): void;
}

/**
 * Base for samplers: owns the RNG and the step counter and implements save/load.
 * Give each sampler its own generator (e.g. `rng.fork()`), because it advances it.
 */
export abstract class BaseSampler implements ArchSampler {
  protected rng: SeededRng;
  protected step = 0;

  constructor(
    readonly name: string,
    protected readonly space: SearchSpace,
    rng: SeededRng,
  ) {
    this.rng = rng;
  }

  abstract next(state: SpaceState, pin?: OperatorPin): Architecture[];

  pathsPerStep(_state: SpaceState): number {
    return 1;
  }

  saveState(): SamplerState {
    return { name: this.name, rng: this.rng.saveState(), step: this.step };
  }

  loadState(saved: SamplerState): void {
    if (saved.name !== this.name) {
      throw new NasError('INVALID_CONFIG', `Cannot resume sampler '${this.name}' from a '${saved.name}' state.`, { fix: 'Resume with the sampler the run was started with.' });
    }
    this.rng = SeededRng.fromState(saved.rng);
    this.step = saved.step;
  }
}

/** Checks a pin against the space and state; throws NasError INVALID_CONFIG naming the problem. */
export function checkPin(space: SearchSpace, state: SpaceState, pin: OperatorPin): void {
  const choice = space.choices[pin.choiceIndex];
  if (!choice) {
    throw new NasError('INVALID_CONFIG', `Pinned choice index ${pin.choiceIndex} is outside ${space.name} (0..${space.choices.length - 1}).`, { fix: 'Pin a choice point of this space.' });
  }
  const remaining = state.remaining[pin.choiceIndex] ?? [];
  if (!remaining.includes(pin.op)) {
    throw new NasError('INVALID_CONFIG', `Pinned op '${pin.op}' is not in the space at ${choice.id}.`, { fix: `Pin one of the remaining ops: ${remaining.join(', ')}.` });
  }
}
