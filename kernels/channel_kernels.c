/*
 * Per-channel kernels for batch norm on NHWC float32 data, for tfjs-wasm's heap
 * (electron/engine/tf/cpu/channelKernels.ts, docs/adr/0003-cpu-training-path.md).
 *
 * Built freestanding for wasm32 + SIMD128 (kernels/build.sh). The module imports tfjs-wasm's own
 * memory and works on pointers into it, so it must never touch memory it was not given: no
 * static data, no stack (every function is a leaf with scalar and vector locals only). The
 * build checks that the output has no data segment and never moves the stack pointer.
 *
 * Layout: x is [rows, c] (rows = N*H*W), channels innermost.
 * Sums accumulate 4 channels per f32x4 lane group over blocks of BLOCK rows, then add each
 * block's partial sums into float64 accumulators (`acc`, caller-provided scratch), so that
 * the error stays near float64 summation's while the inner loop stays 4-wide float32.
 */
#include <wasm_simd128.h>

#define BLOCK 128

/* acc[k] += sum over rows of x[r*c+k] * (y ? y[r*c+k] : 1), for channels k in [k0, k0+16). */
static inline void reduce16(const float *x, const float *y, int rows, int c, int k0, double *acc) {
  for (int r0 = 0; r0 < rows; r0 += BLOCK) {
    int r1 = r0 + BLOCK < rows ? r0 + BLOCK : rows;
    v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0, s2 = s0, s3 = s0;
    const float *px = x + (long)r0 * c + k0;
    const float *py = y ? y + (long)r0 * c + k0 : 0;
    if (py) {
      for (int r = r0; r < r1; r++, px += c, py += c) {
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(px), wasm_v128_load(py)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(px + 4), wasm_v128_load(py + 4)));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(px + 8), wasm_v128_load(py + 8)));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(px + 12), wasm_v128_load(py + 12)));
      }
    } else {
      for (int r = r0; r < r1; r++, px += c) {
        s0 = wasm_f32x4_add(s0, wasm_v128_load(px));
        s1 = wasm_f32x4_add(s1, wasm_v128_load(px + 4));
        s2 = wasm_f32x4_add(s2, wasm_v128_load(px + 8));
        s3 = wasm_f32x4_add(s3, wasm_v128_load(px + 12));
      }
    }
    double *a = acc + k0;
    a[0] += wasm_f32x4_extract_lane(s0, 0); a[1] += wasm_f32x4_extract_lane(s0, 1);
    a[2] += wasm_f32x4_extract_lane(s0, 2); a[3] += wasm_f32x4_extract_lane(s0, 3);
    a[4] += wasm_f32x4_extract_lane(s1, 0); a[5] += wasm_f32x4_extract_lane(s1, 1);
    a[6] += wasm_f32x4_extract_lane(s1, 2); a[7] += wasm_f32x4_extract_lane(s1, 3);
    a[8] += wasm_f32x4_extract_lane(s2, 0); a[9] += wasm_f32x4_extract_lane(s2, 1);
    a[10] += wasm_f32x4_extract_lane(s2, 2); a[11] += wasm_f32x4_extract_lane(s2, 3);
    a[12] += wasm_f32x4_extract_lane(s3, 0); a[13] += wasm_f32x4_extract_lane(s3, 1);
    a[14] += wasm_f32x4_extract_lane(s3, 2); a[15] += wasm_f32x4_extract_lane(s3, 3);
  }
}

/* The same for 4 channels (c = 4, 8 or 12, or the tail of c % 16). */
static inline void reduce4(const float *x, const float *y, int rows, int c, int k0, double *acc) {
  for (int r0 = 0; r0 < rows; r0 += BLOCK) {
    int r1 = r0 + BLOCK < rows ? r0 + BLOCK : rows;
    v128_t s0 = wasm_f32x4_splat(0.f);
    const float *px = x + (long)r0 * c + k0;
    const float *py = y ? y + (long)r0 * c + k0 : 0;
    if (py) {
      for (int r = r0; r < r1; r++, px += c, py += c) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(px), wasm_v128_load(py)));
    } else {
      for (int r = r0; r < r1; r++, px += c) s0 = wasm_f32x4_add(s0, wasm_v128_load(px));
    }
    double *a = acc + k0;
    a[0] += wasm_f32x4_extract_lane(s0, 0); a[1] += wasm_f32x4_extract_lane(s0, 1);
    a[2] += wasm_f32x4_extract_lane(s0, 2); a[3] += wasm_f32x4_extract_lane(s0, 3);
  }
}

/*
 * out[k] = sum_r x[r*c+k] * (y ? y[r*c+k] : 1) for k < c. c must be a multiple of 4.
 * acc: scratch for c doubles.
 */
__attribute__((export_name("nas_channel_reduce")))
void nas_channel_reduce(const float *x, const float *y, int rows, int c, float *out, double *acc) {
  for (int k = 0; k < c; k++) acc[k] = 0.0;
  int k0 = 0;
  for (; k0 + 16 <= c; k0 += 16) reduce16(x, y, rows, c, k0, acc);
  for (; k0 + 4 <= c; k0 += 4) reduce4(x, y, rows, c, k0, acc);
  for (int k = 0; k < c; k++) out[k] = (float)acc[k];
}

/*
 * out[i] = a[i] * p[k] + b[i] * q[k] + s[k] with k = i mod c, over rows*c elements.
 * c must be a multiple of 4; out may not alias p, q or s.
 */
__attribute__((export_name("nas_channel_affine2")))
void nas_channel_affine2(const float *a, const float *b, const float *p, const float *q, const float *s, int rows, int c, float *out) {
  /* Rows outer, one streaming pass; the per-channel vectors stay in L1. */
  if (c == 16) {
    v128_t p0 = wasm_v128_load(p), p1 = wasm_v128_load(p + 4), p2 = wasm_v128_load(p + 8), p3 = wasm_v128_load(p + 12);
    v128_t q0 = wasm_v128_load(q), q1 = wasm_v128_load(q + 4), q2 = wasm_v128_load(q + 8), q3 = wasm_v128_load(q + 12);
    v128_t s0 = wasm_v128_load(s), s1 = wasm_v128_load(s + 4), s2 = wasm_v128_load(s + 8), s3 = wasm_v128_load(s + 12);
    for (int r = 0; r < rows; r++, a += 16, b += 16, out += 16) {
      wasm_v128_store(out, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(a), p0), wasm_f32x4_mul(wasm_v128_load(b), q0)), s0));
      wasm_v128_store(out + 4, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(a + 4), p1), wasm_f32x4_mul(wasm_v128_load(b + 4), q1)), s1));
      wasm_v128_store(out + 8, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(a + 8), p2), wasm_f32x4_mul(wasm_v128_load(b + 8), q2)), s2));
      wasm_v128_store(out + 12, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(a + 12), p3), wasm_f32x4_mul(wasm_v128_load(b + 12), q3)), s3));
    }
    return;
  }
  for (int r = 0; r < rows; r++, a += c, b += c, out += c) {
    for (int k0 = 0; k0 < c; k0 += 4) {
      v128_t v = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(a + k0), wasm_v128_load(p + k0)), wasm_f32x4_mul(wasm_v128_load(b + k0), wasm_v128_load(q + k0))), wasm_v128_load(s + k0));
      wasm_v128_store(out + k0, v);
    }
  }
}
