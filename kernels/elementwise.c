/*
 * Element-wise kernels for tfjs-wasm's heap (electron/engine/tf/cpu/reluGradKernel.ts,
 * docs/adr/0003-cpu-training-path.md). Same rules as channel_kernels.c: no static data, no stack.
 */
#include <wasm_simd128.h>

/*
 * The ReLU gradient in one pass: dx[i] = dy[i] * (x[i] > 0 ? 1 : 0), as tfjs's dy * step(x)
 * (dy NaN stays NaN; step of a NaN x is 0 here, NaN in tfjs). tfjs-wasm makes two passes and a
 * temporary (Step, then Multiply).
 */
__attribute__((export_name("nas_relu_grad")))
void nas_relu_grad(const float *x, const float *dy, float *dx, int n) {
  v128_t zero = wasm_f32x4_splat(0.f), one = wasm_f32x4_splat(1.f);
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int q = 0; q < 16; q += 4) {
      v128_t m = wasm_v128_and(wasm_f32x4_gt(wasm_v128_load(x + i + q), zero), one);
      wasm_v128_store(dx + i + q, wasm_f32x4_mul(wasm_v128_load(dy + i + q), m));
    }
  }
  for (; i < n; i++) dx[i] = dy[i] * (x[i] > 0.f ? 1.f : 0.f);
}

/*
 * dst[i] += src[i]: adds one chunk's partial filter gradient into the total, always in chunk
 * order, so that the sum does not depend on who computed which chunk
 * (electron/engine/tf/threads/splitJob.ts).
 */
__attribute__((export_name("nas_add_f32")))
void nas_add_f32(float *dst, const float *src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
  for (; i < n; i++) dst[i] += src[i];
}
