/** A NasApi whose replies the test sets, and whose subscriptions the test drives. */
import type { InvokeChannel, InvokeRequest, InvokeResponse, NasApi, SubscribeChannel } from '../../../shared/ipc/contract';
import type { NasErrorData } from '../../../shared/errors';

type Handler<C extends InvokeChannel> = (request: InvokeRequest<C>) => InvokeResponse<C> | Promise<InvokeResponse<C>>;

export interface FakeSubscription {
  channel: SubscribeChannel;
  request: unknown;
  emit(event: unknown): void;
  end(error?: NasErrorData): void;
  unsubscribed: boolean;
}

export class FakeApi implements NasApi {
  readonly calls: { channel: InvokeChannel; request: unknown }[] = [];
  readonly subscriptions: FakeSubscription[] = [];
  private readonly handlers = new Map<InvokeChannel, (request: never) => unknown>();

  on<C extends InvokeChannel>(channel: C, handler: Handler<C>): this {
    this.handlers.set(channel, handler as (request: never) => unknown);
    return this;
  }

  async invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
    this.calls.push({ channel, request });
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`FakeApi: no handler for ${channel}`);
    return (await handler(request as never)) as InvokeResponse<C>;
  }

  subscribe(
    channel: SubscribeChannel,
    request: unknown,
    onEvent: (event: never) => void,
    onEnd?: (error?: NasErrorData) => void,
  ): () => void {
    const subscription: FakeSubscription = {
      channel,
      request,
      unsubscribed: false,
      emit: (event) => onEvent(event as never),
      end: (error) => onEnd?.(error),
    };
    this.subscriptions.push(subscription);
    return () => {
      subscription.unsubscribed = true;
    };
  }
}
