/**
 * Uniform single-path sampling (SPOS, Guo et al. 2020; RSPS, Li & Talwalkar 2019; ABS training,
 * ALGORITHMS.md A4): every choice point independently takes one of its remaining ops with equal
 * probability, identity included as a regular op. Space rules (NB201 live output, DARTS
 * check_cand) are applied by resampling or repair, see pathRules.ts.
 */
import type { SeededRng } from '../random/seededRng';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import { validateState, type SpaceState } from '../space/spaceState';
import { BaseSampler, checkPin, type OperatorPin } from './archSampler';
import { drawWithRules, resolvePathRules, type PathRuleOptions, type PathRules } from './pathRules';

export class UniformSampler extends BaseSampler {
  private readonly rules: PathRules;

  constructor(space: SearchSpace, rng: SeededRng, options: PathRuleOptions = {}) {
    super('uniform', space, rng);
    this.rules = resolvePathRules(space, options);
  }

  /** One path per step. */
  next(state: SpaceState, pin?: OperatorPin): Architecture[] {
    validateState(this.space, state);
    if (pin) checkPin(this.space, state, pin);
    const draw = (): Architecture => state.remaining.map((ops, i) => (pin?.choiceIndex === i ? pin.op : this.rng.pick(ops)));
    const arch = drawWithRules(draw, this.rules, state, this.rng, this.space, pin);
    this.step++;
    return [arch];
  }
}
