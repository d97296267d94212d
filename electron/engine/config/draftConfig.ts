/**
 * An experiment built in the UI's form (shared/model/experimentDraft.ts) as a full experiment
 * config: the method's preset recipe with the user's choices on top, validated by the same
 * schema as presets and config files. Every problem comes back as a message on the form field
 * the user can change, and the dataset path is opened (a few images) so a wrong folder is
 * reported before the job starts, not in its log.
 */
import * as path from 'node:path';
import { NasError, toErrorData } from '../../../shared/errors';
import { DRAFT_METHODS, GM_DRAFT_METHODS, GM_RULE_DRAFT_METHODS, RSPS_DRAFT_METHODS } from '../../../shared/model/experimentDraft';
import type { DraftDefaults, DraftDefaultsByMethod, DraftField, DraftValidation, ExperimentDraft } from '../../../shared/model/experimentDraft';
import { loadDataset } from '../data';
import { metricNames } from '../metrics/registry';
import { getPreset } from '../presets/presets';
import { createSearchSpace, spaceKinds } from '../space/registry';
import { nodeEpochBudget, SPLIT_SETTINGS, splitEpochs } from '../split/splitSchedule';
import { fullState, stateSize } from '../space/spaceState';
import { detectDataset } from './resolveConfig';
import { datasetSpec } from './datasetSpec';
import { experimentConfigSchema } from './experimentConfig';
import type { DatasetConfig, ExperimentConfig } from './experimentConfig';

/** The preset whose recipe (optimizer, schedule, search) a draft of each method starts from. */
const BASE_PRESET: Record<ExperimentDraft['method'], string> = {
  abs: 'nb201-fashion-abs',
  supernet: 'nb201-fashion',
  gm: 'nb201-fashion-gm',
  'gm-darts': 'nb201-fashion-gm-darts',
  fewshot: 'nb201-fashion-fewshot',
  oneshot: 'nb201-fashion-oneshot',
};


/** How the form and the summary name each method. */
const METHOD_TITLE: Record<ExperimentDraft['method'], string> = { abs: 'ABS', supernet: 'Supernet', gm: 'GM-NAS', 'gm-darts': 'GM-NAS + DARTS', fewshot: 'Few-shot NAS', oneshot: 'One-shot (RSPS)' };

/** Spaces a draft can use: the ABS, supernet and GM runners build NB201 supernets only in this version. */
const DRAFT_SPACES = ['nb201'];

type Errors = { field: DraftField; message: string }[];

/** Which form field a config path belongs to. */
function fieldOf(configPath: readonly PropertyKey[]): DraftField {
  const [head, second, third] = configPath.map(String);
  switch (head) {
    case 'name':
    case 'seed':
    case 'maxTrainImages':
      return head;
    case 'dataset':
      return 'dataset';
    case 'space':
      return 'space';
    case 'network':
      return second === 'cellsPerStage' ? 'cellsPerStage' : 'channels';
    case 'training':
      if (second === 'epochs') return 'epochs';
      if (second === 'batchSize') return 'batchSize';
      if (second === 'schedule' && (third === 'lr' || third === 'lrMin')) return 'learningRate';
      return 'form';
    case 'abs':
      if (second === 'metric') return 'metric';
      if (second === 'targetSize') return 'targetSize';
      if (second === 'policy') return 'dropPerStep';
      return 'form';
    case 'gm':
      if (second === 'repeats') return 'gmRepeats';
      if (second === 'archsPerLeaf') return 'archsPerLeaf';
      return 'form';
    default:
      return 'form';
  }
}

/** Zod's "Too small: expected number to be >=1" as "must be at least 1". */
function plainMessage(message: string): string {
  return message
    .replace(/^Too small: expected (?:number|int) to be >=\s*(\S+)$/, 'must be at least $1')
    .replace(/^Too small: expected (?:number|int) to be >\s*(\S+)$/, 'must be more than $1')
    .replace(/^Too big: expected (?:number|int) to be <=\s*(\S+)$/, 'must be at most $1')
    .replace(/^Too big: expected (?:number|int) to be <\s*(\S+)$/, 'must be less than $1')
    .replace(/^Invalid input: expected int, received number$/, 'must be a whole number');
}

