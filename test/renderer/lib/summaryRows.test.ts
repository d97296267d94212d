import { describe, expect, it } from 'vitest';
import { humanizeKey, summaryRows } from '../../../renderer/src/lib/summaryRows';

describe('summaryRows', () => {
  it('splits camelCase keys into words', () => {
    expect(humanizeKey('testAccuracy')).toBe('Test accuracy');
    expect(humanizeKey('max_train-images')).toBe('Max train images');
  });

  it('labels and formats the values of an ABS summary by their key', () => {
    const rows = summaryRows({
      shrinkSteps: 1,
      dropped: ['a:x'],
      finalSize: 12,
      best: '|nor_conv_3x3~0|',
      bestValAccuracy: 0.1275,
      trainSeconds: 63.459,
      imagesPerSec: 62.5286,
      backend: 'wasm',
      completed: true,
      missing: null,
    });
    expect(rows.map((row) => [row.label, row.value])).toEqual([
      ['Shrink steps', '1'],
      ['Architectures left', '12'],
      ['Best architecture', '|nor_conv_3x3~0|'],
      ['Best validation accuracy', '12.8 %'],
      ['Training time', '1 min 03 s'],
      ['Training speed', '62.5 img/s'],
      ['Backend', 'wasm (WebAssembly)'],
      ['Completed', 'yes'],
    ]);
  });

  it('keeps a number that is not a fraction as a number even when its key says accuracy', () => {
    expect(summaryRows({ testAccuracy: 81.05 })[0]?.value).toBe('81.0500');
  });
});
