/*
 * Conv2D filter gradient on NHWC float32 data, for tfjs-wasm's heap
 * (electron/engine/tf/cpu/convGradients.ts, docs/adr/0003-cpu-training-path.md).
 *
 *   dw[a][b][ci][co] = sum over n, i, j of x[n][i*s + a - pt][j*s + b - pl][ci] * dy[n][i][j][co]
 *
 * (out-of-image x reads are zero padding). One image at a time, so that its x and dy stay in
 * L2 while every (tap, 4 input channels, 8 output channels) block streams over it; each block
 * keeps its 4x8 partial sums in eight f32x4 accumulators and adds them into dw once per image.
 * Same rules as channel_kernels.c: no static data, no stack.
 */
#include <wasm_simd128.h>

/* Sums one image's contribution for one tap and one (4 ci x 8 co) block into dw. */
static inline void block4x8(const float *x, const float *dy, int H, int W, int Ci, int Ho, int Wo, int Co,
                            int s, int oy, int ox, int ci0, int co0, float *dwp) {
  v128_t a00 = wasm_f32x4_splat(0.f), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  /* Output columns j whose input column j*s + ox lies in [0, W). */
  int j0 = ox >= 0 ? 0 : (-ox + s - 1) / s;
  int j1 = (W - 1 - ox) / s + 1;
  if (W - 1 - ox < 0) j1 = 0;
  if (j1 > Wo) j1 = Wo;
  for (int i = 0; i < Ho; i++) {
    int ii = i * s + oy;
    if (ii < 0 || ii >= H) continue;
    const float *px = x + ((long)ii * W + (long)j0 * s + ox) * Ci + ci0;
    const float *pd = dy + ((long)i * Wo + j0) * Co + co0;
    for (int j = j0; j < j1; j++, px += s * Ci, pd += Co) {
      v128_t d0 = wasm_v128_load(pd), d1 = wasm_v128_load(pd + 4);
      v128_t x0 = wasm_v128_load32_splat(px), x1 = wasm_v128_load32_splat(px + 1);
      v128_t x2 = wasm_v128_load32_splat(px + 2), x3 = wasm_v128_load32_splat(px + 3);
      a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(x0, d0)); a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(x0, d1));
      a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(x1, d0)); a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(x1, d1));
      a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(x2, d0)); a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(x2, d1));
      a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(x3, d0)); a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(x3, d1));
    }
  }
  float *r0 = dwp, *r1 = dwp + Co, *r2 = dwp + 2 * Co, *r3 = dwp + 3 * Co;
  wasm_v128_store(r0, wasm_f32x4_add(wasm_v128_load(r0), a00)); wasm_v128_store(r0 + 4, wasm_f32x4_add(wasm_v128_load(r0 + 4), a01));
  wasm_v128_store(r1, wasm_f32x4_add(wasm_v128_load(r1), a10)); wasm_v128_store(r1 + 4, wasm_f32x4_add(wasm_v128_load(r1 + 4), a11));
  wasm_v128_store(r2, wasm_f32x4_add(wasm_v128_load(r2), a20)); wasm_v128_store(r2 + 4, wasm_f32x4_add(wasm_v128_load(r2 + 4), a21));
  wasm_v128_store(r3, wasm_f32x4_add(wasm_v128_load(r3), a30)); wasm_v128_store(r3 + 4, wasm_f32x4_add(wasm_v128_load(r3 + 4), a31));
}

/* The same for one input channel (Ci not a multiple of 4, e.g. the stem's single channel). */
static inline void block1x8(const float *x, const float *dy, int H, int W, int Ci, int Ho, int Wo, int Co,
                            int s, int oy, int ox, int ci, int co0, float *dwp) {
  v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0;
  int j0 = ox >= 0 ? 0 : (-ox + s - 1) / s;
  int j1 = (W - 1 - ox) / s + 1;
  if (W - 1 - ox < 0) j1 = 0;
  if (j1 > Wo) j1 = Wo;
  for (int i = 0; i < Ho; i++) {
    int ii = i * s + oy;
    if (ii < 0 || ii >= H) continue;
    const float *px = x + ((long)ii * W + (long)j0 * s + ox) * Ci + ci;
    const float *pd = dy + ((long)i * Wo + j0) * Co + co0;
    for (int j = j0; j < j1; j++, px += s * Ci, pd += Co) {
      v128_t xv = wasm_v128_load32_splat(px);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(xv, wasm_v128_load(pd)));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(xv, wasm_v128_load(pd + 4)));
    }
  }
  wasm_v128_store(dwp, wasm_f32x4_add(wasm_v128_load(dwp), a0));
  wasm_v128_store(dwp + 4, wasm_f32x4_add(wasm_v128_load(dwp + 4), a1));
}

/*
 * dw [kh, kw, Ci, Co] from x [N, H, W, Ci] and dy [N, Ho, Wo, Co], stride s (both axes),
 * top/left padding pt/pl, dilation 1. Co must be a multiple of 8. dw is overwritten when
 * accumulate is 0 and added to otherwise (a worker thread sums its share of the images over
 * several calls: electron/engine/tf/threads/kernelPool.ts).
 */
__attribute__((export_name("nas_conv2d_filter_grad")))
void nas_conv2d_filter_grad(const float *x, const float *dy, float *dw, int N, int H, int W, int Ci,
                            int Ho, int Wo, int Co, int kh, int kw, int s, int pt, int pl, int accumulate) {
  int total = kh * kw * Ci * Co;
  if (!accumulate)
    for (int k = 0; k < total; k++) dw[k] = 0.f;
  int ci4 = Ci - Ci % 4;
  for (int n = 0; n < N; n++) {
    const float *xn = x + (long)n * H * W * Ci;
    const float *dyn = dy + (long)n * Ho * Wo * Co;
    for (int a = 0; a < kh; a++) {
      for (int b = 0; b < kw; b++) {
        float *dwt = dw + (long)(a * kw + b) * Ci * Co;
        for (int ci0 = 0; ci0 < ci4; ci0 += 4)
          for (int co0 = 0; co0 < Co; co0 += 8)
            block4x8(xn, dyn, H, W, Ci, Ho, Wo, Co, s, a - pt, b - pl, ci0, co0, dwt + (long)ci0 * Co + co0);
        for (int ci = ci4; ci < Ci; ci++)
          for (int co0 = 0; co0 < Co; co0 += 8)
            block1x8(xn, dyn, H, W, Ci, Ho, Wo, Co, s, a - pt, b - pl, ci, co0, dwt + (long)ci * Co + co0);
      }
    }
  }
}
