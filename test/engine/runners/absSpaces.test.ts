/**
 * The ABS runner on the DARTS and MobileNet-like spaces (tiny networks, few images, one epoch):
 * operator scores from sampled children (the spaces are too large to enumerate), and every
 * shrink step drops exactly what its policy says given the scores it recorded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseExperimentConfig } from '../../../electron/engine/config/experimentConfig';
import type { ExperimentConfigInput } from '../../../electron/engine/config/experimentConfig';
import { getPreset } from '../../../electron/engine/presets/presets';
import { runAbsJob } from '../../../electron/engine/runners/absRunner';
import { createSearchSpace } from '../../../electron/engine/space/registry';
import type { SearchSpace } from '../../../electron/engine/space/searchSpace';
import type { JobEvent, JobEventInput } from '../../../shared/model/job';
import { setUpBackends } from '../cpu/helpers';

beforeAll(async () => {
  await setUpBackends();
  await tf.setBackend('wasm');
});

type ShrinkEvent = Extract<JobEvent, { type: 'shrink' }>;

type Results = { finalSpace: string[][]; best: { architecture: string; metrics: Record<string, number> }[] };

async function runTiny(overrides: Partial<ExperimentConfigInput>, abs: Record<string, unknown>): Promise<{ shrinks: ShrinkEvent[]; results: Results }> {
  const base = getPreset('nb201-fashion-abs');
  const config = parseExperimentConfig(
    {
      ...base,
      maxTrainImages: 60,
      valFraction: 0.2,
      training: { ...base.training, epochs: 1, batchSize: 16 },
      ...overrides,
      abs: { ...base.abs, metric: 'angle', search: { name: 'random', count: 2, topK: 1 }, searchValImages: 12, sampledChildren: 4, bestMetrics: ['angle', 'angle-cells'], ...abs },
    },
    'test',
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-abs-space-'));
  const events: JobEvent[] = [];
  let seq = 0;
  const before = tf.memory().numTensors;
  await runAbsJob({
    config,
    dir,
    backend: { chosen: 'wasm', tfBackend: 'wasm', gpu: false, attempts: [], devices: [] },
    emit: (e: JobEventInput) => events.push({ ...e, seq: seq++, time: 0 } as JobEvent),
    cancelled: () => false,
    takeCommands: () => [],
  });
  expect(tf.memory().numTensors).toBe(before);
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as Results;
  // Only the metrics asked for (abs.bestMetrics) are reported for the best.
  expect(Object.keys(results.best[0]!.metrics).sort()).toEqual(['angle', 'angle-cells']);
  return { shrinks: events.filter((e): e is ShrinkEvent => e.type === 'shrink'), results };
}

/** The remaining ops before each step: the full space, then each step's `remaining`. */
function before(space: SearchSpace, shrinks: ShrinkEvent[], k: number): string[][] {
  return k === 0 ? space.choices.map((c) => [...c.ops]) : shrinks[k - 1]!.remaining;
}

/** Every op of every choice with more than one op left has a finite score, and nothing else (but the unscorable). */
function expectScoredOpen(space: SearchSpace, remaining: string[][], scores: Record<string, number>, unscorable: readonly string[] = []): void {
  const open = space.choices.flatMap((c, i) => (remaining[i]!.length > 1 ? remaining[i]!.map((op) => `${c.id}:${op}`) : [])).filter((k) => !unscorable.includes(k));
  expect(Object.keys(scores).sort()).toEqual(open.sort());
  for (const v of Object.values(scores)) expect(Number.isFinite(v)).toBe(true);
}

describe('ABS on the DARTS space', () => {
  it('drops the lowest-scored op of every edge at each step (one per edge) until the target', async () => {
    const space = createSearchSpace({ kind: 'darts' });
    // 8^28 architectures; one per edge per step: 7^28, 6^28, 5^28, 4^28, then 3^28 <= 9e15.
    const { shrinks, results } = await runTiny({ space: { kind: 'darts' }, network: { channels: 4, cells: 3, stemMultiplier: 1 } }, { policy: { kind: 'per-choice' }, targetSize: 9e15 });
    expect(shrinks).toHaveLength(5);
    shrinks.forEach((s, k) => {
      const remaining = before(space, shrinks, k);
      // check_cand keeps both inputs of node 2 non-none: no valid child has none there, so it has no score.
      expectScoredOpen(space, remaining, s.scores, ['normal:2<-0:none', 'normal:2<-1:none', 'reduce:2<-0:none', 'reduce:2<-1:none']);
      // By hand: per edge, the op of the lowest score (ties by key) leaves.
      const expected = space.choices.map((c, i) => {
        const ranked = remaining[i]!.filter((op) => `${c.id}:${op}` in s.scores).map((op) => ({ key: `${c.id}:${op}`, score: s.scores[`${c.id}:${op}`]! })).sort((a, b) => a.score - b.score || a.key.localeCompare(b.key));
        return ranked[0]!.key;
      });
      expect(s.dropped.map((d) => d.key).sort()).toEqual(expected.sort());
      expect(s.dropped.every((d) => d.reason === 'score')).toBe(true);
      expect(s.remaining.every((ops) => ops.length === 7 - k)).toBe(true);
    });
    expect(results.finalSpace.every((ops) => ops.length === 3)).toBe(true);
    // The search stays in the shrunk space (DARTS repair may still set an edge to none).
    const best = space.parse(results.best[0]!.architecture);
    best.forEach((op, i) => expect(op === 'none' || results.finalSpace[i]!.includes(op), `${space.choices[i]!.id} ${op}`).toBe(true));
  }, 300_000);
});

describe('ABS on the MobileNet-like space', () => {
  it('drops the k globally lowest-scored ops in one step', async () => {
    const space = createSearchSpace({ kind: 'mobilenet', preset: 'small' });
    // 6^3 * 7^3 = 74,088; any 4 drops leave at most 38,880.
    const { shrinks, results } = await runTiny({ space: { kind: 'mobilenet', preset: 'small' }, network: {} }, { policy: { kind: 'global', count: 4 }, targetSize: 40_000 });
    expect(shrinks).toHaveLength(1);
    const s = shrinks[0]!;
    expectScoredOpen(space, before(space, shrinks, 0), s.scores);
    const lowest = Object.entries(s.scores).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, 4).map(([key]) => key);
    // Every layer has 6 or 7 ops, so the one-op-per-layer floor never binds: the 4 lowest leave.
    expect(s.dropped.map((d) => d.key).sort()).toEqual(lowest.sort());
    expect(s.sizeAfter).toBeLessThanOrEqual(40_000);
    const best = space.parse(results.best[0]!.architecture);
    best.forEach((op, i) => expect(results.finalSpace[i]).toContain(op));
  }, 300_000);
});
