/**
 * Space-specific rules a sampled single path must follow, applied after drawing it:
 * - NB201 (ALGORITHMS.md part C): "ABS training avoids nodes whose inputs are all none by
 *   resampling": draw again until the cell output (node 3) is reachable from the input.
 * - DARTS (A4): ABS's `check_cand` repair, exactly two non-`none` inputs per node.
 */
import { NasError } from '../../../shared/errors';
import type { SeededRng } from '../random/seededRng';
import { repairDartsCandidate } from '../space/dartsGenotype';
import { nb201OutputLive } from '../space/nb201SearchSpace';
import type { Architecture, SearchSpace } from '../space/searchSpace';
import type { SpaceState } from '../space/spaceState';
import type { OperatorPin } from './archSampler';

/** Options of the single-path samplers (uniform, spos-depth). */
export interface PathRuleOptions {
  /** NB201 only: resample until the cell output is live. Default: on for NB201. */
  readonly liveOutput?: boolean;
  /** DARTS only: apply ABS's check_cand to every path. Default: on for DARTS spaces that have `none`. */
  readonly dartsRepair?: boolean;
  /** Draws before giving up (liveOutput, or a pin lost to the repair). Default 1000. */
  readonly maxTries?: number;
}

/** The resolved rules of a sampler for one space. */
export interface PathRules {
  readonly liveOutput: boolean;
  readonly dartsRepair: boolean;
  readonly maxTries: number;
}

/** Fills in defaults and rejects rules that do not apply to the space. */
export function resolvePathRules(space: SearchSpace, options: PathRuleOptions = {}): PathRules {
  const hasNone = space.choices.every((c) => c.ops.includes('none'));
  const rules = {
    liveOutput: options.liveOutput ?? space.kind === 'nb201',
    dartsRepair: options.dartsRepair ?? (space.kind === 'darts' && hasNone),
    maxTries: options.maxTries ?? 1000,
  };
  if (rules.liveOutput && space.kind !== 'nb201') {
    throw new NasError('INVALID_CONFIG', `liveOutput applies to NB201 cells only, not to ${space.name}.`, { fix: 'Leave liveOutput unset.' });
  }
  if (rules.dartsRepair && (space.kind !== 'darts' || !hasNone)) {
    throw new NasError('INVALID_CONFIG', `dartsRepair needs a DARTS space with the none op, not ${space.name}.`, { fix: 'Leave dartsRepair unset, or use the standard DARTS space.' });
  }
  if (!Number.isInteger(rules.maxTries) || rules.maxTries < 1) {
    throw new NasError('INVALID_CONFIG', `maxTries must be a positive integer, got ${rules.maxTries}.`, { fix: 'Use e.g. 1000.' });
  }
  return rules;
}

/** Whether some architecture of the state (with the pin) has a live NB201 output. */
function nb201CanBeLive(state: SpaceState, pin: OperatorPin | undefined): boolean {
  // Liveness only improves when an edge is not none, so try the most connected architecture.
  const best = state.remaining.map((ops, i) => (pin?.choiceIndex === i ? pin.op : (ops.find((op) => op !== 'none') ?? 'none')));
  return nb201OutputLive(best);
}

/**
 * Draws paths with `draw` until one satisfies the rules (after the DARTS repair) and contains
 * the pin; throws NasError INVALID_CONFIG when the state makes that impossible or after
 * `maxTries` draws.
 */
export function drawWithRules(
  draw: () => Architecture,
  rules: PathRules,
  state: SpaceState,
  rng: SeededRng,
  space: SearchSpace,
  pin: OperatorPin | undefined,
): Architecture {
  if (rules.liveOutput && !nb201CanBeLive(state, pin)) {
    throw new NasError('INVALID_CONFIG', `No architecture of the current ${space.name} space has a live cell output: every path from node 0 to node 3 has an edge where only 'none' remains.`, {
      fix: 'Keep a non-none op on some path from the input to the output (or turn liveOutput off).',
    });
  }
  for (let tries = 0; tries < rules.maxTries; tries++) {
    let arch = draw();
    if (rules.dartsRepair) arch = repairDartsCandidate(arch, state, rng);
    if (rules.liveOutput && !nb201OutputLive(arch)) continue;
    if (pin && arch[pin.choiceIndex] !== pin.op) continue;
    return arch;
  }
  throw new NasError('INVALID_CONFIG', `No valid path of ${space.name} found in ${rules.maxTries} draws.`, {
    fix: 'The space is nearly empty of valid paths: keep more ops, drop the pin, or raise maxTries.',
  });
}
