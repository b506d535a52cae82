export interface Telemetry {
  shutdown(): Promise<void>;
}

let started: Promise<Telemetry> | undefined;

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
 * Starts OpenTelemetry once per process. Await it first in a service's main.ts and load the rest
 * of the service with a dynamic import afterwards: ESM modules are only instrumented when the
 * loader hook is registered before they are imported.
 *
 * Spans are always recorded (so trace ids exist and flow across NATS); they are exported only
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set. The Node SDK is loaded only when something is exported
 * or instrumented: it imports every exporter and propagator it supports, ~20 MB of RSS per service
 * (bench/RESULTS.md), and without either a bare tracer provider gives the same ids and context.
 */
export function startTelemetry(options: { service: string; env?: NodeJS.ProcessEnv }): Promise<Telemetry> {
  started ??= begin(options.service, options.env ?? process.env);
  return started;
}

async function begin(service: string, env: NodeJS.ProcessEnv): Promise<Telemetry> {
  const tracing = {
    serviceName: env.OTEL_SERVICE_NAME ?? `gatehouse-${service}`,
    exporting: Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT),
    instrument: instrumentationEnabled(env),
  };
  const shutdown =
    tracing.exporting || tracing.instrument
      ? (await import('./node-sdk.ts')).startNodeSdk(tracing)
      : (await import('./local-tracing.ts')).startLocalTracing();
  return {
    async shutdown() {
      await shutdown();
      started = undefined;
    },
  };
}
