/**
 * FairNAS strict fairness (Chu et al. 2021; ALGORITHMS.md A4 "Combination with the downstream
 * NAS"): each step draws a random permutation of every choice point's remaining ops and
 * transposes them into m paths, so every op of every choice runs exactly once per step; the
 * trainer accumulates the m paths' gradients and then takes one optimizer step.
 *
 * Unequal op counts (possible after ABS's global drops or a user's force-drop; FairNAS's own
 * shrinking keeps them equal): m is the largest count, and a shorter list is extended with
 * fresh permutations of itself and cut at m, so each of its n ops appears floor(m/n) or
 * ceil(m/n) times per step, and at least once.
 *
 * The single-path rules of pathRules.ts (NB201 live output, DARTS check_cand) are not applied:
 * resampling or repairing a path would break the once-per-step guarantee, and FairNAS runs on
 * layer-wise spaces where they do not arise.
 */
import { NasError } from '../../../shared/errors';
import type { SeededRng } from '../random/seededRng';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import { validateState, type SpaceState } from '../space/spaceState';
import { BaseSampler, type OperatorPin } from './archSampler';

export class FairnasSampler extends BaseSampler {
  constructor(space: SearchSpace, rng: SeededRng) {
    super('fairnas', space, rng);
  }

  /** The op of each of the m paths at one choice point. */
  private column(ops: readonly string[], m: number): string[] {
    const out: string[] = [];
    while (out.length < m) out.push(...this.rng.shuffle([...ops]));
    return out.slice(0, m);
  }

  /** m, the largest remaining op count of the state. */
  override pathsPerStep(state: SpaceState): number {
    return Math.max(...state.remaining.map((ops) => ops.length));
  }

  /** m paths per step, m = the largest remaining op count. */
  next(state: SpaceState, pin?: OperatorPin): Architecture[] {
    if (pin) {
      throw new NasError('INVALID_CONFIG', 'The fairnas sampler cannot pin an operator: every op runs in every step.', { fix: 'Use the uniform or spos-depth sampler to sample children that contain an operator.' });
    }
    validateState(this.space, state);
    const m = this.pathsPerStep(state);
    const columns = state.remaining.map((ops) => this.column(ops, m));
    this.step++;
    return Array.from({ length: m }, (_, p) => columns.map((col) => col[p] as string));
  }
}
