/**
 * ABS's depth-uniform sampler for layer-wise spaces with `identity` (SPOS/shrinking/shrinking.py
 * `get_random_extend` + `get_depth_full_rngs`; ALGORITHMS.md A1): a non-identity op is drawn
 * uniformly in every layer (except the pinned one), then the number of identity layers is drawn
 * uniformly from 0..n, n = identity-capable layers other than the pinned one, and that many of
 * them, chosen at random, become `identity`. Depths are thus spread uniformly, where plain
 * uniform sampling concentrates them around the mean.
 *
 * A layer whose only remaining op is `identity` stays identity. In spaces without identity this
 * is uniform sampling.
 */
import type { SeededRng } from '../random/seededRng';
import { IDENTITY_OP } from '../space/mobilenetOps';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import { validateState, type SpaceState } from '../space/spaceState';
import { BaseSampler, checkPin, type OperatorPin } from './archSampler';
import { drawWithRules, resolvePathRules, type PathRuleOptions, type PathRules } from './pathRules';

export class SposDepthSampler extends BaseSampler {
  private readonly rules: PathRules;

  constructor(space: SearchSpace, rng: SeededRng, options: PathRuleOptions = {}) {
    super('spos-depth', space, rng);
    this.rules = resolvePathRules(space, options);
  }

  private draw(state: SpaceState, pin: OperatorPin | undefined): string[] {
    const arch = state.remaining.map((ops, i) => {
      if (pin?.choiceIndex === i) return pin.op;
      const real = ops.filter((op) => op !== IDENTITY_OP);
      return real.length > 0 ? this.rng.pick(real) : IDENTITY_OP;
    });
    const identityLayers = state.remaining.flatMap((ops, i) => (ops.includes(IDENTITY_OP) && pin?.choiceIndex !== i ? [i] : []));
    const count = this.rng.int(identityLayers.length + 1);
    for (const i of this.rng.shuffle(identityLayers).slice(0, count)) arch[i] = IDENTITY_OP;
    return arch;
  }

  /** One path per step. */
  next(state: SpaceState, pin?: OperatorPin): Architecture[] {
    validateState(this.space, state);
    if (pin) checkPin(this.space, state, pin);
    const arch = drawWithRules(() => this.draw(state, pin), this.rules, state, this.rng, this.space, pin);
    this.step++;
    return [arch];
  }
}
