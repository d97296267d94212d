import { describe, expect, it } from 'vitest';
import { compareScores, comparisonRows, filterAndSort, kendallTau, latexEscape, tableCsv, tableLatex } from '../../../renderer/src/lib/compare';
import type { ExperimentSummary } from '../../../shared/model/job';
import { stepOne } from '../fixtures/abs';

const row = (id: string, change: Partial<ExperimentSummary> = {}): ExperimentSummary => ({ id, dir: `/ws/${id}`, preset: 'nb201-fashion-abs', status: 'finished', created: 0, finalAccuracy: null, method: 'abs', bestValAccuracy: null, ...change });

describe('the experiments browser', () => {
  const rows = [
    row('a', { created: 3, bestValAccuracy: 0.7 }),
    row('b', { created: 1, preset: 'cnn-fashion', method: 'cnn', finalAccuracy: 0.81 }),
    row('c', { created: 2, status: 'failed' }),
  ];

  it('filters by text, status and method', () => {
    expect(filterAndSort(rows, { text: 'CNN', status: '', method: '' }, { key: 'created', descending: true }).map((r) => r.id)).toEqual(['b']);
    expect(filterAndSort(rows, { text: '', status: 'finished', method: 'abs' }, { key: 'created', descending: true }).map((r) => r.id)).toEqual(['a']);
  });

  it('sorts by date, name or accuracy (test accuracy, else best validation; none last when descending)', () => {
    const all = { text: '', status: '', method: '' };
    expect(filterAndSort(rows, all, { key: 'created', descending: false }).map((r) => r.id)).toEqual(['b', 'c', 'a']);
    expect(filterAndSort(rows, all, { key: 'accuracy', descending: true }).map((r) => r.id)).toEqual(['b', 'a', 'c']);
    expect(filterAndSort(rows, all, { key: 'preset', descending: false }).map((r) => r.id)).toEqual(['b', 'a', 'c']);
  });
});

describe('kendallTau', () => {
  it('is 1 for the same order, -1 for the reverse, and tau-b with ties', () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    // Pairs of [1,2,3] vs [1,3,2]: (1,2)+ (1,3)+ (2,3)-: (2-1)/3.
    expect(kendallTau([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12);
    // a = [1,1,2], b = [1,2,3]: pair (0,1) tied in a only; C = 2, D = 0, tiesA = 1: 2 / sqrt(3 * 2).
    expect(kendallTau([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(kendallTau([1], [1])).toBeNull();
    expect(kendallTau([2, 2], [1, 3])).toBeNull();
  });
});

describe('operator scores side by side', () => {
  const first = stepOne(1);
  const second = { ...stepOne(2), scores: { 'a:x': 0.3, 'a:y': 0.1, 'a:z': 0.2, 'b:x': 0.5, 'b:y': 0.4 }, dropped: [] };

  it('lines the scores up per operator with what each step dropped, and the tau of each run against the first', () => {
    const experiments = [
      { id: 'one', label: 'one', step: first },
      { id: 'two', label: 'two', step: second },
      { id: 'none', label: 'none', step: null },
    ];
    const comparison = compareScores(experiments);
    expect(comparison.keys).toEqual(['a:x', 'a:y', 'a:z', 'b:x', 'b:y']);
    // first: x .1 y .3 z .2 bx .5 by .4 ; second: .3 .1 .2 .5 .4 -> pairs differing: (x,y), (x,z), (y,z): 10 pairs, 7 concordant, 3 discordant.
    expect(comparison.tauToFirst[1]).toBeCloseTo(0.4, 12);
    expect(comparison.tauToFirst[2]).toBeNull();
    const { header, rows } = comparisonRows(experiments, comparison);
    expect(header).toEqual(['operator', 'one score', 'one dropped', 'two score', 'two dropped', 'none score', 'none dropped']);
    expect(rows[4]).toEqual(['b:y', 0.4, 'user', 0.4, 'no', null, null]);
    expect(tableCsv(header, rows).split('\n')[5]).toBe('b:y,0.4,user,0.4,no,,');
  });
});

describe('tableLatex', () => {
  it('writes a booktabs tabular with escaped text, right-aligned numbers and -- for missing cells', () => {
    const tex = tableLatex(['op', 'score_1'], [
      ['nor_conv_3x3', 0.123456],
      ['50% & more', null],
    ]);
    expect(tex.split('\n')).toEqual([
      '\\begin{tabular}{lr}',
      '\\toprule',
      'op & score\\_1 \\\\',
      '\\midrule',
      'nor\\_conv\\_3x3 & 0.1235 \\\\',
      '50\\% \\& more & -- \\\\',
      '\\bottomrule',
      '\\end{tabular}',
      '',
    ]);
    expect(latexEscape('a~b\\c')).toBe('a\\textasciitilde{}b\\textbackslash{}c');
  });
});
