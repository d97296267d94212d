/**
 * Parsing one line of events.jsonl. A long run writes ~100,000 events, almost all `progress`
 * and `metric`; validating each with the zod union (jobEventSchema) is most of the time it takes
 * to open such a run. So those two types get a direct check that accepts exactly what the
 * schema accepts for them when the object has no other keys (then the schema would return it
 * unchanged); every other line, and anything the direct check does not accept, goes through
 * the schema. test/engine/store/eventLine.test.ts holds the two to the same answers.
 */
import { jobEventSchema } from '../../../shared/model/job';
import type { JobEvent } from '../../../shared/model/job';

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): boolean => isNum(v) && Number.isInteger(v);

const PROGRESS_KEYS = new Set(['type', 'seq', 'time', 'phase', 'epoch', 'epochs', 'step', 'steps', 'imagesPerSec', 'etaSec']);
const METRIC_KEYS = new Set(['type', 'seq', 'time', 'split', 'epoch', 'step', 'loss', 'accuracy', 'node']);

function onlyKeys(o: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

/** The direct check: the event itself when it is a well-formed progress or metric event, else null. */
export function fastEvent(raw: unknown): JobEvent | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  const seq = o['seq'];
  if (!isInt(seq) || (seq as number) < 0 || !isNum(o['time'])) return null;
  if (o['type'] === 'progress') {
    const eta = o['etaSec'];
    const ok = typeof o['phase'] === 'string' && isInt(o['epoch']) && isInt(o['epochs']) && isInt(o['step']) && isInt(o['steps']) && isNum(o['imagesPerSec']) && (eta === null || isNum(eta));
    return ok && onlyKeys(o, PROGRESS_KEYS) ? (o as JobEvent) : null;
  }
  if (o['type'] === 'metric') {
    const split = o['split'];
    const node = o['node'];
    const ok = (split === 'train' || split === 'val' || split === 'test') && isNum(o['epoch']) && isInt(o['step']) && isNum(o['loss']) && isNum(o['accuracy']) && (node === undefined || (isInt(node) && (node as number) >= 0));
    return ok && onlyKeys(o, METRIC_KEYS) ? (o as JobEvent) : null;
  }
  return null;
}

/** One line of events.jsonl as an event, or null when it is not JSON or not a valid event. */
export function parseEventLine(line: string): JobEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const fast = fastEvent(raw);
  if (fast) return fast;
  const parsed = jobEventSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
