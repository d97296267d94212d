/**
 * GM+DARTS (ALGORITHMS.md B5, B6; docs/adr/0007-gm-nas.md): the `gm.darts` hyper-parameters and
 * which other `gm` choices it can run with. `gm.search` says how sub-supernets train and yield
 * their candidate: `rsps` (uniform single-path training, random architectures searched per
 * leaf) or `darts` (the mixed supernet weighted by masked softmax(alpha), alpha trained on its
 * own half of the training split once unfrozen, each leaf's candidate = argmax alpha per edge).
 *
 * Why a field of its own and not implied by the setting: the setting is the split schedule (B5's
 * table), the search is how every node trains; B5 gives GM+DARTS-2nd and GM+SNAS one schedule,
 * and a config that says `search: 'darts'` tells a reader of experiment.json what ran without
 * knowing the table. The pairing is checked both ways here, so neither can be half set.
 */
import { z } from 'zod';
import { ARCH_ADAM_DEFAULTS } from '../train/adamByName';
import type { GmConfig } from './gmConfig';

export const GM_SEARCHES = ['rsps', 'darts'] as const;
export type GmSearch = (typeof GM_SEARCHES)[number];

/** The split setting GM+DARTS runs on (NB201: splits at 15 and 30 of 60, B5). */
export const DARTS_SETTING = 'nb201-gm-darts';

export const gmDartsConfigSchema = z.strictObject({
  /**
   * Fraction of the training split (what valFraction leaves) that trains alpha; the rest trains
   * the weights (B5 NB201: half and half). The validation split stays for the candidates' accuracy.
   */
  alphaFraction: z.number().gt(0).lt(1).default(0.5),
  /**
   * `until-final-split` (B5, NB201 `warmup_epoch` = the last split): alpha stays at zeros, i.e.
   * uniform weights, until the final split, then trains in the leaves. `never`: alpha trains from
   * epoch 0 and the children of every non-final split copy it (the DARTS-space code without
   * `--fix_alpha_equal`).
   */
  freezeAlpha: z.enum(['until-final-split', 'never']).default('until-final-split'),
  /** Adam on alpha (B5: lr 3e-4, betas (0.5, 0.999), weight decay 1e-3). */
  archLr: z.number().positive().default(ARCH_ADAM_DEFAULTS.lr),
  archBeta1: z.number().min(0).lt(1).default(ARCH_ADAM_DEFAULTS.beta1),
  archBeta2: z.number().min(0).lt(1).default(ARCH_ADAM_DEFAULTS.beta2),
  archWeightDecay: z.number().nonnegative().default(ARCH_ADAM_DEFAULTS.weightDecay),
});
export type GmDartsConfig = z.infer<typeof gmDartsConfigSchema>;

/** Every field at the schema's default (one source: the schema). */
export const GM_DARTS_DEFAULTS: GmDartsConfig = gmDartsConfigSchema.parse({});

export interface GmSearchIssue {
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * What in `gm` (and the top-level sampler) does not fit `gm.search`; [] when all fits. The
 * config schema reports these per field; the runner refuses with them too.
 */
export function gmSearchIssues(gm: GmConfig, sampler: string): GmSearchIssue[] {
  const issues: GmSearchIssue[] = [];
  if (gm.search === 'rsps') {
    if (gm.setting === DARTS_SETTING) {
      issues.push({ path: ['gm', 'search'], message: `setting ${DARTS_SETTING} is GM+DARTS's schedule (splits at 15 and 30 of 60) and trains the mixed supernet with alpha; set gm.search to 'darts', or use setting nb201-gm-rsps for GM+RSPS` });
    }
    return issues;
  }
  if (gm.setting !== DARTS_SETTING) {
    issues.push({ path: ['gm', 'setting'], message: `gm.search 'darts' runs on setting ${DARTS_SETTING} only (alpha frozen until its final split, B5), got ${gm.setting}; set gm.setting to '${DARTS_SETTING}' or gm.search to 'rsps'` });
  }
  if (gm.gmMode !== 'mixed') {
    issues.push({ path: ['gm', 'gmMode'], message: `GM+DARTS scores splits on the mixed supernet (B2: masked softmax(alpha) as edge weights), got gmMode '${gm.gmMode}'; set gm.gmMode to 'mixed'` });
  }
  if (sampler !== 'uniform') {
    issues.push({ path: ['sampler'], message: `GM+DARTS trains the mixed supernet and samples no training paths; sampler '${sampler}' would change the steps per epoch; set sampler to 'uniform'` });
  }
  return issues;
}
