#!/usr/bin/env node
'use strict';
// The `nas-shrink` command: a thin launcher for the compiled CLI.
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'electron', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  console.error('nas-shrink: the app is not built yet. Fix: run `npm install` (it builds) or `npm run build` in ' + path.join(__dirname, '..'));
  process.exit(2);
}
require(entry).main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`nas-shrink: ${error && error.message ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
