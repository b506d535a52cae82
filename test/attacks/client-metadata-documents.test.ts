// SSRF through a Client ID Metadata Document client_id: the token service fetches a URL the client
// chose, so it must never reach loopback, link-local (cloud metadata) or private addresses, directly,
// through DNS, or through a redirect; and it must refuse an oversized document.

import { describe, expect } from '@gatehouse/testing';
import { afterAll } from 'vitest';
import { Browser, pkce } from '../../bench/harness/oauth-client.ts';
import { proofTest } from '../../bench/harness/proof-test.ts';
import { type LoopbackServer, loopbackServer } from './support/document-server.ts';

/** The first test also starts the file's stack (five processes): slow on a busy 2-core machine. */
const STACK_START_TIMEOUT_MS = 60_000;

const REDIRECT = 'https://client.example.com/callback';
let canary: LoopbackServer;
let documents: LoopbackServer;

// Servers must exist before the stack starts: the document host is the one development exemption.
canary = await loopbackServer();
documents = await loopbackServer((req, res, origin) => {
  const send = (status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
  switch (req.url) {
    case '/client.json':
      return send(
        200,
        JSON.stringify({
          client_id: `${origin}/client.json`,
          client_name: 'CIMD client',
          redirect_uris: [REDIRECT],
        }),
      );
    case '/to-metadata':
      return send(302, '', { location: 'http://169.254.169.254/latest/meta-data/' });
    case '/to-canary':
      return send(302, '', { location: `${canary.origin}/secret` });
    case '/huge':
      return send(
        200,
        JSON.stringify({
          client_id: `${origin}/huge`,
          redirect_uris: [REDIRECT],
          client_name: 'x'.repeat(1_000_000),
        }),
      );
    case '/huge-chunked':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"client_id":"${origin}/huge-chunked","client_name":"`);
      for (let i = 0; i < 100; i++) res.write('y'.repeat(10_000));
      return res.end('"}');
    default:
      return send(404, '{}');
  }
});

const test = proofTest({
  env: { RATE_LIMIT_AUTHORIZE_PER_IP: 'off' },
  serviceEnv: { token: { CIMD_ALLOWED_HOSTS: documents.hostPort, CIMD_FETCH_TIMEOUT: '1s' } },
});

afterAll(async () => {
  await canary.close();
  await documents.close();
});

describe('client metadata document SSRF', () => {
  test('a well-formed document on the allowed development host works (baseline)', {
    timeout: STACK_START_TIMEOUT_MS,
  }, async ({ stack }) => {
    const outcome = await stack.client.authorize(new Browser(), {
      clientId: `${documents.origin}/client.json`,
      redirectUri: REDIRECT,
      pkce: pkce(),
    });
    expect(outcome.last.status).toBe(200);
    expect(outcome.consent).toBeDefined();
  });

  test('refuses client_ids on loopback, link-local, private and DNS-to-loopback addresses without fetching', async ({
    stack,
  }) => {
    const port = canary.hostPort.split(':')[1];
    const targets = [
      `https://127.0.0.1:${port}/doc`,
      `http://127.0.0.1:${port}/doc`,
      `https://localhost:${port}/doc`,
      `https://[::1]:${port}/doc`,
      `https://[::ffff:127.0.0.1]:${port}/doc`,
      `https://0x7f000001:${port}/doc`,
      `https://2130706433:${port}/doc`,
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00::1]/doc',
      'https://10.0.0.1/doc',
      'https://172.16.0.1/doc',
      'https://192.168.1.1/doc',
      'https://0.0.0.0/doc',
      'file:///etc/passwd',
    ];
    for (const clientId of targets) {
      const started = Date.now();
      const outcome = await stack.client.authorize(new Browser(), {
        clientId,
        redirectUri: REDIRECT,
        pkce: pkce(),
      });
      expect.soft(outcome.redirect?.toString(), clientId).toBeUndefined();
      expect.soft(outcome.last.status, clientId).toBe(400);
      expect.soft(Date.now() - started, clientId).toBeLessThan(2_500);
    }
    expect(canary.hits).toEqual([]);
  });

  test('does not follow a redirect from the document host to metadata or loopback addresses', async ({
    stack,
  }) => {
    for (const path of ['/to-metadata', '/to-canary']) {
      const outcome = await stack.client.authorize(new Browser(), {
        clientId: `${documents.origin}${path}`,
        redirectUri: REDIRECT,
        pkce: pkce(),
      });
      expect(outcome.last.status, path).toBe(400);
      expect(outcome.redirect, path).toBeUndefined();
    }
    expect(canary.hits).toEqual([]);
  });

  test('refuses an oversized document, declared or streamed', async ({ stack }) => {
    for (const path of ['/huge', '/huge-chunked']) {
      const outcome = await stack.client.authorize(new Browser(), {
        clientId: `${documents.origin}${path}`,
        redirectUri: REDIRECT,
        pkce: pkce(),
      });
      expect(outcome.last.status, path).toBe(400);
      expect(outcome.consent, path).toBeUndefined();
    }
  });

  test('a document host answering a redirect, an error or an oversized body cannot take the token service down', async ({
    stack,
  }) => {
    for (const path of ['/to-metadata', '/missing', '/huge']) {
      await stack.client.authorize(new Browser(), {
        clientId: `${documents.origin}${path}`,
        redirectUri: REDIRECT,
        pkce: pkce(),
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(stack.services.token?.process.exitCode, `token service after ${path}`).toBeNull();
    }
  });
});
