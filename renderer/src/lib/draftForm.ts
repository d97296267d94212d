/**
 * The New experiment builder's form: what the user typed (text) as an experiment draft
 * (shared/model/experimentDraft.ts), or a message per field that is not a number at all. Range
 * and meaning are checked by the host (`drafts.validate`), which knows the engine's rules.
 */
import type { DraftDefaults, DraftField, ExperimentDraft } from '../../../shared/model/experimentDraft';
// Which methods ask for R and for the leaf search size: the host's own groups, so form and host agree.
import { GM_RULE_DRAFT_METHODS, RSPS_DRAFT_METHODS } from '../../../shared/model/experimentDraft';

export interface DraftFormValues {
  name: string;
  method: ExperimentDraft['method'];
  datasetSource: 'bundled' | 'path';
  datasetPath: string;
  space: string;
  channels: string;
  cellsPerStage: string;
  epochs: string;
  batchSize: string;
  learningRate: string;
  seed: string;
  maxTrainImages: string;
  metric: string;
  dropPerStep: string;
  targetSize: string;
  gmRepeats: string;
  archsPerLeaf: string;
}

/** The form as it opens: the ABS demo's recipe on the bundled sample, small enough for a laptop. */
export function defaultFormValues(): DraftFormValues {
  return {
    name: '',
    method: 'abs',
    datasetSource: 'bundled',
    datasetPath: '',
    space: 'nb201',
    channels: '8',
    cellsPerStage: '1',
    epochs: '3',
    batchSize: '64',
    learningRate: '0.025',
    seed: '0',
    maxTrainImages: '',
    metric: 'angle-cells',
    dropPerStep: '20',
    targetSize: '1000',
    gmRepeats: '10',
    archsPerLeaf: '20',
  };
}

/** The fields whose starting value is the method's preset recipe (`drafts.defaults`). */
export const METHOD_DEFAULT_FIELDS = ['channels', 'cellsPerStage', 'epochs', 'batchSize', 'learningRate', 'maxTrainImages', 'metric', 'dropPerStep', 'targetSize', 'gmRepeats', 'archsPerLeaf'] as const;
export type MethodDefaultField = (typeof METHOD_DEFAULT_FIELDS)[number];
export type FormDefaults = Pick<DraftFormValues, MethodDefaultField>;

/** A method's defaults as the form shows them (text; no image limit is an empty field). */
export function defaultsAsForm(defaults: DraftDefaults): FormDefaults {
  const text = (field: MethodDefaultField): string => {
    const value = defaults[field];
    return value === null ? '' : String(value);
  };
  return Object.fromEntries(METHOD_DEFAULT_FIELDS.map((field) => [field, text(field)])) as FormDefaults;
}

/** The method-dependent fields of {@link defaultFormValues}: what the form shows before the host's defaults arrive. */
export function builtInDefaults(): FormDefaults {
  const values = defaultFormValues();
  return Object.fromEntries(METHOD_DEFAULT_FIELDS.map((field) => [field, values[field]])) as FormDefaults;
}

/**
 * Moves the form to another method's defaults without undoing the user's edits: a field that
 * still shows `previous`'s default takes `next`'s; a field the user changed keeps its text (a
 * field edited back to the old default counts as not edited). Returns the fields it changed.
 */
export function applyMethodDefaults(values: DraftFormValues, previous: FormDefaults, next: FormDefaults): MethodDefaultField[] {
  const changed: MethodDefaultField[] = [];
  for (const field of METHOD_DEFAULT_FIELDS) {
    if (values[field].trim() !== previous[field] || values[field] === next[field]) continue;
    values[field] = next[field];
    changed.push(field);
  }
  return changed;
}

export type DraftParse = { draft: ExperimentDraft; errors: Partial<Record<DraftField, string>> };

const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i;

/**
 * The draft of `values`, and a message for each field that is not a number. Such a field is 0 in
 * the draft (JSON has no NaN); the form asks the host only about drafts without these errors.
 */
export function parseDraftForm(values: DraftFormValues): DraftParse {
  const errors: Partial<Record<DraftField, string>> = {};
  const number = (field: DraftField, text: string, integer: boolean): number => {
    const trimmed = text.trim();
    if (!NUMBER.test(trimmed)) {
      errors[field] = trimmed === '' ? 'Enter a value.' : 'Enter a number.';
      return 0;
    }
    const value = Number(trimmed);
    if (integer && !Number.isInteger(value)) errors[field] = 'Enter a whole number.';
    return value;
  };
  const images = values.maxTrainImages.trim();
  const draft: ExperimentDraft = {
    name: values.name.trim(),
    method: values.method,
    dataset: values.datasetSource === 'bundled' ? { source: 'bundled' } : { source: 'path', path: values.datasetPath.trim() },
    space: values.space,
    channels: number('channels', values.channels, true),
    cellsPerStage: number('cellsPerStage', values.cellsPerStage, true),
    epochs: number('epochs', values.epochs, true),
    batchSize: number('batchSize', values.batchSize, true),
    learningRate: number('learningRate', values.learningRate, false),
    seed: number('seed', values.seed, true),
    maxTrainImages: images === '' ? null : number('maxTrainImages', images, true),
    metric: values.metric,
    dropPerStep: values.method === 'abs' ? number('dropPerStep', values.dropPerStep, true) : 20,
    targetSize: values.method === 'abs' ? number('targetSize', values.targetSize, true) : 1000,
    // Fields the method does not show are sent with their defaults, so a hidden typo blocks nothing.
    gmRepeats: GM_RULE_DRAFT_METHODS.includes(values.method) ? number('gmRepeats', values.gmRepeats, true) : 10,
    archsPerLeaf: RSPS_DRAFT_METHODS.includes(values.method) ? number('archsPerLeaf', values.archsPerLeaf, true) : 20,
  };
  return { draft, errors };
}
