import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configFromDraft, draftDefaults, draftDefaultsByMethod, validateDraft } from '../../../electron/engine/config/draftConfig';
import { getPreset } from '../../../electron/engine/presets/presets';
import { DRAFT_METHODS } from '../../../shared/model/experimentDraft';
import { bundledSampleDir } from '../../../electron/engine/data';
import type { ExperimentDraft } from '../../../shared/model/experimentDraft';

const draft = (change: Partial<ExperimentDraft> = {}): ExperimentDraft => ({
  name: 'quick-abs',
  method: 'abs',
  dataset: { source: 'bundled' },
  space: 'nb201',
  channels: 8,
  cellsPerStage: 1,
  epochs: 2,
  batchSize: 64,
  learningRate: 0.025,
  seed: 4,
  maxTrainImages: 1200,
  metric: 'angle-cells',
  dropPerStep: 20,
  targetSize: 1000,
  gmRepeats: 10,
  archsPerLeaf: 20,
  ...change,
});

const messageOf = async (change: Partial<ExperimentDraft>, field: string): Promise<string | undefined> =>
  (await validateDraft(draft(change))).validation.errors.find((e) => e.field === field)?.message;

describe('experiment drafts from the New experiment form', () => {
  it('turns a valid ABS draft into the preset recipe with the choices on top, with the space size and a summary', async () => {
    const { validation, config } = await validateDraft(draft());
    expect(validation.errors).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(validation.spaceSize).toBe(15_625);
    expect(validation.spaceShape).toEqual({ choices: 6, ops: 30 });
    expect(validation.dataset).toBe('the bundled Fashion-MNIST sample: 28x28x1 images, 10 classes');
    expect(validation.summary.join('\n')).toContain('drop the 20 lowest-scoring operators per step until at most 1,000 architectures');
    expect(validation.summary[0]).toContain('at most 1,200 training images');
    expect(config).toMatchObject({
      name: 'quick-abs',
      method: 'abs',
      seed: 4,
      maxTrainImages: 1200,
      network: { channels: 8, cellsPerStage: 1 },
      training: { epochs: 2, batchSize: 64, schedule: { kind: 'cosine', lr: 0.025 } },
      abs: { metric: 'angle-cells', policy: { kind: 'global', count: 20 }, targetSize: 1000 },
    });
    expect(validation.options.metrics).toContain('angle');
  });

  it('puts each problem on its field, with what to do', async () => {
    expect(await messageOf({ epochs: 0 }, 'epochs')).toBe('must be at least 1');
    expect(await messageOf({ epochs: 1.5 }, 'epochs')).toBe('must be a whole number');
    expect(await messageOf({ targetSize: 15_625 }, 'targetSize')).toBe('must be smaller than the space (15,625 architectures), or nothing is shrunk.');
    expect(await messageOf({ dropPerStep: 25 }, 'dropPerStep')).toContain('must be at most 24');
    expect(await messageOf({ name: 'my run' }, 'name')).toContain('letters, digits, dot, dash and underscore');
    expect(await messageOf({ space: 'darts' }, 'space')).toContain('nb201 supernets only');
    expect(await messageOf({ metric: 'loss' }, 'metric')).toContain("unknown metric 'loss'");
    expect(await messageOf({ learningRate: -1 }, 'learningRate')).toContain('positive');
    expect(await messageOf({ channels: 0 }, 'channels')).toBe('must be at least 1');
    expect(await messageOf({ dataset: { source: 'path', path: 'data/fmnist' } }, 'dataset')).toContain('not an absolute path');
    expect(await messageOf({ dataset: { source: 'path', path: '' } }, 'dataset')).toContain('Type the path');
    const missing = path.join(os.tmpdir(), 'no-such-dataset-folder-xyz');
    expect(await messageOf({ dataset: { source: 'path', path: missing } }, 'dataset')).toBe(`The dataset folder ${missing} does not exist or cannot be read. Check the path (it is read on the host, not on this computer when the UI is remote).`);
    const { validation, config } = await validateDraft(draft({ epochs: 0, targetSize: 20_000 }));
    expect(validation.valid).toBe(false);
    expect(config).toBeNull();
    expect(validation.errors.map((e) => e.field).sort()).toEqual(['epochs', 'targetSize']);
  });

  it('opens a typed IDX folder before the start, and reports a corrupt one on the dataset field', async () => {
    const ok = await validateDraft(draft({ dataset: { source: 'path', path: bundledSampleDir() } }));
    expect(ok.validation.errors).toEqual([]);
    expect(ok.validation.dataset).toMatch(/^IDX files \(.+\) at .+: 28x28x1 images, 10 classes$/);
    expect(ok.config?.dataset).toEqual({ kind: 'idx', path: bundledSampleDir() });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-draft-'));
    try {
      for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) fs.writeFileSync(path.join(dir, name), Buffer.from('not idx'));
      const bad = await validateDraft(draft({ dataset: { source: 'path', path: dir } }));
      expect(bad.validation.valid).toBe(false);
      expect(bad.validation.errors).toHaveLength(1);
      expect(bad.validation.errors[0]?.field).toBe('dataset');
      // Images and labels are read together: either file may be the one reported.
      expect(bad.validation.errors[0]?.message).toMatch(/t10k-(images-idx3|labels-idx1)-ubyte/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds GM-NAS, few-shot and one-shot drafts on the GM runner from their presets, with the split plan in the summary', async () => {
    const gm = await validateDraft(draft({ method: 'gm', epochs: 9, gmRepeats: 4, archsPerLeaf: 7 }));
    expect(gm.validation.errors).toEqual([]);
    expect(gm.config).toMatchObject({ method: 'gm', seed: 4, maxTrainImages: 1200, training: { epochs: 9 }, gm: { setting: 'nb201-gm-rsps', rule: 'gm', repeats: 4, archsPerLeaf: 7 } });
    expect(gm.validation.spaceSize).toBe(15_625);
    // 20 and 40 of 90 scaled to 9 epochs: 2 and 4; node-epochs 1x2 + 2x(4-2) + 4x(9-4) = 26.
    expect(gm.validation.summary.join('\n')).toContain('nb201-gm-rsps: split at epochs 2 and 4 of 9');
    expect(gm.validation.summary.join('\n')).toContain('R=4 batches');
    expect(gm.validation.summary.join('\n')).toContain('into 2 groups each time: 4 leaf sub-supernets, 26 supernet node-epochs in all');
    expect(gm.validation.summary.join('\n')).toContain('RSPS search of 7 random architectures');

    const fewshot = await validateDraft(draft({ method: 'fewshot', epochs: 3, gmRepeats: 99, archsPerLeaf: 5 }));
    expect(fewshot.validation.errors).toEqual([]);
    // R is GM's only: few-shot keeps its preset's gm section apart from the leaf search.
    expect(fewshot.config).toMatchObject({ method: 'gm', training: { epochs: 3 }, gm: { setting: 'nb201-fewshot', rule: 'exhaustive', repeats: 100, archsPerLeaf: 5 } });
    // 600 of 900 scaled to 3: epoch 2; node-epochs 2 + 5x1 = 7.
    expect(fewshot.validation.summary.join('\n')).toContain('nb201-fewshot: split at epoch 2 of 3, exhaustively on edge 0, one sub-supernet per operator: 5 leaf sub-supernets, 7 supernet node-epochs in all');

    const oneshot = await validateDraft(draft({ method: 'oneshot', epochs: 7, archsPerLeaf: 50 }));
    expect(oneshot.validation.errors).toEqual([]);
    expect(oneshot.config).toMatchObject({ method: 'gm', training: { epochs: 7 }, gm: { setting: 'nb201-oneshot', archsPerLeaf: 50 } });
    expect(oneshot.validation.summary.join('\n')).toContain('One-shot: one supernet, never split (nb201-oneshot); 7 supernet node-epochs.');
    await expect(configFromDraft(draft({ method: 'gm', epochs: 3 }))).resolves.toMatchObject({ method: 'gm', gm: { setting: 'nb201-gm-rsps', repeats: 10 } });
  });

  it('builds GM+DARTS drafts from their preset: R from the form, the leaf search is argmax alpha (the RSPS count is not used)', async () => {
    const preset = getPreset('nb201-fashion-gm-darts');
    const darts = await validateDraft(draft({ method: 'gm-darts', epochs: 6, gmRepeats: 5, archsPerLeaf: 3 }));
    expect(darts.validation.errors).toEqual([]);
    expect(darts.config).toMatchObject({ method: 'gm', training: { epochs: 6, clip: { kind: 'norm', maxNorm: 5 } }, gm: { setting: 'nb201-gm-darts', search: 'darts', gmMode: 'mixed', repeats: 5, archsPerLeaf: preset.gm!.archsPerLeaf } });
    const summary = darts.validation.summary.join('\n');
    // 15 and 30 of 60 scaled to 6 epochs: 1.5 rounds to 2, and 3.
    expect(summary).toContain('nb201-gm-darts: split at epochs 2 and 3 of 6');
    expect(summary).toContain('gradient matching on the mixed supernet over R=5 batches');
    expect(summary).toContain('Each leaf: DARTS-style mixed training; alpha (first order, Adam) learns after the final split on 50 % of the training split, the weights on the rest; its candidate is the argmax of alpha per edge; successive halving');
    expect(summary).not.toContain('RSPS');
    expect(await messageOf({ method: 'gm-darts', epochs: 2 }, 'epochs')).toBe('2 epochs are too few for the 2 split(s) of nb201-gm-darts. Use at least 3 epochs.');
    expect(await messageOf({ method: 'gm-darts', gmRepeats: 0 }, 'gmRepeats')).toBe('must be at least 1');
  });

  it('refuses too few epochs for the splits on the epochs field, and bad GM numbers on theirs', async () => {
    expect(await messageOf({ method: 'gm', epochs: 2 }, 'epochs')).toBe('2 epochs are too few for the 2 split(s) of nb201-gm-rsps. Use at least 3 epochs.');
    expect(await messageOf({ method: 'fewshot', epochs: 1 }, 'epochs')).toBe('1 epochs are too few for the 1 split(s) of nb201-fewshot. Use at least 2 epochs.');
    expect(await messageOf({ method: 'oneshot', epochs: 1 }, 'epochs')).toBeUndefined();
    expect(await messageOf({ method: 'gm', gmRepeats: 0 }, 'gmRepeats')).toBe('must be at least 1');
    expect(await messageOf({ method: 'fewshot', archsPerLeaf: 0 }, 'archsPerLeaf')).toBe('must be at least 1');
    const { validation, config } = await validateDraft(draft({ method: 'gm', epochs: 2, archsPerLeaf: 2.5 }));
    expect(config).toBeNull();
    expect(validation.errors.map((e) => e.field).sort()).toEqual(['archsPerLeaf', 'epochs']);
    await expect(configFromDraft(draft({ method: 'gm', epochs: 2 }))).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('epochs: 2 epochs are too few') });
  });

  it('refuses to start an invalid draft with INVALID_CONFIG naming the fields', async () => {
    await expect(configFromDraft(draft({ epochs: 0 }))).rejects.toMatchObject({ code: 'INVALID_CONFIG', message: expect.stringContaining('epochs: must be at least 1') });
    await expect(configFromDraft(draft({ method: 'supernet' }))).resolves.toMatchObject({ method: 'supernet', training: { epochs: 2 } });
  });
});

