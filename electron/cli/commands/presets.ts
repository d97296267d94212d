/** `nas-shrink presets`: the built-in experiment presets. */
import { parseArgs } from 'node:util';
import { listPresets, presetSummary } from '../../engine/presets/presets';

export async function presetsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
  const presets = listPresets();
  if (values.json) {
    // Complete configs: a starting point for `nas-shrink run my-config.json`.
    console.log(JSON.stringify(presets, null, 2));
    return 0;
  }
  const width = Math.max(...presets.map((p) => p.name.length));
  for (const p of presets) {
    const s = presetSummary(p);
    console.log(`${p.name.padEnd(width)}  ${p.title} (${p.method}, ${s.dataset}, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'})`);
    console.log(`${' '.repeat(width)}  ${p.description}`);
  }
  return 0;
}
