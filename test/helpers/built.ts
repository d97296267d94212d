/**
 * Tests that start real job processes run the compiled entries under dist/ (as the app does).
 * `npm test` builds first; a bare `vitest` run after a source change needs `npm run build`.
 */
import * as fs from 'node:fs';
import { jobEntry, probeEntry, rendererDir } from '../../electron/host/appPaths';
import * as path from 'node:path';

export function requireBuilt(): void {
  for (const file of [jobEntry(), probeEntry(), path.join(rendererDir(), 'index.html')]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before these tests (\`npm test\` does it).`);
  }
}
