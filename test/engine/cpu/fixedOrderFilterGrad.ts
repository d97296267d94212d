/**
 * An independent float32 model of the filter gradient's summation order (ADR 0003, round 4), for
 * bit-exact tests: written from the rules, not from the C code's structure.
 *
 *   for each chunk c of `chunkImages` images:           (the partition: shapes only)
 *     p_c[e] = 0; for each image n of c: p_c[e] += acc_n[e]
 *       where acc_n[e] = 0; for i (rows of dy), j (columns, in-image taps only): acc += x * dy
 *   dW = p_0; dW += p_1; dW += p_2; ...                   (chunk order)
 *
 * Every product and sum is rounded to float32 (Math.fround: a sum or product of two float32
 * values computed in float64 and rounded once to float32 is the correctly rounded float32 one).
 */
export interface FilterGradCase {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly ci: number;
  readonly co: number;
  readonly k: number;
  readonly stride: number;
  /** Symmetric padding on both spatial axes. */
  readonly pad: number;
}

/** Output size of a conv with symmetric padding (tfjs explicit padding, floor). */
export function outSize(size: number, c: FilterGradCase): number {
  return Math.floor((size + 2 * c.pad - c.k) / c.stride) + 1;
}

/** dW [k, k, ci, co] from x [n, h, w, ci] and dy [n, ho, wo, co] in the fixed chunk order. */
export function fixedOrderFilterGrad(x: Float32Array, dy: Float32Array, c: FilterGradCase, chunkImages: number): Float32Array {
  const f = Math.fround;
  const ho = outSize(c.h, c);
  const wo = outSize(c.w, c);
  const size = c.k * c.k * c.ci * c.co;
  const dw = new Float32Array(size);
  for (let c0 = 0, chunk = 0; c0 < c.n; c0 += chunkImages, chunk++) {
    const p = new Float32Array(size);
    for (let n = c0; n < Math.min(c.n, c0 + chunkImages); n++) {
      for (let a = 0; a < c.k; a++) {
        for (let b = 0; b < c.k; b++) {
          for (let ci = 0; ci < c.ci; ci++) {
            for (let co = 0; co < c.co; co++) {
              let acc = 0;
              for (let i = 0; i < ho; i++) {
                const ii = i * c.stride + a - c.pad;
                if (ii < 0 || ii >= c.h) continue;
                for (let j = 0; j < wo; j++) {
                  const jj = j * c.stride + b - c.pad;
                  if (jj < 0 || jj >= c.w) continue;
                  const xv = x[((n * c.h + ii) * c.w + jj) * c.ci + ci] as number;
                  const dv = dy[((n * ho + i) * wo + j) * c.co + co] as number;
                  acc = f(acc + f(xv * dv));
                }
              }
              const e = ((a * c.k + b) * c.ci + ci) * c.co + co;
              p[e] = f((p[e] as number) + acc);
            }
          }
        }
      }
    }
    if (chunk === 0) dw.set(p);
    else for (let e = 0; e < size; e++) dw[e] = f((dw[e] as number) + (p[e] as number));
  }
  return dw;
}

/** Indices where two float32 arrays differ in their bits (empty when identical), at most `limit`. */
export function bitDifferences(a: Float32Array, b: Float32Array, limit = 5): number[] {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < ua.length && out.length < limit; i++) if (ua[i] !== ub[i]) out.push(i);
  return out;
}
