export interface TracingOptions {
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT is set: spans leave the process. */
  exporting: boolean;
  /** The HTTP/Express/pg/ioredis instrumentations run (OTEL_INSTRUMENTATION). */
  instrument: boolean;
}
