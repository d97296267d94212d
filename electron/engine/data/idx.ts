/**
 * The IDX file format of MNIST, Fashion-MNIST and KMNIST (http://yann.lecun.com/exdb/mnist/):
 * a 4-byte big-endian magic number 0x0000TTDD (TT = element type, 0x08 = unsigned byte;
 * DD = number of dimensions), DD big-endian uint32 sizes, then the elements in row-major order.
 * Image files are 0x00000803 (N x rows x cols), label files 0x00000801 (N).
 */
import { NasError } from '../../../shared/errors';
import { readDataFile } from './readDataFile';

/** The magic number of an IDX image file: unsigned bytes, 3 dimensions. */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** The magic number of an IDX label file: unsigned bytes, 1 dimension. */
export const IDX_LABELS_MAGIC = 0x00000801;

/** A parsed IDX file of unsigned bytes. */
export interface IdxArray {
  /** Sizes of each dimension, outermost first (images: [N, rows, cols]; labels: [N]). */
  readonly dims: readonly number[];
  /** The elements, row-major; a view into the file's buffer (no copy). */
  readonly data: Uint8Array;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

function describeMagic(magic: number): string {
  return magic === IDX_IMAGES_MAGIC ? 'images, 3 dimensions' : magic === IDX_LABELS_MAGIC ? 'labels, 1 dimension' : 'unsigned bytes';
}

/**
 * Parses an IDX buffer and checks it is exactly the expected kind.
 * @param bytes the whole (already decompressed) file.
 * @param expectedMagic {@link IDX_IMAGES_MAGIC} or {@link IDX_LABELS_MAGIC}.
 * @param file the file's path, for error messages.
 * @throws NasError DATASET_CORRUPT on a wrong magic number, a header cut short, or a data size that does not match the dimensions.
 */
export function parseIdx(bytes: Uint8Array, expectedMagic: number, file: string): IdxArray {
  const want = `${hex(expectedMagic)} (IDX ${describeMagic(expectedMagic)})`;
  if (bytes.length < 4) {
    throw corrupt(file, `expected an IDX header starting with magic number ${want}, found only ${bytes.length} bytes`, 'The file is empty or truncated; download it again.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw corrupt(file, `expected magic number ${want}, found ${hex(magic)}`, 'Check that images and labels are not swapped and that the file is an IDX file (MNIST-style ubyte), not HTML or another format; download it again if unsure.');
  }
  const ndims = magic & 0xff;
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw corrupt(file, `expected a ${headerBytes}-byte header for ${ndims} dimensions, found ${bytes.length} bytes`, 'The file is truncated; download it again.');
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  if (found !== count) {
    const what = found < count ? 'truncated' : 'longer than its header says';
    throw corrupt(file, `${what}: dimensions ${dims.join('x')} need ${count} data bytes after the ${headerBytes}-byte header, found ${found}`, 'Download the file again (an interrupted download or a concatenated file causes this).');
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Reads (gunzipping if needed) and parses one IDX file; see {@link parseIdx}. */
export async function readIdxFile(file: string, expectedMagic: number): Promise<IdxArray> {
  return parseIdx(await readDataFile(file), expectedMagic, file);
}

function corrupt(file: string, problem: string, fix: string): NasError {
  return new NasError('DATASET_CORRUPT', `IDX file ${file}: ${problem}.`, { fix });
}