function datasetConfig(draft: ExperimentDraft, errors: Errors): DatasetConfig | null {
  if (draft.dataset.source === 'bundled') return { kind: 'bundled' };
  const typed = draft.dataset.path.trim();
  if (!typed) {
    errors.push({ field: 'dataset', message: 'Type the path of a dataset folder, or choose the bundled sample.' });
    return null;
  }
  if (!path.isAbsolute(typed)) {
    errors.push({ field: 'dataset', message: `${typed} is not an absolute path; type the full path of the folder (it is read on the host, e.g. /data/fashion-mnist).` });
    return null;
  }
  try {
    return detectDataset(typed);
  } catch (error) {
    const data = toErrorData(error);
    // detectDataset's fixes speak of the CLI's --data flag; in the form the path is the field itself.
    const fix = data.fix && !data.fix.includes('--data') ? ` ${data.fix}` : ' Check the path (it is read on the host, not on this computer when the UI is remote).';
    errors.push({ field: 'dataset', message: `${data.message}${fix}` });
    return null;
  }
}

/** Opens a few test images of the dataset; returns a description, or pushes the loader's error. */
async function probeDataset(dataset: DatasetConfig, errors: Errors): Promise<string | null> {
  try {
    const sample = await loadDataset(datasetSpec(dataset, 'test', 10));
    const what = dataset.kind === 'bundled' ? 'the bundled Fashion-MNIST sample' : `${dataset.kind === 'idx' ? 'IDX files' : dataset.kind === 'folder' ? 'an image folder' : dataset.kind.toUpperCase()} (${sample.name}) at ${dataset.path}`;
    return `${what}: ${sample.height}x${sample.width}x${sample.channels} images, ${sample.numClasses} classes`;
  } catch (error) {
    const data = toErrorData(error);
    errors.push({ field: 'dataset', message: data.fix ? `${data.message} ${data.fix}` : data.message });
    return null;
  }
}

/**
 * The form's starting values for a draft of `method`: its base preset's recipe (the inverse of
 * {@link draftToConfigInput} for the fields the form has). Values the preset leaves unset take
 * the ABS preset's (a GM preset has no ABS metric; the form sends one anyway).
 */
export function draftDefaults(method: ExperimentDraft['method']): DraftDefaults {
  const base = getPreset(BASE_PRESET[method]);
  const abs = base.abs ?? getPreset(BASE_PRESET.abs).abs;
  const gm = base.gm ?? getPreset(BASE_PRESET.gm).gm;
  const network = base.network as { channels?: unknown; cellsPerStage?: unknown };
  return {
    channels: typeof network.channels === 'number' ? network.channels : 8,
    cellsPerStage: typeof network.cellsPerStage === 'number' ? network.cellsPerStage : 1,
    epochs: base.training.epochs,
    batchSize: base.training.batchSize,
    learningRate: 'lr' in base.training.schedule ? base.training.schedule.lr : 0.025,
    maxTrainImages: base.maxTrainImages ?? null,
    metric: abs?.metric ?? 'angle-cells',
    dropPerStep: abs?.policy.kind === 'global' ? abs.policy.count : 20,
    targetSize: abs?.targetSize ?? 1000,
    gmRepeats: gm?.repeats ?? 10,
    archsPerLeaf: gm?.archsPerLeaf ?? 20,
  };
}

/** {@link draftDefaults} of every method the form offers. */
export function draftDefaultsByMethod(): DraftDefaultsByMethod {
  return Object.fromEntries(DRAFT_METHODS.map((method) => [method, draftDefaults(method)])) as DraftDefaultsByMethod;
}

/** The config a draft describes (not validated yet): the base preset with the draft's choices. */
export function draftToConfigInput(draft: ExperimentDraft, dataset: DatasetConfig | null): Record<string, unknown> {
  const base = getPreset(BASE_PRESET[draft.method]);
  const name = draft.name.trim() || `custom-${draft.method}`;
  const input: Record<string, unknown> = {
    ...base,
    name,
    title: `${METHOD_TITLE[draft.method]} experiment ${name}`,
    description: 'Built in the New experiment form.',
    seed: draft.seed,
    dataset: dataset ?? { kind: 'bundled' },
    space: { kind: draft.space },
    network: { channels: draft.channels, cellsPerStage: draft.cellsPerStage },
    training: { ...base.training, epochs: draft.epochs, batchSize: draft.batchSize, schedule: { ...base.training.schedule, lr: draft.learningRate } },
  };
  if (draft.maxTrainImages !== null) input['maxTrainImages'] = draft.maxTrainImages;
  else delete input['maxTrainImages'];
  if (draft.method === 'abs' && base.abs) input['abs'] = { ...base.abs, metric: draft.metric, policy: { kind: 'global', count: draft.dropPerStep }, targetSize: draft.targetSize };
  // R matters to the GM split rule only, the leaf search's size to RSPS leaves only; the other
  // methods keep their preset's (unused) value.
  if (GM_DRAFT_METHODS.includes(draft.method) && base.gm) {
    input['gm'] = {
      ...base.gm,
      ...(RSPS_DRAFT_METHODS.includes(draft.method) ? { archsPerLeaf: draft.archsPerLeaf } : {}),
      ...(GM_RULE_DRAFT_METHODS.includes(draft.method) ? { repeats: draft.gmRepeats } : {}),
    };
  }
  return input;
}

