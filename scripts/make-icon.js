#!/usr/bin/env node
// Draws build/icon.png (512x512): a shrinking stack of operator bars, the app's idea in one
// picture. Run once by a developer; electron-builder derives the platform icons from it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { PNG } = require('pngjs');

const size = 512;
const png = new PNG({ width: size, height: size });
const put = (x, y, [r, g, b, a]) => {
  const i = (y * size + x) * 4;
  png.data[i] = r; png.data[i + 1] = g; png.data[i + 2] = b; png.data[i + 3] = a;
};
const radius = 96;
for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    // Rounded square background, dark blue.
    const dx = Math.max(radius - x, x - (size - 1 - radius), 0);
    const dy = Math.max(radius - y, y - (size - 1 - radius), 0);
    const inside = dx * dx + dy * dy <= radius * radius;
    put(x, y, inside ? [22, 40, 84, 255] : [0, 0, 0, 0]);
  }
}
// Five bars, each shorter than the one above: operators dropped step by step.
const widths = [360, 300, 230, 160, 90];
widths.forEach((w, k) => {
  const top = 96 + k * 66;
  const left = (size - w) / 2;
  const color = k < 3 ? [96, 165, 250, 255] : [250, 204, 21, 255];
  for (let y = top; y < top + 44; y++) for (let x = Math.round(left); x < Math.round(left + w); x++) put(x, y, color);
});
const out = path.join(__dirname, '..', 'build', 'icon.png');
fs.writeFileSync(out, PNG.sync.write(png));
console.log(`wrote ${out}`);
