import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import { detectDataset, resolveConfig } from '../../../electron/engine/config/resolveConfig';
import { getPreset, listPresets } from '../../../electron/engine/presets/presets';
import { NasError } from '../../../shared/errors';

function errorOf(fn: () => unknown): NasError {
  try {
    fn();
  } catch (error) {
    return error as NasError;
  }
  throw new Error('expected an error');
}

describe('experiment config', () => {
  it('accepts every preset as a config', () => {
    for (const p of listPresets()) expect(parseExperimentConfig(JSON.parse(JSON.stringify(p)), p.name)).toEqual(p);
  });

  it('names every bad field in one message', () => {
    const base = JSON.parse(JSON.stringify(getPreset('nb201-fashion'))) as Record<string, unknown>;
    const bad = { ...base, seed: -1, training: { ...(base['training'] as object), epochs: 0, schedule: { kind: 'cosine', lr: -0.1, lrMin: 0 } }, space: { kind: 'hexagon' }, extra: 1 };
    const error = errorOf(() => parseExperimentConfig(bad, 'my.json'));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('my.json');
    for (const field of ['seed', 'training.epochs', 'training.schedule', 'space.kind']) expect(error.message).toContain(field);
    expect(error.message).toMatch(/extra/);
    expect(error.fix).toContain('nas-shrink presets --json');
  });

  it('requires an architecture for stand-alone training', () => {
    const error = errorOf(() => parseExperimentConfig({ ...getPreset('nb201-fashion'), method: 'standalone' }, 'x'));
    expect(error.message).toContain('architecture: method standalone needs the architecture to train');
  });

  it('checks the ABS downstream supernet and stand-alone top-k', () => {
    const abs = getPreset('nb201-fashion-abs');
    const ok = parseExperimentConfig({ ...abs, abs: { ...abs.abs, downstream: { sampler: 'fairnas', epochs: 2 }, standaloneTopK: 1 } }, 'x');
    expect(ok.abs?.downstream).toEqual({ sampler: 'fairnas', epochs: 2 });
    expect(abs.abs?.downstream).toBeUndefined();
    expect(abs.abs?.standaloneTopK).toBe(0);
    const bad = errorOf(() => parseExperimentConfig({ ...abs, abs: { ...abs.abs, downstream: { sampler: 'spos', epochs: 0 } } }, 'x'));
    expect(bad.message).toContain('abs.downstream.sampler');
    expect(bad.message).toContain('abs.downstream.epochs');
    const { standalone: _standalone, ...noRecipe } = abs;
    const missing = errorOf(() => parseExperimentConfig({ ...noRecipe, abs: { ...abs.abs, standaloneTopK: 2 } }, 'x'));
    expect(missing.message).toContain('abs.standaloneTopK: training the best architectures stand-alone needs a standalone recipe');
  });

  it('refuses an architecture with an unknown op before anything runs, naming the op and the valid ones', () => {
    const base = getPreset('nb201-fashion');
    const arch = '|conv_9x9~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';
    expect(() => parseExperimentConfig({ ...base, method: 'standalone', architecture: arch }, 'test')).toThrow(
      `architecture: Unknown op 'conv_9x9' at edge 1<-0 in NB201 architecture '${arch}'. Use one of: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3.`,
    );
  });

  it('applies overrides: epochs, seed, image cap and a detected dataset folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-idx-'));
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), '');
    const config = resolveConfig('nb201-fashion', { epochs: 3, seed: 9, maxTrainImages: 100, dataPath: dir });
    expect(config.training.epochs).toBe(3);
    expect(config.seed).toBe(9);
    expect(config.maxTrainImages).toBe(100);
    expect(config.dataset).toEqual({ kind: 'idx', path: dir });
  });

  it('detects dataset kinds and explains an unreadable folder', () => {
    const mk = (files: string[], dirs: string[] = []): string => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-ds-'));
      for (const f of files) fs.writeFileSync(path.join(d, f), '');
      for (const sub of dirs) fs.mkdirSync(path.join(d, sub));
      return d;
    };
    expect(detectDataset(mk(['data_batch_1.bin'])).kind).toBe('cifar10');
    expect(detectDataset(mk(['train.bin', 'test.bin'])).kind).toBe('cifar100');
    expect(detectDataset(mk([], ['cat', 'dog'])).kind).toBe('folder');
    expect(errorOf(() => detectDataset(mk(['notes.txt']))).message).toMatch(/holds no dataset this app reads/);
    expect(errorOf(() => detectDataset('/no/such/folder')).code).toBe('DATASET_MISSING');
  });

  it('reads config files with clear errors', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-cfg-'));
    const good = path.join(d, 'good.json');
    fs.writeFileSync(good, JSON.stringify({ ...getPreset('cnn-fashion'), name: 'mine' }));
    expect(resolveConfig(good).name).toBe('mine');
    const broken = path.join(d, 'broken.json');
    fs.writeFileSync(broken, '{"name": ');
    expect(errorOf(() => resolveConfig(broken)).message).toMatch(/broken\.json is not valid JSON/);
    expect(errorOf(() => resolveConfig(path.join(d, 'missing.json'))).message).toMatch(/Cannot read the config file/);
    expect(errorOf(() => resolveConfig('no-such-preset')).message).toBe("Unknown preset 'no-such-preset'.");
  });
});
