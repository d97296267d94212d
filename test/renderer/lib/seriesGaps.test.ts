import { describe, expect, it } from 'vitest';
import { withRestarts } from '../../../renderer/src/lib/seriesGaps';

describe('withRestarts', () => {
  it('leaves a gap where x goes back (a new network starts at epoch 0), nowhere else', () => {
    expect(withRestarts([[0.5, 2], [1, 1.5], [0.5, 2.1], [1, 1.4], [1, 1.3]])).toEqual([[0.5, 2], [1, 1.5], ['-', '-'], [0.5, 2.1], [1, 1.4], [1, 1.3]]);
    expect(withRestarts([])).toEqual([]);
  });
});
