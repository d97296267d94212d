/**
 * Where the app's files are, from source (vitest runs electron/**.ts) and from the build
 * (dist/electron/**.js), in a clone or inside a packaged app.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let root: string | null = null;

/** The folder holding the app's package.json. */
export function appRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'nas-shrink-studio') return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find NAS Shrink Studio's package.json above ${__dirname}`);
    dir = parent;
  }
}

/** The compiled job entry. */
export function jobEntry(): string {
  return path.join(appRoot(), 'dist', 'electron', 'job', 'jobMain.js');
}

/** The compiled backend-probe entry. */
export function probeEntry(): string {
  return path.join(appRoot(), 'dist', 'electron', 'job', 'probeMain.js');
}

/** The built renderer (index.html and assets). */
export function rendererDir(): string {
  return path.join(appRoot(), 'dist', 'renderer');
}

/** The default workspace of the CLI and `serve`: ./experiments under the current folder. */
export function defaultWorkspace(): string {
  return path.resolve(process.cwd(), 'experiments');
}
