import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

export interface Telemetry {
  shutdown(): Promise<void>;
}

let started: Telemetry | undefined;

/**
 * Whether the HTTP/Express/pg/ioredis instrumentations (and the ESM loader hook they need) run.
 * The hook wraps every module the service imports: measured at ~75 MB of RSS, ~1 s of CPU at start
 * and a span per library call (bench/RESULTS.md), all of it wasted when no exporter is configured.
 * So OTEL_INSTRUMENTATION defaults to `auto`: on exactly when OTEL_EXPORTER_OTLP_ENDPOINT is set;
 * `true` or `false` decide outright. Trace context crosses NATS through the bus's own spans either way.
 */
export function instrumentationEnabled(env: NodeJS.ProcessEnv): boolean {
  const setting = (env.OTEL_INSTRUMENTATION ?? 'auto').trim().toLowerCase();
  if (setting === 'true') return true;
  if (setting === 'false') return false;
  if (setting !== 'auto')
    throw new Error(`OTEL_INSTRUMENTATION must be auto, true or false, not "${setting}"`);
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * Starts OpenTelemetry once per process. Call it first in a service's main.ts and load the
 * rest of the service with a dynamic import afterwards: ESM modules are only instrumented when
 * the loader hook is registered before they are imported.
 *
 * Spans are always recorded (so trace ids exist and flow across NATS); they are exported only
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
export function startTelemetry(options: { service: string; env?: NodeJS.ProcessEnv }): Telemetry {
  if (started) return started;
  const env = options.env ?? process.env;
  const instrument = instrumentationEnabled(env);
  if (instrument) register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const spanProcessors: SpanProcessor[] = env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })]
    : [];
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? `gatehouse-${options.service}`,
    spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: instrument
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
  started = {
    async shutdown() {
      await sdk.shutdown();
      started = undefined;
    },
  };
  return started;
}