function checkDraftFields(draft: ExperimentDraft, errors: Errors, size: number | null, shape: DraftValidation['spaceShape']): void {
  if (draft.name.trim() && !/^[A-Za-z0-9._-]+$/.test(draft.name.trim())) {
    errors.push({ field: 'name', message: 'Use letters, digits, dot, dash and underscore only: the name becomes part of the folder name.' });
  }
  if (!DRAFT_SPACES.includes(draft.space)) {
    errors.push({ field: 'space', message: `The ${METHOD_TITLE[draft.method]} runner builds ${DRAFT_SPACES.join(', ')} supernets only in this version; '${draft.space}' is not available here.` });
  }
  if (draft.method === 'abs' && shape) {
    const most = shape.ops - shape.choices;
    if (Number.isInteger(draft.dropPerStep) && draft.dropPerStep > most) {
      errors.push({ field: 'dropPerStep', message: `must be at most ${most}: every one of the ${shape.choices} edges keeps at least one of its operators.` });
    }
    if (size !== null && draft.targetSize >= size) errors.push({ field: 'targetSize', message: `must be smaller than the space (${size.toLocaleString('en-US')} architectures), or nothing is shrunk.` });
  }
  if (draft.learningRate <= 0 || !Number.isFinite(draft.learningRate)) errors.push({ field: 'learningRate', message: 'must be a positive number, e.g. 0.025.' });
  const setting = GM_DRAFT_METHODS.includes(draft.method) ? getPreset(BASE_PRESET[draft.method]).gm?.setting : undefined;
  if (setting && Number.isInteger(draft.epochs) && draft.epochs >= 1) {
    // The schema says the same on training.epochs; this adds the fix (the least number of epochs).
    try {
      splitEpochs(setting, draft.epochs);
    } catch (error) {
      const data = toErrorData(error);
      errors.push({ field: 'epochs', message: data.fix ? `${data.message} ${data.fix}` : data.message });
    }
  }
}

function summaryOf(config: ExperimentConfig, size: number | null, datasetText: string | null): string[] {
  const lines: string[] = [];
  const images = config.maxTrainImages ? `at most ${config.maxTrainImages.toLocaleString('en-US')} training images (${Math.round(config.valFraction * 100)} % of them held out for validation)` : `all training images (${Math.round(config.valFraction * 100)} % held out for validation)`;
  lines.push(`Data: ${datasetText ?? (config.dataset.kind === 'bundled' ? 'the bundled Fashion-MNIST sample' : config.dataset.path)}; ${images}.`);
  const network = config.network as { channels?: number; cellsPerStage?: number };
  lines.push(`Supernet: ${config.space.kind.toUpperCase()} with C=${network.channels}, N=${network.cellsPerStage}${size !== null ? `, ${size.toLocaleString('en-US')} architectures` : ''}; trained ${config.training.epochs} epoch${config.training.epochs === 1 ? '' : 's'}, batch ${config.training.batchSize}, lr ${config.training.schedule.lr} (${config.training.schedule.kind}), seed ${config.seed}.`);
  if (config.method === 'abs' && config.abs) {
    const policy = config.abs.policy.kind === 'global' ? `drop the ${config.abs.policy.count} lowest-scoring operators per step` : 'drop the lowest operator of every edge per step';
    lines.push(`ABS: score every operator by ${config.abs.metric}, ${policy} until at most ${config.abs.targetSize.toLocaleString('en-US')} architectures are left; locks and force-drops from the space tree apply at each step.`);
    if (config.abs.search.name === 'evolution') lines.push(`Then an evolutionary search of the shrunk space (population ${config.abs.search.population}, ${config.abs.search.generations} generations), fitness = validation accuracy after BN recalibration.`);
    else lines.push(`Then a ${config.abs.search.name} search of the shrunk space.`);
  }
  if (config.method === 'gm' && config.gm) lines.push(...gmSummary(config.gm, config.training.epochs));
  return lines;
}

