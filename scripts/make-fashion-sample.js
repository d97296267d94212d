#!/usr/bin/env node
// Makes the Fashion-MNIST sample bundled with the app (resources/data/fashion-mnist-sample/):
// a stratified, seeded subset of Zalando Research's Fashion-MNIST, written as gzipped IDX files
// so the engine's ordinary IDX loader reads it. Run once by a developer, and commit the output:
//
//   node scripts/make-fashion-sample.js [SOURCE_DIR] [OUT_DIR]
//
// SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist).
// The output is byte-for-byte reproducible: the same source and seed give the same files.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const SEED = 2017;
const PER_CLASS = { train: 600, test: 200 };
const NUM_CLASSES = 10;
const PREFIX = { train: 'train', test: 't10k' };
const SOURCE = path.resolve(process.argv[2] || '/usr/share/datasets/fashion-mnist');
const OUT = path.resolve(process.argv[3] || path.join(__dirname, '..', 'resources', 'data', 'fashion-mnist-sample'));

// The same generator as electron/engine/random/seededRng.ts (mulberry32, state = seed ^ 0x9e3779b9,
// Fisher-Yates from the end), written out because this script runs without compiling TypeScript.
function seededRng(seed) {
  let state = (seed >>> 0) ^ 0x9e3779b9;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const shuffle = (items) => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  };
  return { shuffle };
}

function readIdx(file, magic) {
  let bytes = fs.readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = zlib.gunzipSync(bytes);
  const found = bytes.readUInt32BE(0);
  if (found !== magic) throw new Error(`${file}: expected IDX magic 0x${magic.toString(16)}, found 0x${found.toString(16)}`);
  const ndims = magic & 0xff;
  const dims = Array.from({ length: ndims }, (_, d) => bytes.readUInt32BE(4 + 4 * d));
  const header = 4 + 4 * ndims;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - header !== count) throw new Error(`${file}: expected ${count} data bytes, found ${bytes.length - header}`);
  return { dims, data: bytes.subarray(header) };
}

function writeIdx(file, magic, dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  // Node writes a fixed gzip header (mtime 0), so the bytes and their sha256 are reproducible.
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([header, data]), { level: 9 }));
}

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Per class (0..9 in order): the class's indices ascending, shuffled by one rng; keep the first `perClass`. */
function selectStratified(labels, perClass, rng) {
  const chosen = [];
  for (let c = 0; c < NUM_CLASSES; c++) {
    const members = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === c) members.push(i);
    if (members.length < perClass) throw new Error(`class ${c} has only ${members.length} images, need ${perClass}`);
    chosen.push(...rng.shuffle(members).slice(0, perClass));
  }
  return chosen.sort((a, b) => a - b); // keep the source order, classes interleaved
}

function makeSplit(split, rng, record) {
  const stem = PREFIX[split];
  const imagesIn = path.join(SOURCE, `${stem}-images-idx3-ubyte.gz`);
  const labelsIn = path.join(SOURCE, `${stem}-labels-idx1-ubyte.gz`);
  const images = readIdx(imagesIn, 0x803);
  const labels = readIdx(labelsIn, 0x801);
  const [, rows, cols] = images.dims;
  const bytes = rows * cols;
  const chosen = selectStratified(labels.data, PER_CLASS[split], rng);
  const outImages = Buffer.alloc(chosen.length * bytes);
  const outLabels = Buffer.alloc(chosen.length);
  chosen.forEach((i, k) => {
    images.data.copy(outImages, k * bytes, i * bytes, (i + 1) * bytes);
    outLabels[k] = labels.data[i];
  });
  const imagesOut = path.join(OUT, path.basename(imagesIn));
  const labelsOut = path.join(OUT, path.basename(labelsIn));
  writeIdx(imagesOut, 0x803, [chosen.length, rows, cols], outImages);
  writeIdx(labelsOut, 0x801, [chosen.length], outLabels);
  record.sources.push({ file: imagesIn, sha256: sha256(imagesIn) }, { file: labelsIn, sha256: sha256(labelsIn) });
  record.outputs.push(
    { file: path.basename(imagesOut), sha256: sha256(imagesOut), bytes: fs.statSync(imagesOut).size },
    { file: path.basename(labelsOut), sha256: sha256(labelsOut), bytes: fs.statSync(labelsOut).size },
  );
  record.counts[split] = chosen.length;
}

