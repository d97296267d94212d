import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatTruthTable, readTruthTable } from '../../electron/engine/groundTruth/truthTable';
import { NB201_SPACE } from '../../electron/engine/space/nb201SearchSpace';

const NB201_CSV = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'nb201-accuracy.csv');

function tmp(content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nas-truth-')), 't.csv');
  fs.writeFileSync(file, content);
  return file;
}

describe('ground-truth tables', () => {
  it.skipIf(!fs.existsSync(NB201_CSV))('reads all 15,625 NAS-Bench-201 rows; every string parses and round-trips', () => {
    const rows = readTruthTable(NB201_CSV, NB201_SPACE);
    expect(rows).toHaveLength(15625);
    expect(new Set(rows.map((r) => r.text)).size).toBe(15625);
    const raw = fs.readFileSync(NB201_CSV, 'utf8');
    for (const r of rows.slice(0, 200)) expect(raw).toContain(r.text);
    // The best CIFAR-10 architecture reaches 94.37 (the benchmark's paper).
    expect(Math.max(...rows.map((r) => r.value))).toBeCloseTo(94.37, 2);
  });

  it('round-trips our own format', () => {
    const text = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';
    const file = tmp(formatTruthTable([{ text, value: 0.9, extra: { epochs: 3 } }]));
    expect(readTruthTable(file, NB201_SPACE)).toEqual([{ arch: NB201_SPACE.parse(text), text, value: 0.9 }]);
  });

  it('names a missing column, a bad value and an architecture outside the space', () => {
    expect(() => readTruthTable(tmp('arch,acc\nx,1\n'), NB201_SPACE)).toThrow(/has no architecture column \(looked for ArchitectureString or architecture; found arch, acc\)/);
    expect(() => readTruthTable(tmp('architecture,testAccuracy\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,abc\n'), NB201_SPACE)).toThrow(/line 2: 'abc' is not a number/);
    expect(() => readTruthTable(tmp('architecture,testAccuracy\n|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|,0.5\n'), NB201_SPACE)).toThrow(/line 2: .* is not an architecture of the nb201 space/);
  });
});
