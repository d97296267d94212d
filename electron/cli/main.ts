/**
 * `nas-shrink`: the headless face of the engine. Each command lives in commands/; this file
 * only dispatches and turns errors into one line on stderr with a non-zero exit code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError, formatError } from '../../shared/errors';
import { appRoot } from '../host/appPaths';
import { UsageError } from './cliError';

type Command = { load: () => Promise<(argv: string[]) => Promise<number>>; summary: string };

// Commands load their module on use: `list` and `show` never pay for TensorFlow's start-up
// (about 0.3 s), which only training and scoring commands need.
const COMMANDS: Record<string, Command> = {
  run: { load: async () => (await import('./commands/run.js')).runCommand, summary: 'run an experiment from a preset' },
  resume: { load: async () => (await import('./commands/resume.js')).resumeCommand, summary: 'continue a killed, failed or cancelled experiment from its last checkpoint' },
  eval: { load: async () => (await import('./commands/evalArch.js')).evalCommand, summary: 'train one architecture stand-alone and print its test accuracy' },
  serve: { load: async () => (await import('./commands/serve.js')).serveCommand, summary: 'serve the UI to a browser (token-protected, 127.0.0.1 by default)' },
  doctor: { load: async () => (await import('./commands/doctor.js')).doctorCommand, summary: 'show the compute backend, why faster ones were skipped, and versions' },
  score: { load: async () => (await import('./commands/scoreArchs.js')).scoreCommand, summary: "score architectures with an experiment's supernet" },
  tau: { load: async () => (await import('./commands/scoreArchs.js')).tauCommand, summary: 'Kendall tau and Spearman rho of each metric against a ground-truth table' },
  presets: { load: async () => (await import('./commands/presets.js')).presetsCommand, summary: 'list the built-in presets' },
  list: { load: async () => (await import('./commands/list.js')).listCommand, summary: 'list the experiments in a folder (default ./experiments)' },
  show: { load: async () => (await import('./commands/list.js')).showCommand, summary: 'show one experiment directory' },
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
    return await (await command.load())(rest);
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
