/**
 * Framing for transports that carry the contract over a byte stream (the `serve` WebSocket).
 * Electron's IPC carries the same fields as arguments (see electron/preload).
 */
import { z } from 'zod';
import { nasErrorSchema } from '../errors';

export const clientMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('invoke'), id: z.number().int(), channel: z.string().max(100), payload: z.unknown() }),
  z.object({ kind: z.literal('subscribe'), id: z.number().int(), channel: z.string().max(100), payload: z.unknown() }),
  z.object({ kind: z.literal('unsubscribe'), id: z.number().int() }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('result'), id: z.number().int(), value: z.unknown() }),
  z.object({ kind: z.literal('error'), id: z.number().int(), error: nasErrorSchema }),
  z.object({ kind: z.literal('event'), id: z.number().int(), event: z.unknown() }),
  z.object({ kind: z.literal('end'), id: z.number().int(), error: nasErrorSchema.optional() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Prefix of Electron IPC channel names; the preload refuses anything else. */
export const ELECTRON_CHANNEL_PREFIX = 'nas:';
