/**
 * Checks what a transport hands back against the contract's schemas, so a host of another
 * version (or a buggy preload) shows up as a clear INVALID_PAYLOAD error instead of as
 * `undefined` deep inside a view. Wraps either transport; the stores only ever see this.
 */
import {
  invokeChannels,
  subscribeChannels,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type NasApi,
  type SubscribeChannel,
  type SubscribeEvent,
  type SubscribeRequest,
} from '../../../shared/ipc/contract';
import type { NasErrorData } from '../../../shared/errors';
import { ApiError } from './apiError';

const VERSION_FIX = 'The app and the server are different versions: restart `nas-shrink serve` (or the app) after updating.';

export function withContractValidation(inner: NasApi): NasApi {
  return {
    async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
      const value = await inner.invoke(channel, request);
      const parsed = invokeChannels[channel].response.safeParse(value);
      if (!parsed.success) {
        throw new ApiError('INVALID_PAYLOAD', `The reply to ${channel} does not match the contract.`, {
          fix: VERSION_FIX,
          details: parsed.error.issues,
        });
      }
      return parsed.data as InvokeResponse<C>;
    },

    subscribe<C extends SubscribeChannel>(
      channel: C,
      request: SubscribeRequest<C>,
      onEvent: (event: SubscribeEvent<C>) => void,
      onEnd?: (error?: NasErrorData) => void,
    ): () => void {
      let ended = false;
      const finish = (error?: NasErrorData): void => {
        if (ended) return;
        ended = true;
        onEnd?.(error);
      };
      let unsubscribe: () => void = () => undefined;
      unsubscribe = inner.subscribe(
        channel,
        request,
        (event) => {
          if (ended) return;
          const parsed = subscribeChannels[channel].event.safeParse(event);
          if (parsed.success) {
            onEvent(parsed.data as SubscribeEvent<C>);
            return;
          }
          unsubscribe();
          finish({ code: 'INVALID_PAYLOAD', message: `An event on ${channel} does not match the contract.`, fix: VERSION_FIX, details: parsed.error.issues });
        },
        finish,
      );
      if (ended) unsubscribe(); // an invalid event arrived synchronously, before `unsubscribe` was set
      return () => {
        ended = true;
        unsubscribe();
      };
    },
  };
}
