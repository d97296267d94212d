/**
 * Source of the helper worker of ./kernelPool (run with `new Worker(source, { eval: true })`, so
 * that no file has to be located next to a bundle or outside an asar archive).
 *
 * The worker instantiates the shared-memory build of our SIMD kernels (kernels/*.c) on the
 * pool's shared `WebAssembly.Memory`, then loops: wait until the job counter changes, read the
 * job from the control block, claim chunks of images with compare-and-swap until none is left
 * (the main thread claims from the same counter, so a worker that is descheduled by other load
 * only does less of the work), run each chunk in place in the shared memory, count it done.
 *
 * The control-block layout is shared with kernelPool.ts (CTRL there); the job kinds too.
 * Written as plain JavaScript in a string: coverage or bundler transforms of a TS function
 * would reference helpers that do not exist inside the worker.
 */
export const KERNEL_WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, index } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(memory.buffer, 0, 1024);
const COUNTER = 0, PROGRESS = 1, KIND = 2, SHARE = 3, CHUNK = 4, CHUNKS = 5, DELAY_RANDOM = 6, SUM_FLOATS = 7, BUSY = 48;
const IN0 = 8, IN1 = 9, W = 10, BIAS = 11, OUT = 12, SCRATCH = 13, SCRATCH_STRIDE = 14, DELAY = 15, G = 16, FLAGS = 64;
// The counter starts at 0 in the fresh memory: a job published before this worker got here is
// still taken (reading the counter here would skip it).
let seen = 0;
for (;;) {
  let v = Atomics.load(ctrl, COUNTER);
  if (v === seen) {
    Atomics.wait(ctrl, COUNTER, seen);
    continue;
  }
  const seq = v >>> 16;
  const kind = ctrl[KIND], share = ctrl[SHARE], chunk = ctrl[CHUNK], chunks = ctrl[CHUNKS];
  const in0 = ctrl[IN0], in1 = ctrl[IN1], w = ctrl[W], bias = ctrl[BIAS], out = ctrl[OUT];
  const scratch = ctrl[SCRATCH] + index * ctrl[SCRATCH_STRIDE];
  const sumFloats = ctrl[SUM_FLOATS];
  const g = ctrl.slice(G, G + 24);
  let first = true;
  for (;;) {
    Atomics.store(ctrl, BUSY + index, 1);
    v = Atomics.load(ctrl, COUNTER);
    if (v >>> 16 !== seq || (v & 0xffff) >= chunks) break;
    if (Atomics.compareExchange(ctrl, COUNTER, v, v + 1) !== v) continue;
    const q = v & 0xffff;
    const i0 = q * chunk;
    // Tests simulate a helper that lost its core (a delay in ms before each chunk, or a random
    // one below it).
    if (ctrl[DELAY] > 0) Atomics.wait(ctrl, 1023, 0, ctrl[DELAY_RANDOM] ? Math.random() * ctrl[DELAY] : ctrl[DELAY]);
    const count = Math.min(chunk, share - i0);
    if (kind === 1 || kind === 2) {
      // g: H, W, Ci, Ho, Wo, Co, kh, kw, s, pt, pb, pl, pr, reluIn, relu, Hp, Wp, u, v, m
      const H = g[0], Wd = g[1], Ci = g[2], Ho = g[3], Wo = g[4], Co = g[5];
      const Hp = g[15], Wp = g[16];
      let xp = in0 + 4 * i0 * H * Wd * Ci;
      if (kind === 2 || g[9] || g[10] || g[11] || g[12] || g[13]) {
        k.nas_pad_nhwc(xp, scratch, count, H, Wd, Ci, g[9], g[10], g[11], g[12], g[13]);
        xp = scratch;
      }
      const y = out + 4 * i0 * Ho * Wo * Co;
      if (kind === 1) {
        k.nas_conv2d(xp, w, bias, y, count, Hp, Wp, Ci, Ho, Wo, Co, g[6], g[7], g[8], g[14]);
      } else {
        const u = scratch + g[17];
        if (first) k.nas_winograd_filter(w, u, Ci, Co);
        k.nas_conv3x3_winograd(xp, u, bias, y, scratch + g[18], scratch + g[19], count, Hp, Wp, Ci, Ho, Wo, Co, g[14]);
      }
    } else if (kind === 3) {
      // g: H, W, Ci, Ho, Wo, Co, kh, kw, s, pt, pl; each chunk's partial dW, from zero, in its
      // own slot (the main thread adds the partials in chunk order)
      const H = g[0], Wd = g[1], Ci = g[2], Ho = g[3], Wo = g[4], Co = g[5], kh = g[6], kw = g[7];
      k.nas_conv2d_filter_grad(in0 + 4 * i0 * H * Wd * Ci, in1 + 4 * i0 * Ho * Wo * Co, out + 4 * q * sumFloats, count, H, Wd, Ci, Ho, Wo, Co, kh, kw, g[8], g[9], g[10], 0);
    }
    first = false;
    Atomics.store(ctrl, FLAGS + q, seq);
    Atomics.add(ctrl, PROGRESS, 1);
    Atomics.notify(ctrl, PROGRESS);
  }
  Atomics.store(ctrl, BUSY + index, 0);
  // Exhausted: sleep until the next job. A newer job already published: run it now.
  seen = v >>> 16 === seq ? v : -1;
}
`;
