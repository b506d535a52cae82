import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';

// Starts telemetry in a fresh Node process (it sets process-wide globals) and reports which
// OpenTelemetry packages were loaded, and what a span and the propagator produce.
function startIn(env: Record<string, string>): {
  packages: string[];
  traceId: string;
  traceparent: string;
} {
  const script = `
    import { registerHooks } from 'node:module';
    const packages = new Set();
    registerHooks({
      resolve(specifier, context, next) {
        const match = /^@opentelemetry\\/[^/]+/.exec(specifier);
        if (match) packages.add(match[0]);
        return next(specifier, context);
      },
    });
    const { currentTraceId, injectContext, startTelemetry, withSpan } = await import('@gatehouse/telemetry');
    await startTelemetry({ service: 'probe', env: ${JSON.stringify(env)} });
    const map = new Map();
    const headers = { get: (k) => map.get(k) ?? '', set: (k, v) => map.set(k, v), keys: () => [...map.keys()] };
    const traceId = await withSpan('probe', {}, async () => {
      injectContext(headers);
      return currentTraceId();
    });
    process.stdout.write(JSON.stringify({
      packages: [...packages].sort(),
      traceId,
      traceparent: headers.get('traceparent'),
    }));
    // Not shut down: its final flush to the unreachable collector would only retry.
    process.exit(0);
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

describe('startTelemetry', () => {
  test('without an exporter or instrumentation: real trace ids and W3C propagation, no Node SDK', () => {
    const started = startIn({});
    expect(started.packages).not.toContain('@opentelemetry/sdk-node');
    expect(started.packages).not.toContain('@opentelemetry/instrumentation-http');
    expect(started.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(started.traceparent).toBe(`00-${started.traceId}-${started.traceparent.split('-')[2]}-01`);
  });

  test('with an OTLP endpoint: the Node SDK, the exporter and the instrumentations', () => {
    // Nothing listens there; the probe exits before the exporter's first attempt.
    const started = startIn({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(started.packages).toEqual(
      expect.arrayContaining([
        '@opentelemetry/sdk-node',
        '@opentelemetry/exporter-trace-otlp-http',
        '@opentelemetry/instrumentation-http',
      ]),
    );
    expect(started.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(started.traceparent).toContain(started.traceId);
  });
});
