/**
 * Adapts the Electron preload's `window.nasBridge` (electron/preload/index.ts) to NasApi.
 *
 * The bridge's `invoke` resolves to an envelope `{ ok, value | error }` rather than rejecting,
 * because contextBridge keeps only the message of a thrown Error; here the envelope becomes a
 * value or an ApiError with code, message and fix again.
 */
import type { InvokeChannel, InvokeRequest, InvokeResponse, NasApi } from '../../../shared/ipc/contract';
import { nasErrorSchema, type NasErrorData } from '../../../shared/errors';
import { ApiError } from './apiError';

/** What the preload exposes as `window.nasBridge`. */
export interface NasBridge {
  invoke(channel: string, request: unknown): Promise<BridgeReply>;
  subscribe(channel: string, request: unknown, onEvent: (event: unknown) => void, onEnd?: (error?: unknown) => void): () => void;
}

export type BridgeReply = { ok: true; value: unknown } | { ok: false; error: unknown };

export function fromElectronBridge(bridge: NasBridge): NasApi {
  return {
    async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
      const reply = await bridge.invoke(channel, request);
      if (reply && reply.ok === true) return reply.value as InvokeResponse<C>;
      throw ApiError.fromData(toErrorData(reply?.error));
    },
    subscribe(channel, request, onEvent, onEnd) {
      return bridge.subscribe(
        channel,
        request,
        (event) => onEvent(event as never),
        (error) => onEnd?.(error === undefined || error === null ? undefined : toErrorData(error)),
      );
    },
  };
}

/** The bridge's error as NasErrorData; anything unexpected becomes INTERNAL with its text. */
function toErrorData(error: unknown): NasErrorData {
  const parsed = nasErrorSchema.safeParse(error);
  if (parsed.success) return parsed.data;
  const message = typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : String(error);
  return { code: 'INTERNAL', message };
}
