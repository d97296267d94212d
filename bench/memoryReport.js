// The memory part of `npm run bench -- --load`: reads the samples of bench/memoryBench.ts and
// splits RSS over a long run into a one-time warm-up and a steady-state slope.
//
//   - warm-up: from the first sample at or after step 100 (every weight and momentum buffer
//     exists by then) to the steady level, the median of the run's second half; reported with
//     its parts (V8 heap committed and in use, old and code space, external memory with the
//     tfjs wasm heap, and the rest of RSS), and beside the same figure from a run with V8's
//     optimizing compiler off (node --no-opt), which tells whether compiling is the cause;
//   - steady state: the slope over the second half, as the Theil-Sen estimate (the median of
//     the slopes between every pair of samples: one sample taken while the allocator happened to
//     hold a few MB more moves it little), in MB per 1,000 steps, with bounds: RSS after GC
//     under 4 (a leak of 4 kB per step), the JS heap in use under 1, the wasm heap not growing,
//     numTensors flat.
'use strict';

const RSS_SLOPE_BOUND = 4;
const HEAP_SLOPE_BOUND = 1;
const WARM_FROM_STEP = 100;

/** Median of numbers. */
function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Theil-Sen slope of `key` against step, in MB per 1,000 steps. */
function slopePer1000(samples, key) {
  const slopes = [];
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const dx = samples[j].step - samples[i].step;
      if (dx > 0) slopes.push((samples[j][key] - samples[i][key]) / dx);
    }
  }
  return slopes.length ? 1000 * median(slopes) : NaN;
}

/** Warm-up and steady state of one run (see the header). */
function analyse(run) {
  const samples = run.samples;
  const end = samples[samples.length - 1];
  const start = samples.find((s) => s.step >= WARM_FROM_STEP) ?? samples[1] ?? samples[0];
  const steady = samples.filter((s) => s.step >= end.step / 2);
  const level = (key) => median(steady.map((s) => s[key]));
  const delta = (key) => level(key) - start[key];
  const rest = (s) => s.rssAfterGcMB - s.heapTotalMB - s.externalMB;
  return {
    start,
    end,
    steadyFrom: steady[0].step,
    warm: {
      rss: delta('rssAfterGcMB'),
      heapTotal: delta('heapTotalMB'),
      heapUsed: delta('heapUsedMB'),
      oldSpace: delta('oldSpaceMB'),
      codeSpace: delta('codeSpaceMB'),
      external: delta('externalMB'),
      wasm: delta('wasmMB'),
      rest: median(steady.map(rest)) - rest(start),
      level: level('rssAfterGcMB'),
    },
    slope: { rss: slopePer1000(steady, 'rssAfterGcMB'), heapUsed: slopePer1000(steady, 'heapUsedMB'), wasm: end.wasmMB - start.wasmMB },
    tensorsFlat: samples.filter((s) => s.step >= start.step).every((s) => s.numTensors === start.numTensors),
  };
}

const signed = (v, digits = 1) => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;

/** Prints the table and the verdicts; returns true when every bound holds. */
function report(run, noOpt, log = console.log) {
  const a = analyse(run);
  log(`memory over a long run: NB201 supernet C=2, 8x8 synthetic images, batch 8, ${run.steps} single-path steps in one process (${run.seconds.toFixed(1)} s of training; ${run.detail})`);
  log('sizes in MB, each after a full GC, a 100 ms pause and a second GC; raw RSS before them');
  log('| step | tf numTensors | RSS raw | RSS after GC | V8 heap committed | JS heap in use | old space | code space | external (wasm incl.) | tfjs wasm heap |');
  log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const shown = run.samples.filter((s) => s.step <= 500 ? s.step % 100 === 0 : s.step % 250 === 0 || s === a.end);
  for (const s of shown) {
    log(`| ${s.step} | ${s.numTensors} | ${s.rssMB.toFixed(1)} | ${s.rssAfterGcMB.toFixed(1)} | ${s.heapTotalMB.toFixed(1)} | ${s.heapUsedMB.toFixed(1)} | ${s.oldSpaceMB.toFixed(1)} | ${s.codeSpaceMB.toFixed(1)} | ${s.externalMB.toFixed(1)} | ${s.wasmMB.toFixed(1)} |`);
  }
  const w = a.warm;
  log(`warm-up, step ${a.start.step} to the steady level (median of steps ${a.steadyFrom}-${a.end.step}): RSS after GC ${a.start.rssAfterGcMB.toFixed(1)} -> ${w.level.toFixed(1)} MB (${signed(w.rss)} MB): V8 heap committed ${signed(w.heapTotal)} (JS heap in use ${signed(w.heapUsed)}, old space ${signed(w.oldSpace)}, code space ${signed(w.codeSpace)}), external ${signed(w.external)} (tfjs wasm heap ${signed(w.wasm)}), the rest of RSS (native code pages, malloc arenas of V8's compiler and GC threads) ${signed(w.rest)}`);
  if (noOpt) {
    const b = analyse(noOpt);
    const jit = b.warm.rss < w.rss / 2;
    log(`the same with V8's optimizing compiler off (node --no-opt, ${noOpt.steps} steps, ${noOpt.seconds.toFixed(1)} s): warm-up ${signed(b.warm.rss)} MB (JS heap in use ${signed(b.warm.heapUsed)}, code space ${signed(b.warm.codeSpace)}, the rest ${signed(b.warm.rest)}), steady slope ${signed(b.slope.rss)} MB per 1000 steps`);
    log(jit
      ? `=> the warm-up is V8 optimizing the training step once (TurboFan: optimized code, its feedback and deoptimization data in the heap, the compiler's working memory the allocator keeps), not data the run retains`
      : `=> V8's optimizing compiler does not explain the warm-up (${signed(b.warm.rss)} MB without it against ${signed(w.rss)} MB)`);
  }
  const rssOk = a.slope.rss < RSS_SLOPE_BOUND;
  const heapOk = a.slope.heapUsed < HEAP_SLOPE_BOUND;
  const wasmOk = a.slope.wasm <= 0;
  log(`steady state, steps ${a.steadyFrom}-${a.end.step} (Theil-Sen slope): RSS after GC ${signed(a.slope.rss, 2)} MB per 1000 steps, bound < ${RSS_SLOPE_BOUND}: ${rssOk ? 'yes' : 'NO (misses the bound)'}; JS heap in use ${signed(a.slope.heapUsed, 2)} MB per 1000 steps, bound < ${HEAP_SLOPE_BOUND}: ${heapOk ? 'yes' : 'NO'}; tfjs wasm heap from step ${a.start.step} ${signed(a.slope.wasm)} MB, bound 0: ${wasmOk ? 'yes' : 'NO'}; numTensors flat from step ${a.start.step} (${a.start.numTensors}): ${a.tensorsFlat ? 'yes' : 'NO'}`);
  return rssOk && heapOk && wasmOk && a.tensorsFlat;
}

module.exports = { analyse, report, slopePer1000, median };
