import { describe, expect, it } from 'vitest';
import { bestCsv, csvField, curvesCsv, scoresCsv, toCsv } from '../../../renderer/src/lib/csv';
import { CHOICES, stepOne } from '../fixtures/abs';

describe('CSV export', () => {
  it('quotes fields with commas, quotes or line breaks, and leaves empty what is unknown', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(toCsv([['a', 1], ['b', null]])).toBe('a,1\nb,\n');
  });

  it('writes one row per step and operator with its rank on the edge and why it was dropped', () => {
    const lines = scoresCsv([stepOne(1)], CHOICES).trimEnd().split('\n');
    expect(lines[0]).toBe('step,epoch,metric,edge,op,key,score,rank_on_edge,dropped,drop_reason');
    expect(lines.slice(1)).toEqual([
      '1,1,angle,a,x,a:x,0.1,3,no,',
      '1,1,angle,a,y,a:y,0.3,1,no,',
      '1,1,angle,a,z,a:z,0.2,2,yes,score',
      '1,1,angle,b,x,b:x,0.5,1,no,',
      '1,1,angle,b,y,b:y,0.4,2,yes,user',
    ]);
  });

  it('writes the best architectures with a column per metric, missing ones empty', () => {
    const text = bestCsv([
      { architecture: '|x~0|', fitness: 0.5, metrics: { angle: 0.1, 'accuracy-rebn': 0.5 } },
      { architecture: '|y~0|,odd', fitness: 0.4, metrics: { angle: 0.2 } },
    ]);
    expect(text).toBe('rank,architecture,fitness,accuracy-rebn,angle\n1,|x~0|,0.5,0.5,0.1\n2,"|y~0|,odd",0.4,,0.2\n');
  });

  it('writes one row per metric event, node empty for one-network runs, other events left out', () => {
    const text = curvesCsv([
      { seq: 0, time: 1, type: 'status', status: 'running' },
      { seq: 1, time: 1, type: 'metric', split: 'train', epoch: 0.125, step: 10, loss: 2.25, accuracy: 0.1 },
      { seq: 2, time: 1, type: 'metric', split: 'val', epoch: 1, step: 80, loss: 1.5, accuracy: 0.4, node: 3 },
    ]);
    expect(text).toBe('split,node,epoch,step,loss,accuracy\ntrain,,0.125,10,2.25,0.1\nval,3,1,80,1.5,0.4\n');
  });
});
