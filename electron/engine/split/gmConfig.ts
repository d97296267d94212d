/**
 * The `gm` section of an experiment config (method `gm`): GM-NAS, few-shot NAS and their
 * one-shot baseline on one runner (runners/gmRunner.ts), so the three differ only in how (and
 * whether) the supernet is split. ALGORITHMS.md B1-B6; docs/adr/0007-gm-nas.md.
 */
import { z } from 'zod';
import { GM_DARTS_DEFAULTS, GM_SEARCHES, gmDartsConfigSchema } from './gmDartsConfig';

/** How a sub-supernet is split at a scheduled split epoch. */
export const SPLIT_RULES = ['gm', 'exhaustive', 'random', 'predefined'] as const;
export type SplitRule = (typeof SPLIT_RULES)[number];

/** The split schedules a GM run may follow (splitSchedule.ts SPLIT_SETTINGS, NB201 rows). */
export const GM_SETTINGS = ['nb201-gm-rsps', 'nb201-gm-darts', 'nb201-fewshot', 'nb201-oneshot'] as const;

export const gmConfigSchema = z.strictObject({
  /**
   * The split schedule, scaled to training.epochs (the whole run, root to leaves): `nb201-gm-rsps`
   * splits at 20 and 40 of 90, `nb201-gm-darts` at 15 and 30 of 60 (with search 'darts' only),
   * `nb201-fewshot` once at 600 of 900 (B1: 600 one-shot epochs, then 300 per sub-supernet),
   * `nb201-oneshot` never (the one-shot baseline).
   */
  setting: z.enum(GM_SETTINGS).default('nb201-gm-rsps'),
  /**
   * `gm`: every splittable edge scored by gradient matching, edge and 2-way min-cut partition by
   * `edgeRule`; `exhaustive`: few-shot, one child per op of the predefined edge; `random`: a
   * seeded random edge and a random 2-way partition (a baseline for the GM criterion, no GM
   * score); `predefined`: the edge `predefinedEdges[depth]`, partition by GM min-cut.
   */
  rule: z.enum(SPLIT_RULES).default('gm'),
  /** Edge choice of rule `gm` (B4): NB201's code takes the maximum cross-group distance. */
  edgeRule: z.enum(['max-cross', 'min-within']).default('max-cross'),
  /** Choice index split at depth d for rules `exhaustive` and `predefined` (NB201 edge 1<-0 is 0). */
  predefinedEdges: z.array(z.number().int().min(0)).min(1).default([0]),
  /** R, GM repeats per split decision; the default is the paper's 100 (B2 step 5). */
  repeats: z.number().int().min(1).max(1000).default(100),
  /**
   * How every sub-supernet trains and yields its candidate (B5, B6; gmDartsConfig.ts): `rsps`
   * (uniform single-path training, `archsPerLeaf` random architectures per leaf) or `darts`
   * (mixed supernet with alpha, first order; candidate = argmax alpha per edge). `darts` needs
   * setting nb201-gm-darts and gmMode mixed.
   */
  search: z.enum(GM_SEARCHES).default('rsps'),
  /** GM+DARTS hyper-parameters (used when search is darts). */
  darts: gmDartsConfigSchema.default(GM_DARTS_DEFAULTS),
  /** GM-score mode (B2): `rsps` (a random single path, GM+RSPS) or `mixed` (masked softmax(alpha), uniform while alpha is frozen). */
  gmMode: z.enum(['rsps', 'mixed']).default('rsps'),
  /** Bootstrap resamples of the R repeats for the certainty of each split (0 = none). */
  bootstrap: z.number().int().min(0).max(10_000).default(200),
  /** Re-initialise the children of the final split as the setting says (B5 `--restart final`). */
  restartFinal: z.boolean().default(true),
  /** ABS + GM (issue #6 item 5): the root's space, as remaining op names per edge. */
  initialState: z.strictObject({ remaining: z.array(z.array(z.string().min(1)).min(1)) }).optional(),
  /** ABS + GM: an ABS experiment directory whose space.json final state becomes the root's space. */
  fromAbs: z.string().min(1).optional(),
  /** B6: RSPS search per leaf: distinct random architectures of the leaf's space, best kept. */
  archsPerLeaf: z.number().int().min(1).max(10_000).default(20),
  /** Validation images per search evaluation (a fixed seeded subset, the same for every leaf). */
  searchValImages: z.number().int().positive().default(1000),
  /** Final pick among the leaves' candidates (B6). */
  finalPick: z
    .strictObject({
      /** A ground-truth CSV (ground-truth job or NB201 table): pick the candidate with the highest value. */
      truth: z.string().min(1).optional(),
      /** Successive halving by short stand-alone training: round r trains the survivors `epochs * 2^r` epochs from scratch. */
      halvingEpochs: z.number().int().min(1).default(1),
      /** Training images of the halving's stand-alone runs (a seeded subset of the training split). */
      halvingTrainImages: z.number().int().positive().default(3000),
    })
    .default({ halvingEpochs: 1, halvingTrainImages: 3000 }),
});
export type GmConfig = z.infer<typeof gmConfigSchema>;
