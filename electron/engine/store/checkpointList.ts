/**
 * Finding checkpoints in an experiment directory: list them newest first, and pick the newest
 * one that passes full verification, skipping damaged ones with a warning each.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { storeError } from './atomicFile';
import { WORK_DIR, checkpointsRoot, isCorruptCheckpoint, loadCheckpoint, readManifest } from './checkpoint';
import type { LoadedCheckpoint } from './checkpoint';

export interface CheckpointEntry {
  readonly label: string;
  /** The folder to pass to loadCheckpoint. */
  readonly dir: string;
  /** Save time from the manifest, or null when the manifest cannot be read. */
  readonly created: number | null;
  readonly epoch: number | null;
  readonly step: number | null;
  /** True for the complete previous version found under `.old-<label>-...` after a crash mid-replace. */
  readonly recovered: boolean;
  /** Why the manifest is unusable, or null (the data file is only checked by loading). */
  readonly problem: string | null;
}

function describe(label: string, dir: string, recovered: boolean): CheckpointEntry & { sortKey: number } {
  try {
    const m = readManifest(dir);
    return { label, dir, created: m.created, epoch: m.meta.epoch, step: m.meta.step, recovered, problem: null, sortKey: m.created };
  } catch (error) {
    let mtime = 0;
    try {
      mtime = fs.statSync(dir).mtimeMs;
    } catch {
      /* gone meanwhile: sorts last */
    }
    return { label, dir, created: null, epoch: null, step: null, recovered, problem: (error as Error).message, sortKey: mtime };
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false; // removed between readdir and stat (a concurrent cleanup)
  }
}

/**
 * The checkpoints of an experiment, newest first (by save time; a checkpoint with an unreadable
 * manifest sorts by its folder's mtime). Hidden `.tmp-` folders (writes that never finished)
 * are ignored; an `.old-<label>-` folder is listed only when `<label>` itself is missing.
 */
export function listCheckpoints(experimentDir: string): CheckpointEntry[] {
  const root = checkpointsRoot(experimentDir);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw storeError(`list ${root}`, error);
  }
  const present = new Set(names.filter((n) => !n.startsWith('.')));
  const found: (CheckpointEntry & { sortKey: number })[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    if (!isDirectory(dir)) continue;
    if (!name.startsWith('.')) {
      found.push(describe(name, dir, false));
      continue;
    }
    const m = WORK_DIR.exec(name);
    const label = m?.[2];
    if (m?.[1] === 'old' && label !== undefined && !present.has(label)) found.push(describe(label, dir, true));
  }
  found.sort((a, b) => b.sortKey - a.sortKey || (b.step ?? -1) - (a.step ?? -1) || a.label.localeCompare(b.label));
  // Keep only the newest recovered folder of a label.
  const seen = new Set<string>();
  const unique = found.filter((e) => !e.recovered || (!seen.has(e.label) && seen.add(e.label) !== undefined));
  return unique.map(({ sortKey: _sortKey, ...entry }) => entry);
}

export interface LatestCheckpoint {
  /** The newest checkpoint that verified, loaded; null when there is none. */
  readonly checkpoint: LoadedCheckpoint | null;
  /** One line per newer checkpoint that was skipped, saying why. */
  readonly warnings: string[];
}

/**
 * Loads the newest checkpoint that passes verification (optionally only those whose label
 * `accept`s), skipping corrupt or incomplete ones with a warning each. Other errors propagate.
 */
export function latestValidCheckpoint(experimentDir: string, accept: (label: string) => boolean = () => true): LatestCheckpoint {
  const warnings: string[] = [];
  for (const entry of listCheckpoints(experimentDir)) {
    if (!accept(entry.label)) continue;
    try {
      const checkpoint = loadCheckpoint(entry.dir);
      if (entry.recovered) warnings.push(`Checkpoint '${entry.label}' was restored from ${entry.dir} (a replace was interrupted).`);
      return { checkpoint, warnings };
    } catch (error) {
      if (!isCorruptCheckpoint(error)) throw error;
      warnings.push(`Skipped checkpoint '${entry.label}': ${error.message}`);
    }
  }
  return { checkpoint: null, warnings };
}
