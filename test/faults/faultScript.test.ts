/**
 * The quick half of `npm run test:faults` (every bad-input case that trains nothing) through
 * the real CLI: each case must be handled (message with a fix, exit code, disk untouched). The
 * training cases (NaN, full disk, half-written checkpoint, kill -9, stale lock) run in the
 * full script; resume after kill -9 is also test/host/resume.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { requireBuilt } from '../helpers/built';

interface Row {
  case: string;
  expected: string;
  observed: string;
  ok: boolean;
}

describe('npm run test:faults -- --quick', () => {
  requireBuilt();

  it('handles every bad-input case with a message that names the problem and a fix', () => {
    const script = path.join(__dirname, '..', '..', 'scripts', 'faults.js');
    const result = spawnSync(process.execPath, [script, '--quick', '--json'], { encoding: 'utf8', timeout: 120_000 });
    const rows = JSON.parse(result.stdout) as Row[];
    expect(rows.map((r) => r.case)).toEqual([
      'unknown preset',
      'unknown op',
      'negative lr',
      'zero epochs (config)',
      'zero epochs (--epochs 0)',
      'ABS target > space',
      'dataset missing',
      'dataset empty',
      'dataset corrupt',
      'CSV missing columns',
      'CSV foreign architectures',
      'newer format (show)',
      'newer format (resume)',
      'unwritable folder',
      'torn events line',
      'live lock',
    ]);
    expect(rows.filter((r) => !r.ok).map((r) => `${r.case}: ${r.observed}`)).toEqual([]);
    expect(result.status).toBe(0);
  }, 120_000);
});
