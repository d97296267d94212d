/**
 * How well each metric ranks architectures against a ground-truth table: one record per
 * `nas-shrink tau` run, saved beside the experiment as tau-<checkpoint>.json and carried to the
 * UI in the experiment detail. A researcher must see it before trusting a shrink.
 */
import { z } from 'zod';

/** Below this Kendall tau a metric is said not to rank the architectures (issue #5). */
export const TRUSTED_TAU = 0.3;

export const tauResultSchema = z.object({
  metric: z.string(),
  /** Kendall tau-b; null when undefined (constant scores), as JSON writes NaN. */
  kendallTau: z.number().nullable(),
  spearmanRho: z.number().nullable(),
  /** Architectures ranked. */
  n: z.number().int().nonnegative(),
});
export type TauResult = z.infer<typeof tauResultSchema>;

export const tauRecordSchema = z.object({
  /** The checkpoint whose weights were scored (e.g. epoch-1, shrink-1). */
  checkpoint: z.string(),
  /** The ground-truth table (absolute path on the host that ran `tau`). */
  truth: z.string(),
  /** ISO time of the computation. */
  computed: z.string(),
  results: z.array(tauResultSchema),
  /** The CLI's one-line conclusion (which metric to trust, or a warning). */
  verdict: z.string(),
});
export type TauRecord = z.infer<typeof tauRecordSchema>;
