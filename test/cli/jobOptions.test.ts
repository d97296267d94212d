/**
 * The options `run`, `eval` and `resume` share (electron/cli/jobOptions.ts), through the real
 * command line: each command refuses the same bad values with the same message and exit code 2,
 * before any job starts or anything is written.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireBuilt } from '../helpers/built';

const bin = path.resolve(__dirname, '../../bin/nas-shrink.js');

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NAS_WORKSPACE: cwd } });
  return { code: r.status, stderr: r.stderr.trim() };
}

describe('shared job options on the command line', () => {
  requireBuilt();
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-cli-options-'));
  const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';

  it.each([
    ['run', ['run', 'cnn-fashion']],
    ['eval', ['eval', arch]],
  ])('%s: --epochs 0, --seed -1 and --max-train-images 2.5 are usage errors naming the option and the value', (name, base) => {
    expect(cli([...base, '--epochs', '0'], cwd)).toEqual({ code: 2, stderr: `nas-shrink ${name}: --epochs must be an integer >= 1, got '0'.` });
    expect(cli([...base, '--seed=-1'], cwd)).toEqual({ code: 2, stderr: `nas-shrink ${name}: --seed must be an integer >= 0, got '-1'.` });
    expect(cli([...base, '--max-train-images', '2.5'], cwd)).toEqual({ code: 2, stderr: `nas-shrink ${name}: --max-train-images must be an integer >= 1, got '2.5'.` });
  });

  it.each([
    ['run', ['run', 'cnn-fashion']],
    ['eval', ['eval', arch]],
    ['resume', ['resume', 'some-dir']],
  ])('%s: an unknown --backend is a usage error that lists the backends', (name, base) => {
    expect(cli([...base, '--backend', 'tpu'], cwd)).toEqual({ code: 2, stderr: `nas-shrink ${name}: Unknown backend 'tpu'. Use one of: auto, tfjs-node-gpu, tfjs-node, wasm, cpu.` });
  });

  it('nothing was written by the refused commands', () => {
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});
