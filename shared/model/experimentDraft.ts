/**
 * An experiment built in the UI's New experiment form (beyond presets): the few choices a
 * researcher makes, as typed. The host turns a draft into a full experiment config (starting
 * from the method's preset recipe), validates it with the engine's own schema and answers with
 * one message per form field, the size of the search space and a summary, before anything starts.
 */
import { z } from 'zod';

/**
 * The methods the builder offers: the runners that exist for NB201. `gm`, `gm-darts`,
 * `fewshot` and `oneshot` all run on the GM runner (method `gm`), as GM-NAS (GM+RSPS), GM-NAS
 * with DARTS-style leaves (GM+DARTS, first order), few-shot NAS and the one-shot baseline: the
 * presets nb201-fashion-gm / -gm-darts / -fewshot / -oneshot with the draft on top.
 */
export const DRAFT_METHODS = ['abs', 'supernet', 'gm', 'gm-darts', 'fewshot', 'oneshot'] as const;
type DraftMethod = (typeof DRAFT_METHODS)[number];

/** The draft methods that run on the GM runner (config method `gm`); their preset fixes the split setting. */
export const GM_DRAFT_METHODS: readonly DraftMethod[] = ['gm', 'gm-darts', 'fewshot', 'oneshot'];

/** The draft methods whose split rule is gradient matching, so R (gmRepeats) matters. */
export const GM_RULE_DRAFT_METHODS: readonly DraftMethod[] = ['gm', 'gm-darts'];

/** The draft methods whose leaves are searched by RSPS, so archsPerLeaf matters (GM+DARTS takes argmax alpha). */
export const RSPS_DRAFT_METHODS: readonly DraftMethod[] = ['gm', 'fewshot', 'oneshot'];

export const experimentDraftSchema = z
  .object({
    /** Becomes part of the experiment folder's name: letters, digits, '-', '_' and '.'. */
    name: z.string().max(100),
    method: z.enum(DRAFT_METHODS),
    /** The bundled Fashion-MNIST sample, or a folder path typed by the user (IDX, CIFAR-10/100, image folders). */
    dataset: z.discriminatedUnion('source', [z.object({ source: z.literal('bundled') }).strict(), z.object({ source: z.literal('path'), path: z.string().max(4096) }).strict()]),
    space: z.string().max(50),
    /** Supernet width (channels of the first stage) and depth (cells per stage). */
    channels: z.number(),
    cellsPerStage: z.number(),
    epochs: z.number(),
    batchSize: z.number(),
    learningRate: z.number(),
    seed: z.number(),
    /** null: every training image. */
    maxTrainImages: z.number().nullable(),
    /** ABS only: the ranking metric, operators dropped per shrink step, and the size to stop at. */
    metric: z.string().max(50),
    dropPerStep: z.number(),
    targetSize: z.number(),
    /** GM-NAS (both searches) only: R, the gradient-matching repeats per split decision. */
    gmRepeats: z.number(),
    /** GM-NAS with RSPS, few-shot and one-shot: random architectures searched in each leaf sub-supernet (GM+DARTS takes argmax alpha instead). */
    archsPerLeaf: z.number(),
  })
  .strict();
export type ExperimentDraft = z.infer<typeof experimentDraftSchema>;

/**
 * What a draft of one method starts from: its preset's recipe in the form's terms (the fields
 * whose preset value differs between methods, e.g. one-shot trains 7 epochs, ABS 3). The form
 * takes them for the fields the user has not edited when the method changes (`drafts.defaults`).
 */
export const draftDefaultsSchema = experimentDraftSchema.pick({
  channels: true,
  cellsPerStage: true,
  epochs: true,
  batchSize: true,
  learningRate: true,
  maxTrainImages: true,
  metric: true,
  dropPerStep: true,
  targetSize: true,
  gmRepeats: true,
  archsPerLeaf: true,
});
export type DraftDefaults = z.infer<typeof draftDefaultsSchema>;
export const draftDefaultsByMethodSchema = z.record(z.enum(DRAFT_METHODS), draftDefaultsSchema);
export type DraftDefaultsByMethod = z.infer<typeof draftDefaultsByMethodSchema>;

/** The form fields a message can belong to (`form` for what belongs to no single field). */
export const DRAFT_FIELDS = ['name', 'method', 'dataset', 'space', 'channels', 'cellsPerStage', 'epochs', 'batchSize', 'learningRate', 'seed', 'maxTrainImages', 'metric', 'dropPerStep', 'targetSize', 'gmRepeats', 'archsPerLeaf', 'form'] as const;
export type DraftField = (typeof DRAFT_FIELDS)[number];

export const draftValidationSchema = z.object({
  valid: z.boolean(),
  /** One message per field that is wrong, with what to do instead. */
  errors: z.array(z.object({ field: z.enum(DRAFT_FIELDS), message: z.string() })),
  /** Architectures in the search space (null when the space itself is invalid). */
  spaceSize: z.number().nullable(),
  /** Operators per edge and edges of the space (for the summary), null like spaceSize. */
  spaceShape: z.object({ choices: z.number().int(), ops: z.number().int() }).nullable(),
  /** What the dataset path holds, e.g. "IDX files (Fashion-MNIST) at /data/fmnist"; null when not checked or invalid. */
  dataset: z.string().nullable(),
  /** The plan in a few sentences, in order. */
  summary: z.array(z.string()),
  /** The choices the form can offer. */
  options: z.object({ spaces: z.array(z.string()), metrics: z.array(z.string()) }),
});
export type DraftValidation = z.infer<typeof draftValidationSchema>;
