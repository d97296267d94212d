#!/usr/bin/env node
// Builds every target in order: the Node side (tsc), the sandboxed preload (one CJS bundle,
// since a sandboxed preload cannot require local files) and the renderer (Vite).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
for (const step of ['build:node', 'build:preload', 'build:renderer']) {
  const started = Date.now();
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', step], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`build: step ${step} failed (exit ${result.status}); fix the errors above and run \`npm run build\` again.`);
    process.exit(result.status ?? 1);
  }
  console.log(`build: ${step} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
