import { Counter, Gauge, Histogram, register } from 'prom-client';

// Metrics live in prom-client's default registry, which the health server exposes. Looked up
// before created, so several bus connections in one process (tests) share them.
function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const rpcDuration = metric(
  'gatehouse_rpc_server_duration_seconds',
  () =>
    new Histogram({
      name: 'gatehouse_rpc_server_duration_seconds',
      help: 'Time to handle a bus request, by subject and outcome code',
      labelNames: ['subject', 'code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
);

export const eventsPublished = metric(
  'gatehouse_events_published_total',
  () => new Counter({ name: 'gatehouse_events_published_total', help: 'Events acknowledged by JetStream' }),
);

export const eventsDropped = metric(
  'gatehouse_events_dropped_total',
  () =>
    new Counter({
      name: 'gatehouse_events_dropped_total',
      help: 'Events given up after the outbox overflowed or retries ran out',
    }),
);

export const eventsPending = metric(
  'gatehouse_events_outbox_pending',
  () => new Gauge({ name: 'gatehouse_events_outbox_pending', help: 'Events waiting for a JetStream ack' }),
);

export const eventsPublishRetries = metric(
  'gatehouse_events_publish_retries_total',
  () =>
    new Counter({
      name: 'gatehouse_events_publish_retries_total',
      help: 'Event publishes that failed (no ack in time, JetStream unreachable) and were queued again',
    }),
);
