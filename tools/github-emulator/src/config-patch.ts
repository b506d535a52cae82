import type { EmulatorConfig, FaultRule, RateLimitConfig, SecondaryRateLimitConfig } from './options.ts';

/**
 * Validates a runtime configuration change (the body of POST /_emulator/config). Throws a TypeError
 * naming the offending key, which the control API returns as a 400.
 */
export function parseConfigPatch(input: unknown): Partial<EmulatorConfig> {
  const body = record(input, 'config');
  const patch: Partial<EmulatorConfig> = {};
  for (const [key, value] of Object.entries(body)) {
    switch (key) {
      case 'autoApprove':
        ensure(value === null || typeof value === 'string', key, 'a login, or null for the sign-in page');
        patch.autoApprove = value ? String(value) : null;
        break;
      case 'expiringTokens':
        ensure(typeof value === 'boolean', key, 'a boolean');
        patch.expiringTokens = value as boolean;
        break;
      case 'accessTokenTtlSeconds':
      case 'refreshTokenTtlSeconds':
        patch[key] = number(value, key, { min: 1 });
        break;
      case 'latencyMs':
        patch.latencyMs = number(value, key, { min: 0 });
        break;
      case 'rateLimit':
      case 'searchRateLimit':
        patch[key] = rateLimit(value, key);
        break;
      case 'secondaryRateLimit':
        patch.secondaryRateLimit = value === null ? null : secondaryRateLimit(value);
        break;
      case 'faults':
        ensure(Array.isArray(value), key, 'an array of fault rules');
        patch.faults = (value as unknown[]).map((rule, index) => faultRule(rule, `faults[${index}]`));
        break;
      default:
        throw new TypeError(`unknown config key "${key}"`);
    }
  }
  return patch;
}

function rateLimit(value: unknown, name: string): RateLimitConfig {
  const body = record(value, name);
  return {
    limit: number(body.limit, `${name}.limit`, { min: 0, integer: true }),
    windowSeconds: number(body.windowSeconds, `${name}.windowSeconds`, { min: 1 }),
  };
}

function secondaryRateLimit(value: unknown): SecondaryRateLimitConfig {
  const body = record(value, 'secondaryRateLimit');
  const status = body.status ?? 429;
  ensure(status === 403 || status === 429, 'secondaryRateLimit.status', '403 or 429');
  return {
    maxRequests: number(body.maxRequests, 'secondaryRateLimit.maxRequests', { min: 1, integer: true }),
    windowSeconds: number(body.windowSeconds, 'secondaryRateLimit.windowSeconds', { min: 1 }),
    ...(body.retryAfterSeconds === undefined
      ? {}
      : {
          retryAfterSeconds: number(body.retryAfterSeconds, 'secondaryRateLimit.retryAfterSeconds', {
            min: 0,
          }),
        }),
    status: status as 403 | 429,
  };
}

export function faultRule(value: unknown, name = 'fault'): FaultRule {
  const body = record(value, name);
  ensure(typeof body.path === 'string', `${name}.path`, 'a regular expression string');
  try {
    new RegExp(body.path as string);
  } catch {
    throw new TypeError(`${name}.path must be a valid regular expression`);
  }
  const rule: FaultRule = {
    path: body.path as string,
    status: number(body.status, `${name}.status`, { min: 100, max: 599, integer: true }),
  };
  if (body.method !== undefined) {
    ensure(typeof body.method === 'string', `${name}.method`, 'an HTTP method');
    rule.method = (body.method as string).toUpperCase();
  }
  if (body.times !== undefined) rule.times = number(body.times, `${name}.times`, { min: 1, integer: true });
  if (body.probability !== undefined)
    rule.probability = number(body.probability, `${name}.probability`, { min: 0, max: 1 });
  if (body.retryAfterSeconds !== undefined) {
    rule.retryAfterSeconds = number(body.retryAfterSeconds, `${name}.retryAfterSeconds`, {
      min: 0,
      integer: true,
    });
  }
  if (body.message !== undefined) {
    ensure(typeof body.message === 'string', `${name}.message`, 'a string');
    rule.message = body.message as string;
  }
  return rule;
}

function record(value: unknown, name: string): Record<string, unknown> {
  ensure(typeof value === 'object' && value !== null && !Array.isArray(value), name, 'an object');
  return value as Record<string, unknown>;
}

function number(
  value: unknown,
  name: string,
  range: { min: number; max?: number; integer?: boolean },
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= (range.max ?? Number.MAX_SAFE_INTEGER) &&
    (!range.integer || Number.isInteger(value));
  ensure(
    ok,
    name,
    `a${range.integer ? 'n integer' : ' number'} from ${range.min}${range.max === undefined ? '' : ` to ${range.max}`}`,
  );
  return value as number;
}

function ensure(condition: boolean, name: string, expected: string): asserts condition {
  if (!condition) throw new TypeError(`${name} must be ${expected}`);
}
