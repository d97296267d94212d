/**
 * Ground-truth tables: architecture strings with a measured accuracy, such as NAS-Bench-201's
 * CSV (../shared/data/nb201-accuracy.csv: ArchitectureString, CIFAR10TestAccuracy200Epochs, ...)
 * or the table a `ground-truth` job writes. Parsed strictly: a missing column or an
 * architecture the space does not know is an error that names the line.
 */
import * as fs from 'node:fs';
import { NasError } from '../../../shared/errors';
import type { Architecture, SearchSpace } from '../space/searchSpace';

/** The table a `ground-truth` job writes in its experiment folder. */
export const GROUND_TRUTH_FILE = 'ground-truth.csv';

export interface TruthRow {
  arch: Architecture;
  text: string;
  value: number;
}

export interface TruthTableOptions {
  archColumn?: string;
  valueColumn?: string;
}

/** Default columns: NB201's, then ours. */
const ARCH_COLUMNS = ['ArchitectureString', 'architecture'];
const VALUE_COLUMNS = ['CIFAR10TestAccuracy200Epochs', 'testAccuracy', 'accuracy'];

/** Splits one CSV line (fields may be double-quoted; NB201 strings contain '|' and '+', not commas). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

export function readTruthTable(file: string, space: SearchSpace, options: TruthTableOptions = {}): TruthRow[] {
  return readTruthTableColumns(file, space, options).rows;
}

/** {@link readTruthTable}, with the names of the columns it read (the UI shows which accuracy it ranks by). */
export function readTruthTableColumns(file: string, space: SearchSpace, options: TruthTableOptions = {}): { rows: TruthRow[]; archColumn: string; valueColumn: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new NasError('DATASET_MISSING', `Cannot read the ground-truth table ${file}: ${(error as Error).message}`, { fix: 'Pass an existing CSV with --truth.' });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new NasError('DATASET_CORRUPT', `${file} has no rows.`, { fix: 'Give a CSV with a header line and one row per architecture.' });
  const header = splitCsvLine(lines[0] as string).map((h) => h.trim());
  const pick = (wanted: string | undefined, defaults: string[], what: string): number => {
    const names = wanted ? [wanted] : defaults;
    const index = header.findIndex((h) => names.includes(h));
    if (index < 0) {
      throw new NasError('DATASET_CORRUPT', `${file} has no ${what} column (looked for ${names.join(' or ')}; found ${header.join(', ')}).`, {
        fix: `Name the column with ${what === 'architecture' ? '--arch-column' : '--value-column'}.`,
      });
    }
    return index;
  };
  const archIndex = pick(options.archColumn, ARCH_COLUMNS, 'architecture');
  const valueIndex = pick(options.valueColumn, VALUE_COLUMNS, 'value');
  const rows = lines.slice(1).map((line, i) => {
    const fields = splitCsvLine(line);
    const archText = (fields[archIndex] ?? '').trim();
    const value = Number(fields[valueIndex]);
    if (!Number.isFinite(value)) {
      throw new NasError('DATASET_CORRUPT', `${file} line ${i + 2}: '${fields[valueIndex] ?? ''}' is not a number.`, { fix: 'Every row needs a numeric value.' });
    }
    let arch: Architecture;
    try {
      arch = space.parse(archText);
    } catch (error) {
      throw new NasError('DATASET_CORRUPT', `${file} line ${i + 2}: '${archText}' is not an architecture of the ${space.name} space (${(error as Error).message})`, {
        fix: `Keep only ${space.name} architectures in the table, in its canonical notation.`,
      });
    }
    return { arch, text: space.format(arch), value };
  });
  return { rows, archColumn: header[archIndex] as string, valueColumn: header[valueIndex] as string };
}

/** Writes a ground-truth table (our format: architecture, testAccuracy, plus extra columns). */
export function formatTruthTable(rows: { text: string; value: number; extra?: Record<string, number | string> }[]): string {
  const extraKeys = [...new Set(rows.flatMap((r) => Object.keys(r.extra ?? {})))];
  const lines = [['architecture', 'testAccuracy', ...extraKeys].join(',')];
  for (const r of rows) lines.push([r.text, String(r.value), ...extraKeys.map((k) => String(r.extra?.[k] ?? ''))].join(','));
  return `${lines.join('\n')}\n`;
}
