import { STATUS_CODES } from 'node:http';
import type { RequestHandler, Response } from 'express';
import type { EmulatorState } from '../emulator-state.ts';
import type { FaultRule } from '../options.ts';
import { ApiError, sendError } from './errors.ts';
import { secondaryLimitError } from './rate-limit.ts';

/**
 * Simulated network conditions for benchmarks and retry tests: the configured latency, then any
 * fault rule matching the request. Applies to the OAuth and REST endpoints, never to /_emulator.
 */
export function latencyAndFaults(state: EmulatorState): RequestHandler {
  return (req, res, next) => {
    const proceed = () => {
      const path = req.path.replace(/^\/api\/v3(?=\/)/, '');
      const fault = takeFault(state.config.faults, req.method, path);
      if (!fault) return next();
      sendError(res, faultError(res, fault));
    };
    if (state.config.latencyMs > 0) setTimeout(proceed, state.config.latencyMs);
    else proceed();
  };
}

/**
 * The first rule that matches and fires. Rules with `times` count down in place and are removed
 * once spent, so GET /_emulator/state shows what is still armed.
 */
export function takeFault(
  faults: FaultRule[],
  method: string,
  path: string,
  random: () => number = Math.random,
): FaultRule | undefined {
  const index = faults.findIndex(
    (rule) =>
      (!rule.method || rule.method.toUpperCase() === method) &&
      new RegExp(rule.path).test(path) &&
      random() < (rule.probability ?? 1),
  );
  const rule = faults[index];
  if (!rule) return undefined;
  if (rule.times !== undefined) {
    rule.times--;
    if (rule.times <= 0) faults.splice(index, 1);
  }
  return rule;
}

function faultError(res: Response, fault: FaultRule): ApiError {
  const headers: Record<string, string> =
    fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
  if (fault.message === undefined && (fault.status === 403 || fault.status === 429)) {
    return secondaryLimitError(res, fault.status, fault.retryAfterSeconds ?? 60);
  }
  return new ApiError(fault.status, fault.message ?? STATUS_CODES[fault.status] ?? 'Server Error', {
    headers,
  });
}
