/**
 * `nas-shrink`: the headless face of the engine. Each command lives in commands/; this file
 * only dispatches and turns errors into one line on stderr with a non-zero exit code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError, formatError } from '../../shared/errors';
import { appRoot } from '../host/appPaths';
import { UsageError } from './cliError';
import { doctorCommand, DOCTOR_HELP } from './commands/doctor';
import { evalCommand, EVAL_HELP } from './commands/evalArch';
import { listCommand, showCommand } from './commands/list';
import { presetsCommand } from './commands/presets';
import { scoreCommand, SCORE_HELP, tauCommand, TAU_HELP } from './commands/scoreArchs';
import { runCommand, RUN_HELP } from './commands/run';
import { resumeCommand, RESUME_HELP } from './commands/resume';
import { serveCommand, SERVE_HELP } from './commands/serve';

type Command = { run: (argv: string[]) => Promise<number>; summary: string; help?: string };

const COMMANDS: Record<string, Command> = {
  run: { run: runCommand, summary: 'run an experiment from a preset', help: RUN_HELP },
  resume: { run: resumeCommand, summary: 'continue a killed, failed or cancelled experiment from its last checkpoint', help: RESUME_HELP },
  eval: { run: evalCommand, summary: 'train one architecture stand-alone and print its test accuracy', help: EVAL_HELP },
  serve: { run: serveCommand, summary: 'serve the UI to a browser (token-protected, 127.0.0.1 by default)', help: SERVE_HELP },
  doctor: { run: doctorCommand, summary: 'show the compute backend, why faster ones were skipped, and versions', help: DOCTOR_HELP },
  score: { run: scoreCommand, summary: "score architectures with an experiment's supernet", help: SCORE_HELP },
  tau: { run: tauCommand, summary: 'Kendall tau and Spearman rho of each metric against a ground-truth table', help: TAU_HELP },
  presets: { run: presetsCommand, summary: 'list the built-in presets' },
  list: { run: listCommand, summary: 'list the experiments in a folder (default ./experiments)' },
  show: { run: showCommand, summary: 'show one experiment directory' },
};

function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `NAS Shrink Studio ${version()}: neural architecture search with angle-based search-space shrinking (ABS) and gradient-matching few-shot NAS (GM-NAS).

Usage: nas-shrink <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help     help (also: nas-shrink <command> --help)
  -v, --version  version

Examples:
  nas-shrink run cnn-fashion
  nas-shrink run nb201-fashion --data /usr/share/datasets/fashion-mnist --epochs 1
  nas-shrink resume experiments/<name>
  nas-shrink eval '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
  nas-shrink serve --port 0
  nas-shrink doctor`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`nas-shrink: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')} (see \`nas-shrink --help\`).`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`nas-shrink ${name}: ${(error as Error).message}`);
      return 2;
    }
    if (error instanceof NasError) {
      console.error(`nas-shrink ${name}: ${formatError(error.toData())}`);
      return 1;
    }
    throw error;
  }
}
