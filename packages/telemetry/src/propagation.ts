import {
  type Context,
  context,
  propagation,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

/** The part of NATS `MsgHdrs` that W3C trace propagation needs. */
export interface HeaderCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
  keys(): string[];
}

const setter: TextMapSetter<HeaderCarrier> = { set: (carrier, key, value) => carrier.set(key, value) };
const getter: TextMapGetter<HeaderCarrier> = {
  get: (carrier, key) => carrier.get(key) || undefined,
  keys: (carrier) => carrier.keys(),
};

/** Writes `traceparent` (and `tracestate`) of the active context into message headers. */
export function injectContext(headers: HeaderCarrier, from: Context = context.active()): void {
  propagation.inject(from, headers, setter);
}

/** The context a message's headers carry, to continue its trace on this side of the bus. */
export function extractContext(headers: HeaderCarrier | undefined): Context {
  return headers ? propagation.extract(context.active(), headers, getter) : context.active();
}
