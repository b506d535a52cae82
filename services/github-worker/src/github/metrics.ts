import { Counter, Histogram, register } from 'prom-client';

// In prom-client's default registry, which the health server exposes on /metrics. Looked up before
// created, so several workers in one process (tests) share them.
function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** GitHub calls by route template (never the expanded path: it names people's repositories) and status. */
export const githubRequestDuration = metric(
  'gatehouse_github_request_duration_seconds',
  () =>
    new Histogram({
      name: 'gatehouse_github_request_duration_seconds',
      help: 'Time for one GitHub REST call, retries included, by route template and final status',
      labelNames: ['route', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);

/** Rate limits GitHub answered, and whether the worker waited and retried or reported them. */
export const githubRateLimits = metric(
  'gatehouse_github_rate_limits_total',
  () =>
    new Counter({
      name: 'gatehouse_github_rate_limits_total',
      help: 'GitHub rate-limit answers, by kind (primary, secondary) and whether the call was retried',
      labelNames: ['kind', 'retried'],
    }),
);
