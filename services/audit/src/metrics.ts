import { Counter, Gauge, Histogram } from 'prom-client';

// prom-client's default registry, which the health server exposes on /metrics.

export const eventsReceived = new Counter({
  name: 'gatehouse_audit_events_received_total',
  help: 'Messages delivered to the audit consumer (redeliveries included)',
});

export const eventsStored = new Counter({
  name: 'gatehouse_audit_events_stored_total',
  help: 'Events inserted into audit.events',
});

export const eventsDuplicated = new Counter({
  name: 'gatehouse_audit_events_duplicated_total',
  help: 'Deliveries of events already stored (redelivery, re-publish), acknowledged without a write',
});

export const eventsDeadLettered = new Counter({
  name: 'gatehouse_audit_events_dead_lettered_total',
  help: 'Messages copied to the dead-letter stream, by reason',
  labelNames: ['reason'],
});

export const consumerPending = new Gauge({
  name: 'gatehouse_audit_consumer_pending',
  help: 'Events in the stream not yet delivered to the audit consumer (its lag), polled',
});

export const consumerAckPending = new Gauge({
  name: 'gatehouse_audit_consumer_ack_pending',
  help: 'Events delivered to the audit consumer and not yet acknowledged, polled',
});

export const batchDuration = new Histogram({
  name: 'gatehouse_audit_batch_duration_seconds',
  help: 'Time to settle one fetched batch (decode, insert, dead-letter, ack)',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
});

export const storeRetries = new Counter({
  name: 'gatehouse_audit_store_retries_total',
  help: 'Batches held and retried because Postgres was unavailable',
});

export const eventsPurged = new Counter({
  name: 'gatehouse_audit_events_purged_total',
  help: 'Events deleted by the retention purge',
});