const LICENSE = `The MIT License (MIT)

Copyright (c) 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

function readme(record) {
  const rows = (list, cols) => list.map((e) => `| ${cols.map((c) => (c === 'file' ? `\`${e[c]}\`` : e[c])).join(' | ')} |`).join('\n');
  return `# Fashion-MNIST sample (bundled)

A small, class-balanced subset of **Fashion-MNIST** (Han Xiao, Kashif Rasul, Roland Vollgraf,
"Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms",
arXiv:1708.07747, 2017) by **Zalando Research**. It ships inside NAS Shrink Studio as the default
dataset of every preset, so a first run needs no download. Use the full dataset (IDX files,
\`--data DIR\`) for real experiments.

## Contents
| split | images | per class | files |
| --- | --- | --- | --- |
| train | ${record.counts.train} | ${PER_CLASS.train} | \`train-images-idx3-ubyte.gz\`, \`train-labels-idx1-ubyte.gz\` |
| test | ${record.counts.test} | ${PER_CLASS.test} | \`t10k-images-idx3-ubyte.gz\`, \`t10k-labels-idx1-ubyte.gz\` |

Gzipped IDX files exactly like the original ones (28x28 grayscale, labels 0..9: T-shirt/top,
Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot). The test images come
from the original test set only, so train and test never share an image.

## Provenance
- Source: Zalando Research's Fashion-MNIST, as packaged by Debian (\`dataset-fashion-mnist\`,
  installed at \`/usr/share/datasets/fashion-mnist\`), upstream github.com/zalandoresearch/fashion-mnist.
- Made by \`scripts/make-fashion-sample.js\` (run \`node scripts/make-fashion-sample.js\` to redo it;
  the output is byte-for-byte the same).
- Selection rule, per split: for each class 0..9 in order, list the indices of that class's
  images in the source file (ascending), shuffle the list with Fisher-Yates driven by the
  project's seeded generator (mulberry32, as \`SeededRng\` in electron/engine/random/seededRng.ts),
  and keep the first ${PER_CLASS.train} (train) or ${PER_CLASS.test} (test). One generator is used per split, created with
  seed **${SEED}** for train and **${SEED + 1}** for test, and shared by the ten classes in order. The kept
  indices are then sorted ascending, so images keep their original relative order.
- Normalisation used with it (that of the full training set): mean 0.2860, std 0.3530.

Source files (sha256):

| file | sha256 |
| --- | --- |
${rows(record.sources, ['file', 'sha256'])}

Files in this folder (sha256):

| file | bytes | sha256 |
| --- | --- | --- |
${rows(record.outputs, ['file', 'bytes', 'sha256'])}

## License
Fashion-MNIST is released under the MIT License, Copyright (c) 2017 Zalando SE; the full text is
in [LICENSE](LICENSE) in this folder. This subset is distributed under the same license.
`;
}

function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const record = { sources: [], outputs: [], counts: {} };
  makeSplit('train', seededRng(SEED), record);
  makeSplit('test', seededRng(SEED + 1), record);
  fs.writeFileSync(path.join(OUT, 'LICENSE'), LICENSE);
  fs.writeFileSync(path.join(OUT, 'README.md'), readme(record));
  for (const o of record.outputs) console.log(`${o.file}\t${o.bytes} bytes\t${o.sha256}`);
  console.log(`wrote ${record.counts.train} training and ${record.counts.test} test images to ${OUT}`);
}

if (require.main === module) main();
module.exports = { seededRng, selectStratified };
