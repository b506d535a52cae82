import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { TracingOptions } from './tracing-options.ts';

/**
 * The full OpenTelemetry Node SDK: the OTLP exporter when an endpoint is set, and the HTTP,
 * Express, pg and ioredis instrumentations (with the ESM loader hook they need) when enabled.
 * Returns its shutdown, which flushes the spans still queued.
 */
export function startNodeSdk(options: TracingOptions): () => Promise<void> {
  if (options.instrument) register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const spanProcessors: SpanProcessor[] = options.exporting
    ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })]
    : [];
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: options.instrument
      ? [
          // Health probes would drown every trace backend in noise.
          new HttpInstrumentation({
            ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)\b/.test(req.url ?? ''),
          }),
          new ExpressInstrumentation(),
          new PgInstrumentation(),
          new IORedisInstrumentation(),
        ]
      : [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
