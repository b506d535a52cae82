import { describe, expect, test } from 'vitest';
import { instrumentationEnabled } from './sdk.ts';

describe('OTEL_INSTRUMENTATION', () => {
  test('auto (the default) instruments exactly when traces are exported', () => {
    expect(instrumentationEnabled({})).toBe(false);
    expect(instrumentationEnabled({ OTEL_INSTRUMENTATION: 'auto' })).toBe(false);
    expect(instrumentationEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(instrumentationEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
  });

  test('true and false decide outright, whatever the exporter', () => {
    expect(instrumentationEnabled({ OTEL_INSTRUMENTATION: 'TRUE' })).toBe(true);
    expect(
      instrumentationEnabled({ OTEL_INSTRUMENTATION: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }),
    ).toBe(false);
  });

  test('anything else is refused with the accepted values', () => {
    expect(() => instrumentationEnabled({ OTEL_INSTRUMENTATION: 'yes' })).toThrow(
      'OTEL_INSTRUMENTATION must be auto, true or false, not "yes"',
    );
  });
});
