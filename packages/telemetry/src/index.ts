export { extractContext, type HeaderCarrier, injectContext } from './propagation.ts';
export { instrumentationEnabled, startTelemetry, type Telemetry } from './sdk.ts';
export { currentTraceId, SpanKind, tracer, withSpan } from './spans.ts';
