/*
 * Direct Conv2D forward on NHWC float32 data for tfjs-wasm's heap
 * (electron/engine/tf/cpu/convForwardKernel.ts, docs/adr/0003-cpu-training-path.md).
 *
 *   y[n][i][j][co] = bias[co] + sum over a, b, ci of xp[n][i*s + a][j*s + b][ci] * w[a][b][ci][co]
 *
 * xp is the input already zero-padded by the caller (no bounds checks here). Tiles of 4 output
 * pixels of one row by 8 output channels keep their sums in eight f32x4 accumulators over all
 * kh*kw*Ci products; the weights of one 8-channel block (kh*kw*Ci*8 floats) and the kh input
 * rows stay in L1. Optional ReLU on the output. Same rules as channel_kernels.c: no static
 * data, no stack.
 */
#include <wasm_simd128.h>

static inline v128_t relu_if(v128_t v, int relu) {
  return relu ? wasm_f32x4_max(v, wasm_f32x4_splat(0.f)) : v;
}

/* Zero-pads x [N,H,W,C] into xp [N,H+pt+pb,W+pl+pr,C], applying ReLU to the copy when relu != 0. */
__attribute__((export_name("nas_pad_nhwc")))
void nas_pad_nhwc(const float *x, float *xp, int N, int H, int W, int C, int pt, int pb, int pl, int pr, int relu) {
  int Hp = H + pt + pb, Wp = W + pl + pr;
  for (int n = 0; n < N; n++) {
    for (int i = 0; i < Hp; i++) {
      float *row = xp + ((long)n * Hp + i) * Wp * C;
      int ii = i - pt;
      if (ii < 0 || ii >= H) {
        for (int k = 0; k < Wp * C; k++) row[k] = 0.f;
        continue;
      }
      for (int k = 0; k < pl * C; k++) row[k] = 0.f;
      const float *src = x + ((long)n * H + ii) * W * C;
      float *dst = row + pl * C;
      int m = W * C, k = 0;
      if (relu) {
        v128_t z = wasm_f32x4_splat(0.f);
        for (; k + 4 <= m; k += 4) wasm_v128_store(dst + k, wasm_f32x4_max(wasm_v128_load(src + k), z));
        for (; k < m; k++) dst[k] = src[k] > 0.f ? src[k] : 0.f;
      } else {
        for (; k + 4 <= m; k += 4) wasm_v128_store(dst + k, wasm_v128_load(src + k));
        for (; k < m; k++) dst[k] = src[k];
      }
      for (int q = (pl + W) * C; q < Wp * C; q++) row[q] = 0.f;
    }
  }
}

/*
 * y [N,Ho,Wo,Co] from the padded input xp [N,Hp,Wp,Ci] and w [kh,kw,Ci,Co], stride s.
 * bias: Co floats or 0. Co must be a multiple of 8.
 */
__attribute__((export_name("nas_conv2d")))
void nas_conv2d(const float *xp, const float *w, const float *bias, float *y, int N, int Hp, int Wp, int Ci,
                int Ho, int Wo, int Co, int kh, int kw, int s, int relu) {
  const int sc = s * Ci;
  for (int n = 0; n < N; n++) {
    for (int i = 0; i < Ho; i++) {
      const float *xrow0 = xp + ((long)n * Hp + (long)i * s) * Wp * Ci;
      float *yrow = y + ((long)n * Ho + i) * Wo * Co;
      for (int co0 = 0; co0 < Co; co0 += 8) {
        v128_t b0 = bias ? wasm_v128_load(bias + co0) : wasm_f32x4_splat(0.f);
        v128_t b1 = bias ? wasm_v128_load(bias + co0 + 4) : wasm_f32x4_splat(0.f);
        /* Tiles of 4 pixels; a last partial tile is shifted left to end at Wo (it recomputes a few
           pixels with identical results) so that only rows narrower than 4 take the 1-pixel path. */
        int j = 0;
        for (int next = 0; Wo >= 4 && next < Wo; next += 4) {
          j = next + 4 <= Wo ? next : Wo - 4;
          v128_t a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
          for (int a = 0; a < kh; a++) {
            for (int b = 0; b < kw; b++) {
              const float *px = xrow0 + ((long)a * Wp + (long)j * s + b) * Ci;
              const float *pw = w + ((long)(a * kw + b) * Ci) * Co + co0;
              for (int ci = 0; ci < Ci; ci++, px++, pw += Co) {
                v128_t w0 = wasm_v128_load(pw), w1 = wasm_v128_load(pw + 4);
                v128_t x0 = wasm_v128_load32_splat(px), x1 = wasm_v128_load32_splat(px + sc);
                v128_t x2 = wasm_v128_load32_splat(px + 2 * sc), x3 = wasm_v128_load32_splat(px + 3 * sc);
                a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(x0, w0)); a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(x0, w1));
                a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(x1, w0)); a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(x1, w1));
                a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(x2, w0)); a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(x2, w1));
                a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(x3, w0)); a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(x3, w1));
              }
            }
          }
          float *py = yrow + (long)j * Co + co0;
          wasm_v128_store(py, relu_if(a00, relu)); wasm_v128_store(py + 4, relu_if(a01, relu));
          wasm_v128_store(py + Co, relu_if(a10, relu)); wasm_v128_store(py + Co + 4, relu_if(a11, relu));
          wasm_v128_store(py + 2 * Co, relu_if(a20, relu)); wasm_v128_store(py + 2 * Co + 4, relu_if(a21, relu));
          wasm_v128_store(py + 3 * Co, relu_if(a30, relu)); wasm_v128_store(py + 3 * Co + 4, relu_if(a31, relu));
        }
        for (j = Wo >= 4 ? Wo : 0; j < Wo; j++) {
          v128_t a0 = b0, a1 = b1;
          for (int a = 0; a < kh; a++) {
            for (int b = 0; b < kw; b++) {
              const float *px = xrow0 + ((long)a * Wp + (long)j * s + b) * Ci;
              const float *pw = w + ((long)(a * kw + b) * Ci) * Co + co0;
              for (int ci = 0; ci < Ci; ci++, px++, pw += Co) {
                v128_t xv = wasm_v128_load32_splat(px);
                a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(xv, wasm_v128_load(pw)));
                a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(xv, wasm_v128_load(pw + 4)));
              }
            }
          }
          float *py = yrow + (long)j * Co + co0;
          wasm_v128_store(py, relu_if(a0, relu)); wasm_v128_store(py + 4, relu_if(a1, relu));
        }
      }
    }
  }
}
