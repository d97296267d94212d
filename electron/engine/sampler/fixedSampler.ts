/**
 * Fixed architectures: the same path(s) every step, cycling through a list (stand-alone
 * training of one architecture through the supernet code, or re-training a short list). No
 * randomness; the saved step is the position in the list.
 */
import { NasError } from '../../../shared/errors';
import type { SeededRng } from '../random/seededRng';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import { validateArchitecture } from '../space/searchSpace';
import { validateState, type SpaceState } from '../space/spaceState';
import { BaseSampler, type OperatorPin } from './archSampler';

export class FixedSampler extends BaseSampler {
  private readonly archs: readonly Architecture[];

  /**
   * @param archs architectures (op arrays or canonical strings of `space`), at least one.
   * @throws NasError INVALID_CONFIG for an empty list or an architecture not of the space.
   */
  constructor(space: SearchSpace, rng: SeededRng, archs: readonly (Architecture | string)[]) {
    super('fixed', space, rng);
    if (archs.length === 0) throw new NasError('INVALID_CONFIG', 'The fixed sampler needs at least one architecture.', { fix: `Give architectures as canonical ${space.name} strings.` });
    this.archs = archs.map((a) => {
      const arch = typeof a === 'string' ? space.parse(a) : a;
      validateArchitecture(space, arch);
      return [...arch];
    });
  }

  /** The next architecture of the list; it must lie inside `state` (and contain `pin`). */
  next(state: SpaceState, pin?: OperatorPin): Architecture[] {
    validateState(this.space, state);
    const arch = this.archs[this.step % this.archs.length] as Architecture;
    const outside = arch.findIndex((op, i) => !(state.remaining[i] as readonly string[]).includes(op));
    if (outside >= 0) {
      const choice = this.space.choices[outside];
      throw new NasError('INVALID_CONFIG', `Fixed architecture ${this.space.format(arch)} uses '${arch[outside]}' at ${choice?.id}, which is no longer in the space.`, {
        fix: 'Lock the operators of fixed architectures, or choose architectures inside the shrunk space.',
      });
    }
    if (pin && arch[pin.choiceIndex] !== pin.op) {
      throw new NasError('INVALID_CONFIG', `Fixed architecture ${this.space.format(arch)} does not contain '${pin.op}' at choice ${pin.choiceIndex}.`, { fix: 'Pin only operators of the fixed architectures.' });
    }
    this.step++;
    return [arch];
  }
}
