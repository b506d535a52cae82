import { timestampDate } from '@bufbuild/protobuf/wkt';
import { type Bus, BusError } from '@gatehouse/bus';
import { identity } from '@gatehouse/proto';
import { reconnectGitHub, WorkerError } from '../errors.ts';
import type { UpstreamToken, UpstreamTokenSource } from '../upstream-tokens.ts';

/** Identity's answers that mean there is no usable GitHub connection left: the person must sign in again. */
const RECONNECT = new Set(['not_found', 'invalid_grant']);

/** Characters an HTTP header value (RFC 9110 §5.5) carries safely; anything else is not a token. */
const TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * The upstream-token port over the bus: identity decrypts the person's GitHub token from its vault
 * (GetUpstreamToken) and refreshes it at GitHub when GitHub issued a refresh token
 * (RefreshUpstreamToken). Only the worker may call these (NATS permissions in production).
 */
export class IdentityUpstreamTokens implements UpstreamTokenSource {
  readonly #bus: Bus;

  constructor(bus: Bus) {
    this.#bus = bus;
  }

  async get(userId: string, deadline: number): Promise<UpstreamToken> {
    try {
      const reply = await this.#bus.request(
        identity.IdentityService.method.getUpstreamToken,
        { userId },
        { timeoutMs: remaining(deadline) },
      );
      return upstreamToken(reply);
    } catch (error) {
      throw fromIdentity(error, 'GetUpstreamToken');
    }
  }

  async refresh(userId: string, _stale: UpstreamToken, deadline: number): Promise<UpstreamToken> {
    try {
      const reply = await this.#bus.request(
        identity.IdentityService.method.refreshUpstreamToken,
        { userId },
        { timeoutMs: remaining(deadline) },
      );
      return upstreamToken(reply);
    } catch (error) {
      throw fromIdentity(error, 'RefreshUpstreamToken');
    }
  }
}

function upstreamToken(reply: identity.UpstreamToken): UpstreamToken {
  if (!TOKEN_CHARACTERS.test(reply.accessToken)) {
    throw new WorkerError('internal', 'An internal error occurred.', {
      reason: 'identity returned an empty or malformed upstream token',
    });
  }
  return {
    accessToken: reply.accessToken,
    expiresAt: reply.expiresAt ? timestampDate(reply.expiresAt) : undefined,
  };
}

function fromIdentity(error: unknown, method: string): WorkerError {
  if (error instanceof WorkerError) return error;
  if (!(error instanceof BusError)) {
    return new WorkerError('internal', 'An internal error occurred.', {
      reason: `${method} failed`,
      cause: error,
    });
  }
  const reason = `identity ${method}: ${error.code}${error.reason ? ` (${error.reason})` : ''}`;
  if (RECONNECT.has(error.code)) return reconnectGitHub(reason);
  if (error.retryable) {
    return new WorkerError(
      'unavailable',
      'Your GitHub connection could not be read right now; try again shortly',
      {
        reason,
      },
    );
  }
  return new WorkerError('internal', 'An internal error occurred.', { reason });
}

function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}
