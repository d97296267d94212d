/**
 * The direct check for progress and metric events (store/eventLine.ts) must answer exactly as
 * the contract's zod schema: the same event when valid, a rejection when not. Every field of a
 * valid event is replaced by wrong values, removed, or joined by an extra key.
 */
import { describe, expect, it } from 'vitest';
import { fastEvent, parseEventLine } from '../../../electron/engine/store/eventLine';
import { jobEventSchema } from '../../../shared/model/job';

const progress = { type: 'progress', phase: 'supernet', epoch: 2, epochs: 5, step: 10, steps: 78, imagesPerSec: 281.5, etaSec: 12.5, seq: 7, time: 1_700_000_000_000 };
const metric = { type: 'metric', split: 'val', epoch: 1.5, step: 40, loss: 2.1, accuracy: 0.3, node: 2, seq: 8, time: 1_700_000_000_001 };
const wrongValues: unknown[] = [null, undefined, 'x', '', -1, 1.5, 0, true, {}, [], 'train', 'progress', 1e308 * 10];

function variants(valid: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [valid, { ...valid, extra: 1 }];
  for (const key of Object.keys(valid)) {
    const { [key]: _removed, ...without } = valid;
    out.push(without);
    for (const value of wrongValues) out.push({ ...valid, [key]: value });
  }
  return out;
}

describe('event lines', () => {
  it('accepts and rejects progress and metric events exactly as the schema does', () => {
    let accepted = 0;
    for (const event of [...variants(progress), ...variants(metric), { ...metric, node: undefined }, { ...progress, etaSec: null }]) {
      const schema = jobEventSchema.safeParse(event);
      const fast = fastEvent(event);
      if (fast) {
        accepted += 1;
        expect(schema.success, JSON.stringify(event)).toBe(true);
        expect(fast).toEqual(schema.data);
      }
      // Through a whole line (JSON drops undefined), the answer is the schema's.
      const line = parseEventLine(JSON.stringify(event));
      const viaJson = jobEventSchema.safeParse(JSON.parse(JSON.stringify(event)));
      expect(line, JSON.stringify(event)).toEqual(viaJson.success ? viaJson.data : null);
    }
    // The direct path carries the valid ones (and the few equivalent variants), not nothing.
    expect(accepted).toBeGreaterThan(10);
  });

  it('leaves every other type, and torn lines, to the schema', () => {
    expect(fastEvent({ type: 'log', level: 'info', message: 'x', seq: 0, time: 1 })).toBeNull();
    expect(parseEventLine('{"type":"log","level":"info","message":"x","seq":0,"time":1}')).toEqual({ type: 'log', level: 'info', message: 'x', seq: 0, time: 1 });
    expect(parseEventLine('{"type":"progress","pha')).toBeNull();
    expect(parseEventLine('{"type":"shrink"}')).toBeNull();
  });
});
