/**
 * Decodes one PNG or JPEG file to 8-bit pixels, keeping 1 channel for grayscale sources and 3
 * for colour ones (alpha is dropped: the networks take RGB). Pure JS (pngjs, jpeg-js), so the
 * app needs no native build. The format is taken from the file's signature, not its name.
 */
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { NasError } from '../../../shared/errors';

/** A decoded image. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** 1 (grayscale) or 3 (RGB). */
  readonly channels: 1 | 3;
  /** uint8 pixels, length height*width*channels, HWC. */
  readonly data: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

/** Keeps channel 0 (gray) or channels 0..2 (RGB) of each 4-byte RGBA pixel. */
function fromRgba(rgba: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = rgba[p * 4 + c] as number;
  }
  return out;
}

/**
 * Number of colour components declared in a JPEG's start-of-frame header (1 = grayscale), or
 * 3 when no frame header is found. jpeg-js always returns RGB(A), so this is how a grayscale
 * JPEG is told apart.
 */
export function jpegComponents(bytes: Uint8Array): number {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return 3;
    const marker = bytes[i + 1] as number;
    const length = ((bytes[i + 2] as number) << 8) | (bytes[i + 3] as number);
    // SOF0..SOF15 except DHT (c4), JPG (c8) and DAC (cc): the component count is at offset 9.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return bytes[i + 9] ?? 3;
    i += 2 + length;
  }
  return 3;
}

/**
 * Decodes a PNG or JPEG held in `bytes`.
 * @param file the file's path, for error messages.
 * @throws NasError DATASET_CORRUPT if the file is neither PNG nor JPEG or cannot be decoded.
 */
export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const channels = png.color ? 3 : 1;
      return { width: png.width, height: png.height, channels, data: fromRgba(png.data, png.width, png.height, channels) };
    }
    if (isJpeg(bytes)) {
      const channels = jpegComponents(bytes) === 1 ? 1 : 3;
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 50, maxMemoryUsageInMB: 256 });
      return { width: img.width, height: img.height, channels, data: fromRgba(img.data, img.width, img.height, channels) };
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NasError('DATASET_CORRUPT', `Image ${file}: expected a decodable PNG or JPEG, but decoding failed: ${reason}.`, {
      fix: 'Replace or delete the damaged image.',
      cause: error,
    });
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new NasError('DATASET_CORRUPT', `Image ${file}: expected a PNG (89 50 4e 47) or JPEG (ff d8) signature, found ${head || 'an empty file'}.`, {
    fix: 'Convert the image to PNG or JPEG, or remove it from the dataset folder.',
  });
}
