/**
 * A ground-truth table for the experiments browser (`truth.read`): architectures with their
 * measured accuracy, from a `ground-truth` experiment of the workspace (its ground-truth.csv)
 * or a CSV file on the host such as NAS-Bench-201's (ArchitectureString,
 * CIFAR10TestAccuracy200Epochs). The renderer ranks the runs' saved scores against it.
 */
import { z } from 'zod';

export const truthSourceSchema = z.discriminatedUnion('kind', [
  /** A workspace experiment of method ground-truth, by its folder name. */
  z.object({ kind: z.literal('experiment'), id: z.string().min(1).max(200) }).strict(),
  /** An absolute path of a .csv file on the host (typed like the dataset folder). */
  z.object({ kind: z.literal('file'), path: z.string().min(1).max(4096) }).strict(),
]);
export type TruthSource = z.infer<typeof truthSourceSchema>;

export const truthTableSchema = z.object({
  /** What the table is, e.g. "ground-truth experiment 2026…-truth" or the file's name. */
  label: z.string(),
  /** The file read, on the host. */
  file: z.string(),
  /** The value column used (units are the table's: NB201 in %, a ground-truth job's as a fraction). */
  valueColumn: z.string(),
  /** One row per architecture, in the space's canonical notation. */
  rows: z.array(z.object({ architecture: z.string(), accuracy: z.number() })),
});
export type TruthTable = z.infer<typeof truthTableSchema>;
