#!/usr/bin/env node
// Fetches Electron's binary after `npm install`, without ever failing the install.
//
// Why not let electron's own postinstall do it (allowScripts: electron = true)?
// Its script exits 1 when the download fails, which makes `npm install` fail on an
// offline machine, in CI and on servers that only want the CLI and `serve`. We
// deny its script in package.json's allowScripts and run the same installer here,
// where a failure becomes a clear warning instead (see docs/adr/0002-install.md).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function electronInstaller() {
  try {
    return require.resolve('electron/install.js');
  } catch {
    return null; // electron is a devDependency: absent under `npm install --omit=dev`
  }
}

function main() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    console.log('nas-shrink: ELECTRON_SKIP_BINARY_DOWNLOAD is set; the desktop app needs `node node_modules/electron/install.js` later (CLI and `serve` work without it).');
    return;
  }
  const installer = electronInstaller();
  if (!installer) return;
  const electronDir = path.dirname(installer);
  if (fs.existsSync(path.join(electronDir, 'path.txt'))) return; // already installed
  console.log('nas-shrink: downloading the Electron binary for the desktop app...');
  const result = spawnSync(process.execPath, [installer], { stdio: 'inherit', cwd: electronDir, timeout: 10 * 60 * 1000 });
  if (result.status !== 0) {
    console.warn(
      'nas-shrink: WARNING: the Electron binary could not be downloaded (offline or blocked?).\n' +
        '  The CLI (`npx nas-shrink`) and the browser UI (`npx nas-shrink serve`) work without it.\n' +
        '  For the desktop app, run `node node_modules/electron/install.js` once you are online.'
    );
  }
}

main();
