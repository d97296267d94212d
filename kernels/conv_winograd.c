/*
 * 3x3 stride-1 Conv2D by Winograd F(2x2, 3x3) on NHWC float32 data for tfjs-wasm's heap
 * (electron/engine/tf/cpu/convForwardKernel.ts, docs/adr/0003-cpu-training-path.md).
 *
 * Each 2x2 output tile is A^T [ (G g G^T) .* (B^T d B) ] A for its 4x4 input tile d, which takes
 * 16 products per (input, output) channel pair instead of 36. Per row of tiles:
 *   1. input transform, 4 channels per f32x4:       V[xi][t][ci]   (xi = 0..15, t = tile)
 *   2. 16 small GEMMs M[xi] = V[xi] (T x Ci) * U[xi] (Ci x Co), tiles of 4 x 8 in registers
 *   3. output transform + bias (+ ReLU), written into y.
 * U = G g G^T is computed once per call into scratch (`u`, 16*Ci*Co floats); `v` and `m` are
 * scratch for one row of tiles (16*T*Ci and 16*T*Co floats, T = ceil(Wo/2) rounded up to 4).
 * The input xp is zero-padded by the caller to at least (2*ceil(Ho/2)+2) x (2*ceil(Wo/2)+2).
 * Same rules as channel_kernels.c: no static data, no stack.
 */
#include <wasm_simd128.h>

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul

/* U[xi][ci][co] = (G g G^T)[xi] for g = w[.][.][ci][co]; G = [[1,0,0],[.5,.5,.5],[.5,-.5,.5],[0,0,1]]. */
__attribute__((export_name("nas_winograd_filter")))
void nas_winograd_filter(const float *w, float *u, int Ci, int Co) {
  long plane = (long)Ci * Co;
  for (long e = 0; e < plane; e++) {
    const float *g = w + e;
#define G(a, b) g[(long)((a) * 3 + (b)) * plane]
    /* t = G g (4 x 3), one column b at a time, then (t G^T) row by row */
    float t00 = G(0, 0), t01 = G(0, 1), t02 = G(0, 2);
    float t10 = 0.5f * (G(0, 0) + G(1, 0) + G(2, 0)), t11 = 0.5f * (G(0, 1) + G(1, 1) + G(2, 1)), t12 = 0.5f * (G(0, 2) + G(1, 2) + G(2, 2));
    float t20 = 0.5f * (G(0, 0) - G(1, 0) + G(2, 0)), t21 = 0.5f * (G(0, 1) - G(1, 1) + G(2, 1)), t22 = 0.5f * (G(0, 2) - G(1, 2) + G(2, 2));
    float t30 = G(2, 0), t31 = G(2, 1), t32 = G(2, 2);
#undef G
#define ROW(a, x0, x1, x2) \
    u[(long)((a) * 4 + 0) * plane + e] = (x0); \
    u[(long)((a) * 4 + 1) * plane + e] = 0.5f * ((x0) + (x1) + (x2)); \
    u[(long)((a) * 4 + 2) * plane + e] = 0.5f * ((x0) - (x1) + (x2)); \
    u[(long)((a) * 4 + 3) * plane + e] = (x2);
    ROW(0, t00, t01, t02)
    ROW(1, t10, t11, t12)
    ROW(2, t20, t21, t22)
    ROW(3, t30, t31, t32)
#undef ROW
  }
}