describe('the form\'s starting values per method (drafts.defaults)', () => {
  it('are each method\'s preset recipe', () => {
    expect(draftDefaults('oneshot')).toMatchObject({ epochs: 7, archsPerLeaf: 100, gmRepeats: 100, batchSize: 64, learningRate: 0.025, channels: 8, cellsPerStage: 1 });
    expect(draftDefaults('gm')).toMatchObject({ epochs: 3, archsPerLeaf: 25, gmRepeats: 100 });
    expect(draftDefaults('fewshot')).toMatchObject({ epochs: 3, archsPerLeaf: 20 });
    expect(draftDefaults('gm-darts')).toMatchObject({ epochs: 3, gmRepeats: 10 });
    expect(draftDefaults('supernet')).toMatchObject({ epochs: 5 });
    expect(draftDefaults('abs')).toMatchObject({ epochs: 3, metric: 'angle-cells', dropPerStep: 20, targetSize: 1000, maxTrainImages: null });
    expect(Object.keys(draftDefaultsByMethod()).sort()).toEqual([...DRAFT_METHODS].sort());
  });

  it('give back the preset\'s own config when a draft takes them unchanged', async () => {
    for (const method of DRAFT_METHODS) {
      const preset = getPreset({ abs: 'nb201-fashion-abs', supernet: 'nb201-fashion', gm: 'nb201-fashion-gm', 'gm-darts': 'nb201-fashion-gm-darts', fewshot: 'nb201-fashion-fewshot', oneshot: 'nb201-fashion-oneshot' }[method]);
      const config = await configFromDraft({ ...draft({ method, seed: preset.seed }), ...draftDefaults(method) });
      expect(config.training, method).toEqual(preset.training);
      expect(config.network, method).toEqual(preset.network);
      if (preset.abs) expect(config.abs, method).toEqual(preset.abs);
      if (preset.gm) expect(config.gm, method).toEqual(preset.gm);
    }
  });
});