/** The split plan of a GM-runner config: when it splits, how, the node-epoch budget and the leaf search. */
function gmSummary(gm: NonNullable<ExperimentConfig['gm']>, epochs: number): string[] {
  const at = splitEpochs(gm.setting, epochs);
  const budget = nodeEpochBudget(gm.setting, epochs);
  // Leaves: the product of the groups per split (an exhaustive split makes one child per operator of a full NB201 edge, as nodeEpochBudget assumes).
  const leaves = SPLIT_SETTINGS[gm.setting].branching.reduce<number>((n, b) => n * (b === 'exhaustive' ? 5 : b), 1);
  const lines: string[] = [];
  if (at.length === 0) lines.push(`One-shot: one supernet, never split (${gm.setting}); ${budget} supernet node-epoch${budget === 1 ? '' : 's'}.`);
  else {
    const supernet = gm.gmMode === 'mixed' ? ' on the mixed supernet' : '';
    const how = gm.rule === 'gm' ? `on the edge whose operators' gradients disagree most (gradient matching${supernet} over R=${gm.repeats} batches), into 2 groups each time` : gm.rule === 'exhaustive' ? 'exhaustively on edge ' + String(gm.predefinedEdges[0] ?? 0) + ', one sub-supernet per operator' : `by the ${gm.rule} rule`;
    lines.push(`${gm.setting}: split at epoch${at.length === 1 ? '' : 's'} ${at.join(' and ')} of ${epochs}, ${how}: ${leaves} leaf sub-supernets, ${budget} supernet node-epochs in all.`);
  }
  const pick = at.length ? `; ${gm.finalPick.truth ? 'the ground-truth table' : 'successive halving by short stand-alone training'} picks among the leaves' candidates` : '';
  if (gm.search === 'darts') {
    const alpha = gm.darts.freezeAlpha === 'never' ? 'in every sub-supernet' : 'after the final split';
    lines.push(`Each leaf: DARTS-style mixed training; alpha (first order, Adam) learns ${alpha} on ${Math.round(gm.darts.alphaFraction * 100)} % of the training split, the weights on the rest; its candidate is the argmax of alpha per edge${pick}.`);
  } else {
    lines.push(`Each leaf: RSPS search of ${gm.archsPerLeaf} random architectures (validation accuracy after BN recalibration on ${gm.searchValImages.toLocaleString('en-US')} images)${pick}.`);
  }
  return lines;
}

export interface DraftResult {
  validation: DraftValidation;
  /** The config to start; null when `validation.valid` is false. */
  config: ExperimentConfig | null;
}

/** Validates a draft: fields, dataset (opened), the config schema; size and summary. */
export async function validateDraft(draft: ExperimentDraft): Promise<DraftResult> {
  const errors: Errors = [];
  const options = { spaces: DRAFT_SPACES.filter((kind) => spaceKinds().includes(kind)), metrics: metricNames() };
  let size: number | null = null;
  let shape: DraftValidation['spaceShape'] = null;
  try {
    const space = createSearchSpace({ kind: draft.space });
    size = stateSize(fullState(space));
    shape = { choices: space.choices.length, ops: space.choices.reduce((n, c) => n + c.ops.length, 0) };
  } catch {
    // Reported on the space field below.
  }
  const dataset = datasetConfig(draft, errors);
  checkDraftFields(draft, errors, size, shape);
  const parsed = experimentConfigSchema.safeParse(draftToConfigInput(draft, dataset));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      // One message per field: the first is the one to fix first; the target-size check above says it better.
      if (!errors.some((e) => e.field === field)) errors.push({ field, message: plainMessage(issue.message) });
    }
  }
  const datasetText = dataset && !errors.some((e) => e.field === 'dataset') ? await probeDataset(dataset, errors) : null;
  const valid = errors.length === 0 && parsed.success;
  return {
    validation: { valid, errors, spaceSize: size, spaceShape: shape, dataset: datasetText, summary: parsed.success ? summaryOf(parsed.data, size, datasetText) : [], options },
    config: valid && parsed.success ? parsed.data : null,
  };
}

/** The config of a valid draft; NasError INVALID_CONFIG with one detail per field otherwise. */
export async function configFromDraft(draft: ExperimentDraft): Promise<ExperimentConfig> {
  const { validation, config } = await validateDraft(draft);
  if (config) return config;
  const lines = validation.errors.map((e) => `${e.field}: ${e.message}`);
  throw new NasError('INVALID_CONFIG', `The experiment cannot start: ${lines.join('; ')}`, { fix: 'Correct the fields named in the form.', details: validation.errors });
}