/* B^T d B on 4 channels: columns of each row first (d B), then across rows (B^T .). */
static inline void input_tile(const float *p, long rowStride, int Ci, float *v, long vStride) {
#define LD(r, c) wasm_v128_load(p + (r) * rowStride + (long)(c) * Ci)
#define ROWT(r, s0, s1, s2, s3) \
  v128_t d##r##0 = LD(r, 0), d##r##1 = LD(r, 1), d##r##2 = LD(r, 2), d##r##3 = LD(r, 3); \
  v128_t s0 = SUB(d##r##0, d##r##2), s1 = ADD(d##r##1, d##r##2), s2 = SUB(d##r##2, d##r##1), s3 = SUB(d##r##1, d##r##3);
  ROWT(0, e00, e01, e02, e03)
  ROWT(1, e10, e11, e12, e13)
  ROWT(2, e20, e21, e22, e23)
  ROWT(3, e30, e31, e32, e33)
#undef ROWT
#undef LD
#define COL(c) \
  wasm_v128_store(v + (0 * 4 + c) * vStride, SUB(e0##c, e2##c)); \
  wasm_v128_store(v + (1 * 4 + c) * vStride, ADD(e1##c, e2##c)); \
  wasm_v128_store(v + (2 * 4 + c) * vStride, SUB(e2##c, e1##c)); \
  wasm_v128_store(v + (3 * 4 + c) * vStride, SUB(e1##c, e3##c));
  COL(0) COL(1) COL(2) COL(3)
#undef COL
}

/*
 * y [N,Ho,Wo,Co] = conv3x3(xp) + bias, stride 1, xp padded as described above.
 * Ci and Co multiples of 4 and 8. u: 16*Ci*Co floats (from nas_winograd_filter); v, m: scratch.
 */
__attribute__((export_name("nas_conv3x3_winograd")))
void nas_conv3x3_winograd(const float *xp, const float *u, const float *bias, float *y, float *v, float *m,
                          int N, int Hp, int Wp, int Ci, int Ho, int Wo, int Co, int relu) {
  int tilesW = (Wo + 1) / 2;
  int T = (tilesW + 3) & ~3; /* tiles per row, padded to the GEMM's 4 */
  long vStride = (long)T * Ci, mStride = (long)T * Co;
  long plane = (long)Ci * Co;
  for (int n = 0; n < N; n++) {
    for (int ti = 0; ti < (Ho + 1) / 2; ti++) {
      const float *row = xp + ((long)n * Hp + 2 * ti) * Wp * Ci;
      /* 1. input transform; padded tiles (t >= tilesW) are zero */
      for (int t = 0; t < T; t++) {
        for (int ci = 0; ci < Ci; ci += 4) {
          float *vt = v + (long)t * Ci + ci;
          if (t < tilesW) {
            input_tile(row + (long)(2 * t) * Ci + ci, (long)Wp * Ci, Ci, vt, vStride);
          } else {
            for (int xi = 0; xi < 16; xi++) wasm_v128_store(vt + xi * vStride, wasm_f32x4_splat(0.f));
          }
        }
      }
      /* 2. M[xi] = V[xi] * U[xi] */
      for (int xi = 0; xi < 16; xi++) {
        const float *vx = v + xi * vStride;
        const float *ux = u + xi * plane;
        float *mx = m + xi * mStride;
        for (int t0 = 0; t0 < T; t0 += 4) {
          for (int co0 = 0; co0 < Co; co0 += 8) {
            v128_t a00 = wasm_f32x4_splat(0.f), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            const float *pv = vx + (long)t0 * Ci;
            const float *pu = ux + co0;
            for (int ci = 0; ci < Ci; ci++, pv++, pu += Co) {
              v128_t u0 = wasm_v128_load(pu), u1 = wasm_v128_load(pu + 4);
              v128_t x0 = wasm_v128_load32_splat(pv), x1 = wasm_v128_load32_splat(pv + Ci);
              v128_t x2 = wasm_v128_load32_splat(pv + 2 * Ci), x3 = wasm_v128_load32_splat(pv + 3 * Ci);
              a00 = ADD(a00, MUL(x0, u0)); a01 = ADD(a01, MUL(x0, u1));
              a10 = ADD(a10, MUL(x1, u0)); a11 = ADD(a11, MUL(x1, u1));
              a20 = ADD(a20, MUL(x2, u0)); a21 = ADD(a21, MUL(x2, u1));
              a30 = ADD(a30, MUL(x3, u0)); a31 = ADD(a31, MUL(x3, u1));
            }
            float *pm = mx + (long)t0 * Co + co0;
            wasm_v128_store(pm, a00); wasm_v128_store(pm + 4, a01);
            wasm_v128_store(pm + Co, a10); wasm_v128_store(pm + Co + 4, a11);
            wasm_v128_store(pm + 2 * Co, a20); wasm_v128_store(pm + 2 * Co + 4, a21);
            wasm_v128_store(pm + 3 * Co, a30); wasm_v128_store(pm + 3 * Co + 4, a31);
          }
        }
      }
      /* 3. output transform A^T M A, A^T = [[1,1,1,0],[0,1,-1,-1]], + bias */
      int oy = 2 * ti;
      for (int t = 0; t < tilesW; t++) {
        int ox = 2 * t;
        for (int co = 0; co < Co; co += 4) {
          const float *pm = m + (long)t * Co + co;
#define Q(xi) wasm_v128_load(pm + (xi) * mStride)
          /* A^T M: r0c = q0c + q1c + q2c, r1c = q1c - q2c - q3c (rows of the 4x4 are xi / 4) */
          v128_t r00 = ADD(ADD(Q(0), Q(4)), Q(8)), r01 = ADD(ADD(Q(1), Q(5)), Q(9));
          v128_t r02 = ADD(ADD(Q(2), Q(6)), Q(10)), r03 = ADD(ADD(Q(3), Q(7)), Q(11));
          v128_t r10 = SUB(SUB(Q(4), Q(8)), Q(12)), r11 = SUB(SUB(Q(5), Q(9)), Q(13));
          v128_t r12 = SUB(SUB(Q(6), Q(10)), Q(14)), r13 = SUB(SUB(Q(7), Q(11)), Q(15));
#undef Q
          v128_t bv = bias ? wasm_v128_load(bias + co) : wasm_f32x4_splat(0.f);
          v128_t z = wasm_f32x4_splat(0.f);
          float *py = y + (((long)n * Ho + oy) * Wo + ox) * Co + co;
          v128_t o00 = ADD(ADD(ADD(r00, r01), r02), bv), o01 = ADD(SUB(SUB(r01, r02), r03), bv);
          if (relu) { o00 = wasm_f32x4_max(o00, z); o01 = wasm_f32x4_max(o01, z); }
          wasm_v128_store(py, o00);
          if (ox + 1 < Wo) wasm_v128_store(py + Co, o01);
          if (oy + 1 < Ho) {
            v128_t o10 = ADD(ADD(ADD(r10, r11), r12), bv), o11 = ADD(SUB(SUB(r11, r12), r13), bv);
            if (relu) { o10 = wasm_f32x4_max(o10, z); o11 = wasm_f32x4_max(o11, z); }
            py += (long)Wo * Co;
            wasm_v128_store(py, o10);
            if (ox + 1 < Wo) wasm_v128_store(py + Co, o11);
          }
        }
      }
    }
  }
}
