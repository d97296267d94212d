/**
 * space.json and results.json of an ABS run, as `experiments.open` hands them over (plain
 * records): checked leniently here, so a file from an older or newer version shows what it can
 * instead of breaking the page. Unknown fields are ignored; a part that does not parse is null.
 */
import { z } from 'zod';
import { droppedOperatorSchema } from '../../../shared/model/job';
import type { ShrinkStep, SpaceChoice } from './spaceTree';

const choiceSchema = z.object({ id: z.string(), label: z.string().optional(), ops: z.array(z.string()) });

const spaceFileSchema = z.object({
  space: z.string().optional(),
  choices: z.array(choiceSchema),
  state: z
    .object({ remaining: z.array(z.array(z.string())), locked: z.array(z.string()), forceDropped: z.array(z.string()) })
    .partial()
    .optional(),
  size: z.number().optional(),
});

const stepSchema = z.object({
  step: z.number(),
  epoch: z.number(),
  metric: z.string(),
  scores: z.record(z.string(), z.number()),
  dropped: z.array(droppedOperatorSchema),
  keptLocked: z.array(z.string()).optional(),
  sizeBefore: z.number(),
  sizeAfter: z.number(),
});

const generationSchema = z.object({ generation: z.number(), size: z.number(), best: z.number(), mean: z.number(), bestSoFar: z.number() });

const bestSchema = z.object({ architecture: z.string(), fitness: z.number(), metrics: z.record(z.string(), z.number()) });

const searchSchema = z.object({
  strategy: z.string(),
  status: z.string().optional(),
  evaluated: z.number().optional(),
  generations: z.array(generationSchema).default([]),
});

/** The parts of space.json the views use. */
export interface SpaceFile {
  space: string | null;
  choices: SpaceChoice[];
  locked: string[];
  forceDropped: string[];
  size: number | null;
}

export type Generation = z.infer<typeof generationSchema>;
export type BestArchitecture = z.infer<typeof bestSchema>;
export type SearchSummary = z.infer<typeof searchSchema>;

/** The parts of results.json the views use. */
export interface ResultsFile {
  metric: string | null;
  finalSize: number | null;
  steps: ShrinkStep[];
  search: SearchSummary | null;
  best: BestArchitecture[];
}

/** space.json, or null when absent or unreadable. */
export function parseSpaceFile(raw: Record<string, unknown> | null | undefined): SpaceFile | null {
  const parsed = spaceFileSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { space, choices, state, size } = parsed.data;
  return {
    space: space ?? null,
    choices: choices.map((choice) => ({ id: choice.id, label: choice.label ?? choice.id, ops: choice.ops })),
    locked: state?.locked ?? [],
    forceDropped: state?.forceDropped ?? [],
    size: size ?? null,
  };
}

/** results.json, or null when absent; each part that does not parse is left empty. */
export function parseResultsFile(raw: Record<string, unknown> | null | undefined): ResultsFile | null {
  if (!raw || typeof raw !== 'object') return null;
  const pick = <T>(schema: z.ZodType<T>, value: unknown): T | null => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : null;
  };
  const list = <T>(schema: z.ZodType<T>, value: unknown): T[] =>
    Array.isArray(value) ? value.map((item) => pick(schema, item)).filter((item): item is T => item !== null) : [];
  return {
    metric: typeof raw.metric === 'string' ? raw.metric : null,
    finalSize: typeof raw.finalSize === 'number' ? raw.finalSize : null,
    steps: list(stepSchema, raw.steps),
    search: pick(searchSchema, raw.search),
    best: list(bestSchema, raw.best),
  };
}
