/** DTOs describing the compute environment: which tfjs backend a process took, and why. */
import { z } from 'zod';

export const BACKEND_NAMES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export const backendAttemptSchema = z.object({
  name: z.enum(BACKEND_NAMES),
  ok: z.boolean(),
  /** Why this backend was skipped or failed; empty when it was taken. */
  reason: z.string(),
});

export const backendReportSchema = z.object({
  /** The backend that the engine uses in this process. */
  chosen: z.enum(BACKEND_NAMES),
  /** tfjs's own name for it (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: z.string(),
  /** Whether the chosen backend runs on a GPU. */
  gpu: z.boolean(),
  /** Every backend tried, fastest first, with the reason the faster ones were not taken. */
  attempts: z.array(backendAttemptSchema),
  /** Devices the backend reports (GPU names for tfjs-node-gpu, otherwise the CPU). */
  devices: z.array(z.string()),
  /** What the path is in detail, e.g. "wasm + NAS kernels, SIMD, 2 threads (XNNPACK)". */
  detail: z.string().optional(),
});
export type BackendReport = z.infer<typeof backendReportSchema>;

export const environmentSchema = z.object({
  app: z.object({ name: z.string(), version: z.string() }),
  host: z.enum(['electron', 'serve', 'cli']),
  versions: z.record(z.string(), z.string()),
  platform: z.string(),
  arch: z.string(),
  cpus: z.number().int(),
  memoryMB: z.number(),
  backend: backendReportSchema,
});
export type Environment = z.infer<typeof environmentSchema>;
