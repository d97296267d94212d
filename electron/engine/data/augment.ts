/**
 * The augmentations presets use, applied on uint8 pixels while a batch is assembled (no extra
 * tensors): random crop with zero padding, then horizontal flip, as torchvision's
 * RandomCrop(32, padding=4) + RandomHorizontalFlip in the CIFAR recipes of NAS-Bench-201 and
 * DARTS. Padding is black in raw pixel space (as torchvision pads before normalising).
 */
import type { SeededRng } from '../random/seededRng';

/** What to do to each training image. */
export interface Augmentation {
  /** Pad by this many pixels on every side, then crop back to H x W at a random offset (0 = no crop). */
  readonly cropPadding?: number | undefined;
  /** Mirror left-right with probability 1/2. */
  readonly horizontalFlip?: boolean | undefined;
}

/** The standard CIFAR training augmentation: crop with padding 4, horizontal flip. */
export const CIFAR_AUGMENTATION: Augmentation = { cropPadding: 4, horizontalFlip: true };

/** The augmentation a preset uses by default for a dataset: CIFAR gets {@link CIFAR_AUGMENTATION}; Fashion-MNIST and others none (null). */
export function defaultAugmentation(datasetName: string): Augmentation | null {
  return datasetName === 'cifar10' || datasetName === 'cifar100' ? CIFAR_AUGMENTATION : null;
}

/** One image's random draw: source offset of the crop and whether to mirror. */
export interface Transform {
  /** Rows to shift: output row y reads source row y + dy (dy in [-pad, pad]). */
  readonly dy: number;
  /** Columns to shift, likewise. */
  readonly dx: number;
  readonly flip: boolean;
}

/** The identity transform (no augmentation). */
export const IDENTITY: Transform = { dy: 0, dx: 0, flip: false };

/** Draws one image's transform; consumes 0, 1, 2 or 3 numbers from `rng` (crop y, crop x, flip). */
export function sampleTransform(augment: Augmentation, rng: SeededRng): Transform {
  const pad = augment.cropPadding ?? 0;
  const dy = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
  const dx = pad > 0 ? rng.int(2 * pad + 1) - pad : 0;
  const flip = augment.horizontalFlip === true ? rng.next() < 0.5 : false;
  return { dy, dx, flip };
}

/**
 * Writes one image through a transform and a lookup table into a float buffer.
 * @param src uint8 HWC pixels of the whole dataset; the image starts at `srcStart`.
 * @param lut float value for each (channel, byte): `lut[c * 256 + v]`; pixels outside the source (padding) use v = 0.
 * @param out float32 HWC destination; the image starts at `outStart`.
 */
export function writeTransformed(
  src: Uint8Array, srcStart: number, shape: { height: number; width: number; channels: number },
  t: Transform, lut: Float32Array, out: Float32Array, outStart: number,
): void {
  const { height: h, width: w, channels: c } = shape;
  let o = outStart;
  for (let y = 0; y < h; y++) {
    const sy = y + t.dy;
    for (let x = 0; x < w; x++) {
      // Crop first, then mirror the crop: column x of the output is column w-1-x of the crop.
      const sx = (t.flip ? w - 1 - x : x) + t.dx;
      const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
      const s = srcStart + (sy * w + sx) * c;
      for (let ch = 0; ch < c; ch++) out[o++] = lut[ch * 256 + (inside ? (src[s + ch] as number) : 0)] as number;
    }
  }
}
