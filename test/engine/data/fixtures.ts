/**
 * Tiny hand-made dataset files for the data tests, written into a fresh temp directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';

/** A new empty temp directory; remove it with {@link removeDir}. */
export function makeTempDir(prefix = 'nas-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** An IDX file's bytes: big-endian magic, dims, data. */
export function idxBytes(magic: number, dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** Images where pixel (n, y, x) = (n * 31 + y * 7 + x) mod 256, so any misplaced byte shows. */
export function patternImages(n: number, h: number, w: number): Uint8Array {
  const out = new Uint8Array(n * h * w);
  for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(i * h + y) * w + x] = (i * 31 + y * 7 + x) % 256;
  return out;
}

/** Writes an MNIST-style directory for one split ('train' or 't10k'); gzipped when `gzip`. */
export function writeIdxSplit(dir: string, prefix: 'train' | 't10k', images: Uint8Array, dims: [number, number, number], labels: Uint8Array, gzip: boolean): void {
  const write = (name: string, bytes: Buffer): void => fs.writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? zlib.gzipSync(bytes) : bytes);
  write(`${prefix}-images-idx3-ubyte`, idxBytes(0x803, dims, images));
  write(`${prefix}-labels-idx1-ubyte`, idxBytes(0x801, [labels.length], labels));
}

/** One CIFAR record: label byte(s), then 3072 CHW pixels where channel c, row y, col x = pixel(c, y, x). */
export function cifarRecord(labels: number[], pixel: (c: number, y: number, x: number) => number): Buffer {
  const rec = Buffer.alloc(labels.length + 3072);
  labels.forEach((l, i) => (rec[i] = l));
  for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) rec[labels.length + c * 1024 + y * 32 + x] = pixel(c, y, x) & 0xff;
  return rec;
}

/** PNG bytes of a w x h image; `gray` writes colour type 0, else RGB (type 2). `pixel` gives [r, g, b]. */
export function pngBytes(w: number, h: number, gray: boolean, pixel: (y: number, x: number) => [number, number, number]): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = pixel(y, x);
      png.data.set([r, g, b, 255], (y * w + x) * 4);
    }
  }
  return PNG.sync.write(png, { colorType: gray ? 0 : 2 });
}

/** JPEG bytes (RGB, quality 100) of a w x h image of one colour. */
export function jpegBytes(w: number, h: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([...rgb, 255], p * 4);
  return jpeg.encode({ data, width: w, height: h }, 100).data;
}

/** Writes `bytes` to dir/...parts, creating folders. */
export function writeFile(dir: string, parts: string[], bytes: Uint8Array): string {
  const file = path.join(dir, ...parts);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}
