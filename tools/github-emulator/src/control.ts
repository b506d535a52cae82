import express, { type ErrorRequestHandler, Router } from 'express';
import { faultRule } from './config-patch.ts';
import type { EmulatorState } from './emulator-state.ts';
import type { AccessToken } from './oauth/tokens.ts';
import { jsonBody } from './rest/params.ts';

/**
 * The test-only control API, mounted at /_emulator. It is unauthenticated: the emulator is a local test
 * double and must never face a network where that matters.
 */
export function controlRoutes(state: EmulatorState): Router {
  const router = Router();
  router.use(express.json());

  router.post('/reset', (req, res) => {
    const body = jsonBody(req);
    state.reset({ keepTokens: body.keepTokens === true, keepConfig: body.keepConfig === true });
    res.json({ reset: true });
  });

  router.get('/state', (_req, res) => {
    res.json(state.snapshot());
  });

  router.get('/config', (_req, res) => {
    res.json(state.config);
  });

  router.post('/config', (req, res) => {
    res.json(state.configure(jsonBody(req)));
  });

  /** Arms one more fault rule without replacing the others. */
  router.post('/faults', (req, res) => {
    res
      .status(201)
      .json(state.configure({ faults: [...state.config.faults, faultRule(jsonBody(req))] }).faults);
  });

  router.post('/tokens', (req, res) => {
    const body = jsonBody(req);
    const scopes = body.scopes as string[] | string | undefined;
    const expiresIn = body.expiresIn as number | null | undefined;
    const token = state.mintToken({ login: String(body.login ?? ''), scopes, expiresIn });
    res.status(201).json(describeToken(token));
  });

  router.post('/tokens/expire', (req, res) => {
    const token = String(jsonBody(req).token ?? '');
    if (!state.expireToken(token)) return res.status(404).json({ message: 'No such token' });
    res.json({ token, expired: true });
  });

  router.post('/apps', (req, res) => {
    const body = jsonBody(req);
    for (const field of ['clientId', 'clientSecret', 'callbackUrl']) {
      if (typeof body[field] !== 'string') throw new TypeError(`${field} must be a string`);
    }
    state.registerApp({
      clientId: body.clientId as string,
      clientSecret: body.clientSecret as string,
      callbackUrl: body.callbackUrl as string,
      name: typeof body.name === 'string' ? body.name : undefined,
    });
    res.status(201).json({ clientId: body.clientId, callbackUrl: body.callbackUrl });
  });

  router.use((_req, res) => {
    res.status(404).json({ message: 'Not Found' });
  });
  router.use(controlErrors);
  return router;
}

function describeToken(token: AccessToken) {
  return {
    token: token.token,
    login: token.login,
    scopes: token.scopes,
    expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
  };
}

/** Bad input (validation throws TypeError, URL parsing too) is the caller's mistake: 400 with the reason. */
const controlErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (error instanceof TypeError || error instanceof SyntaxError) {
    res.status(400).json({ message: error.message });
    return;
  }
  next(error);
};
