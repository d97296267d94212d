/**
 * `truth.read`: a ground-truth table for the experiments browser, read on the host. Two sources
 * only, each confined: a workspace experiment of method ground-truth (by folder name, no path:
 * experimentDirOf refuses separators and '..') and its ground-truth.csv; or an absolute path of
 * a `.csv` file typed by the user, like the dataset folder of the builder. A typed path must name
 * a regular file ending in .csv, of at most {@link MAX_TRUTH_BYTES}, and the answer carries only
 * the parsed (architecture, accuracy) pairs of a table with the expected columns, never other
 * text of the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NasError } from '../../shared/errors';
import type { TruthSource, TruthTable } from '../../shared/model/truth';
import { GROUND_TRUTH_FILE, readTruthTableColumns } from '../engine/groundTruth/truthTable';
import { createSearchSpace } from '../engine/space/registry';
import { experimentDirOf } from '../engine/store/experimentDetail';
import { readExperimentRecord } from '../engine/store/experimentStore';

/** NAS-Bench-201's CSV of 15,625 rows is ~3 MB; a table ten times that is not a truth table. */
export const MAX_TRUTH_BYTES = 32 * 1024 * 1024;

function checkedCsvFile(typed: string): string {
  const trimmed = typed.trim();
  if (!path.isAbsolute(trimmed)) {
    throw new NasError('INVALID_PAYLOAD', `${trimmed} is not an absolute path.`, { fix: 'Type the full path of the CSV on the host, e.g. /data/nb201-accuracy.csv.' });
  }
  const file = path.resolve(trimmed);
  if (path.extname(file).toLowerCase() !== '.csv') {
    throw new NasError('INVALID_PAYLOAD', `${file} is not a .csv file.`, { fix: 'Give a CSV table with an architecture and an accuracy column (NAS-Bench-201: ArchitectureString, CIFAR10TestAccuracy200Epochs).' });
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new NasError('DATASET_MISSING', `${file} does not exist or cannot be read.`, { fix: 'Check the path; it is read on the host, not on this computer when the UI is remote.' });
  }
  if (!stat.isFile()) throw new NasError('INVALID_PAYLOAD', `${file} is not a file.`, { fix: 'Give the path of the CSV file itself.' });
  if (stat.size > MAX_TRUTH_BYTES) {
    throw new NasError('DATASET_CORRUPT', `${file} is ${(stat.size / 1e6).toFixed(0)} MB; a ground-truth table is at most ${MAX_TRUTH_BYTES / 1e6} MB.`, { fix: 'Keep only the architecture and accuracy columns.' });
  }
  return file;
}

function ofExperiment(workspace: string, id: string): { file: string; label: string } {
  const dir = experimentDirOf(workspace, id);
  const record = readExperimentRecord(dir);
  if (record.config['method'] !== 'ground-truth') {
    throw new NasError('INVALID_PAYLOAD', `${id} is not a ground-truth experiment (its method is ${String(record.config['method'])}).`, { fix: 'Choose an experiment of the nb201-fashion-truth preset, or a CSV file.' });
  }
  const file = path.join(dir, GROUND_TRUTH_FILE);
  if (!fs.existsSync(file)) throw new NasError('DATASET_MISSING', `${id} has no ${GROUND_TRUTH_FILE} yet (no architecture finished).`, { fix: 'Wait for its first architecture, or resume it.' });
  return { file, label: `ground-truth experiment ${id}` };
}

/** Reads the table of `source` as NB201 architectures (the space every builder method uses). */
export function readTruthForUi(workspace: string, source: TruthSource): TruthTable {
  const { file, label } = source.kind === 'experiment' ? ofExperiment(workspace, source.id) : { file: checkedCsvFile(source.path), label: path.basename(source.path.trim()) };
  const space = createSearchSpace({ kind: 'nb201' });
  const { rows, valueColumn } = readTruthTableColumns(file, space);
  return { label, file, valueColumn, rows: rows.map((r) => ({ architecture: r.text, accuracy: r.value })) };
}
