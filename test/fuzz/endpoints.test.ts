// 10,000 malformed requests over every public endpoint, sent concurrently: no 5xx, no crash, and
// every error in the shape its protocol promises (RFC 6749 §5.2 for OAuth, JSON-RPC 2.0 §5 for /mcp).
import { describe, expect } from '@gatehouse/testing';
import fc from 'fast-check';
import { request } from 'undici';
import { proofTest } from '../../bench/harness/proof-test.ts';
import { OAUTH_ERRORS } from '../attacks/support/oauth-errors.ts';
import { type FuzzRequest, fuzzRequest } from './requests.ts';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 48;
/** Past this a request hangs (the bus deadlines are 10 s); seconds-long stalls of a busy 2-core box are not hangs. */
const SLOW_MS = 8_000;
const test = proofTest({
  env: {
    RATE_LIMIT_REGISTER_PER_IP: 'off',
    RATE_LIMIT_AUTHORIZE_PER_IP: 'off',
    RATE_LIMIT_TOKEN_PER_IP: 'off',
    RATE_LIMIT_TOKEN_PER_CLIENT: 'off',
    RATE_LIMIT_REVOKE_PER_IP: 'off',
    RATE_LIMIT_ACCOUNT_PER_IP: 'off',
  },
});

interface Finding {
  request: string;
  status: number;
  problem: string;
  body: string;
}

function problemWith(
  fuzz: FuzzRequest,
  status: number,
  contentType: string,
  text: string,
): string | undefined {
  if (status >= 500) return 'server error';
  if (status < 400 || !contentType.includes('json')) return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'unparseable JSON error body';
  }
  if (fuzz.kind === 'oauth' || (fuzz.kind === 'page' && 'error' in body && !('jsonrpc' in body))) {
    if (!OAUTH_ERRORS.has(String(body.error))) return `error "${String(body.error)}" outside RFC 6749 §5.2`;
    if (body.error_description !== undefined && typeof body.error_description !== 'string') {
      return 'error_description is not a string';
    }
  }
  if (fuzz.kind === 'jsonrpc' && 'jsonrpc' in body) {
    const error = body.error as Record<string, unknown> | undefined;
    if (
      body.jsonrpc !== '2.0' ||
      !error ||
      !Number.isInteger(error.code) ||
      typeof error.message !== 'string'
    ) {
      return 'malformed JSON-RPC error';
    }
    if (!('id' in body)) return 'JSON-RPC error without id';
  }
  return undefined;
}

describe('fuzzing every public endpoint', () => {
  test(`${REQUESTS} malformed requests: no 5xx, well-formed errors, the gateway still healthy`, async ({
    stack,
  }) => {
    const { tokens } = await stack.client.connect();
    const requests = fc.sample(fuzzRequest(tokens.access_token), { numRuns: REQUESTS, seed: 20261123 });
    const findings: Finding[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const fuzz = requests[next++]!;
          let status = 0;
          let text = '';
          let contentType = '';
          const started = performance.now();
          try {
            const response = await request(`${stack.publicUrl}${fuzz.path}`, {
              method: fuzz.method as 'GET',
              headers: fuzz.headers,
              body: fuzz.body,
              headersTimeout: 15_000,
              bodyTimeout: 15_000,
            });
            status = response.statusCode;
            contentType = String(response.headers['content-type'] ?? '');
            // A GET /mcp that opened an event stream stays open by design: close it, judge the status.
            if (contentType.includes('text/event-stream')) response.body.destroy();
            else text = await response.body.text();
          } catch (error) {
            // The server may cut an oversized upload short; that is a refusal, not a failure.
            const code = (error as { code?: string }).code ?? '';
            if (!/ECONNRESET|EPIPE|UND_ERR_SOCKET/.test(code)) {
              findings.push({ request: describeRequest(fuzz), status: 0, problem: String(error), body: '' });
            }
            continue;
          }
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const elapsed = performance.now() - started;
          if (elapsed > SLOW_MS) {
            findings.push({
              request: describeRequest(fuzz),
              status,
              problem: `took ${Math.round(elapsed)} ms`,
              body: '',
            });
          }
          const problem = problemWith(fuzz, status, contentType, text);
          if (problem)
            findings.push({ request: describeRequest(fuzz), status, problem, body: text.slice(0, 300) });
        }
      }),
    );
    // Wrong answers first: a slow request matters less than a 5xx or a malformed error.
    findings.sort((a, b) => Number(a.problem.startsWith('took')) - Number(b.problem.startsWith('took')));
    expect(findings.slice(0, 15)).toEqual([]);
    // The fuzz reached past the front door: some requests were accepted, some refused.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);
    for (const service of Object.values(stack.services))
      expect(service?.process.exitCode, service?.name).toBeNull();
    const health = await fetch(`${stack.healthUrl('mcp-gateway')}/healthz`);
    expect(health.status).toBe(200);
  }, 90_000);
});

function describeRequest(fuzz: FuzzRequest): string {
  const body = fuzz.body === undefined ? '' : ` ${String(fuzz.body).slice(0, 120)}`;
  return `${fuzz.method} ${fuzz.path.slice(0, 160)} ${JSON.stringify(fuzz.headers).slice(0, 120)}${body}`;
}
