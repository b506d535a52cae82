import type { Logger } from '@gatehouse/logging';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { isInitializeRequest, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { AccessToken } from '../../auth/access-token.ts';
import type { Authenticator } from '../../auth/authenticator.ts';
import { BearerError, type ChallengeContext, toHttpRefusal } from '../../auth/challenge.ts';
import type { RejectionEvents, RequestOrigin } from '../../auth/rejection-events.ts';
import { requestOrigin } from '../../http/client-ip.ts';
import type { McpRequestContext } from '../server.ts';
import { serveJsonPost } from './json-response.ts';
import {
  INTERNAL_ERROR,
  INVALID_REQUEST,
  PARSE_ERROR,
  sendJsonRpcError,
  TRANSPORT_ERROR,
} from './json-rpc.ts';
import type { OriginPolicy } from './origin-policy.ts';
import { unsupportedProtocolVersion } from './protocol-version.ts';
import type { StepUpGate } from './step-up-gate.ts';
import { type OpenStreams, serveWithSdk } from './streamable-http.ts';

export interface McpRouterOptions {
  authenticator: Authenticator;
  challenge: ChallengeContext;
  rejections: RejectionEvents;
  origins: OriginPolicy;
  stepUp: StepUpGate;
  serverFor: (context: McpRequestContext) => McpServer;
  streams: OpenStreams;
  /** Longest life of a GET event stream. */
  sseMaxDurationMs: number;
  logger: Logger;
}

/** Largest JSON-RPC body accepted: an issue body is at most 64 KiB. */
const MAX_BODY = '1mb';

interface McpLocals {
  token: AccessToken;
  origin: RequestOrigin;
}

function locals(res: Response): McpLocals {
  return res.locals as McpLocals;
}

/**
 * `/mcp`: MCP Streamable HTTP behind the checks every request passes, in order —
 * Origin (403), CORS, method (405), bearer token (401/400/503), body (400/413/415), protocol
 * version (400), scope step-up (403) — then the SDK transport.
 */
export function mcpRouter(options: McpRouterOptions): Router {
  const router = Router();

  const checkOrigin = (req: Request, res: Response, next: NextFunction) => {
    if (options.origins.allows(req.get('origin'))) return next();
    sendJsonRpcError(res, 403, TRANSPORT_ERROR, 'Forbidden: this Origin may not call the MCP endpoint.');
  };

  // Browser clients (Inspector in direct mode) must be able to send the MCP headers and read the
  // challenge and session headers (MCP authorization; twentyhq/twenty#19836).
  const allowCors = cors({
    origin: (origin, callback) => callback(null, options.origins.allows(origin) ? origin : false),
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'Mcp-Session-Id',
      'MCP-Protocol-Version',
      'Last-Event-ID',
    ],
    exposedHeaders: ['WWW-Authenticate', 'Mcp-Session-Id'],
    credentials: false,
    maxAge: 600,
  });

  const onlyMcpMethods = (req: Request, res: Response, next: NextFunction) => {
    if (['GET', 'POST', 'DELETE'].includes(req.method)) return next();
    sendJsonRpcError(res, 405, TRANSPORT_ERROR, 'Method not allowed.', { Allow: 'GET, POST, DELETE' });
  };

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const origin = requestOrigin(req);
    try {
      const url = new URL(req.originalUrl, 'http://gateway.invalid');
      locals(res).token = await options.authenticator.authenticate(req.get('authorization'), url);
      locals(res).origin = origin;
      next();
    } catch (error) {
      if (!(error instanceof BearerError)) return next(error);
      options.rejections.record(error, origin);
      const refusal = toHttpRefusal(error, options.challenge);
      res.status(refusal.status).set(refusal.headers).json(refusal.body);
    }
  };

  const parseBody = express.json({ limit: MAX_BODY, strict: true });

  // Body-parser failures as the JSON-RPC errors a client expects (JSON-RPC 2.0 §5.1).
  const bodyErrors = (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed')
      return sendJsonRpcError(res, 400, PARSE_ERROR, 'Parse error: Invalid JSON');
    if (type === 'entity.too.large') {
      return sendJsonRpcError(res, 413, TRANSPORT_ERROR, `Request body too large (limit ${MAX_BODY}).`);
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return sendJsonRpcError(
        res,
        415,
        TRANSPORT_ERROR,
        'Unsupported Media Type: the body must be UTF-8 JSON.',
      );
    }
    if (typeof type === 'string')
      return sendJsonRpcError(res, 400, PARSE_ERROR, 'Parse error: unreadable body');
    next(error);
  };

  const checkMessages = (req: Request, res: Response, next: NextFunction) => {
    // A body that was not parsed (wrong Content-Type) is answered 415 by serveJsonPost.
    if (req.body === undefined) return next();
    const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
    if (messages.length === 0 || !messages.every((m) => JSONRPCMessageSchema.safeParse(m).success)) {
      return sendJsonRpcError(res, 400, INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message.');
    }
    next();
  };

  const checkProtocolVersion = (req: Request, res: Response, next: NextFunction) => {
    const initializing = req.method === 'POST' && [req.body].flat().some((m) => isInitializeRequest(m));
    const problem = initializing ? undefined : unsupportedProtocolVersion(req.get('mcp-protocol-version'));
    if (problem) return sendJsonRpcError(res, 400, TRANSPORT_ERROR, problem);
    next();
  };

  const gateScopes = (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || req.body === undefined) return next();
    const { token, origin } = locals(res);
    const error = options.stepUp.check([req.body].flat(), token, origin);
    if (!error) return next();
    const refusal = toHttpRefusal(error, options.challenge);
    res.status(refusal.status).set(refusal.headers).json(refusal.body);
  };

  const serve = async (req: Request, res: Response) => {
    const { token, origin } = locals(res);
    const server = options.serverFor({ token, origin });
    if (req.method === 'POST') return serveJsonPost(req, res, server);
    const streamEndsAt =
      req.method === 'GET'
        ? Math.min(token.expiresAt * 1000, Date.now() + options.sseMaxDurationMs)
        : undefined;
    await serveWithSdk(req, res, server, {
      logger: options.logger,
      streams: options.streams,
      streamEndsAt,
    });
  };

  // Anything unexpected: logged here, a generic JSON-RPC error on the wire (never a stack trace).
  const unexpected = (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    options.logger.error({ err: error }, 'mcp request failed');
    if (res.headersSent) return void res.end();
    sendJsonRpcError(res, 500, INTERNAL_ERROR, 'Internal error');
  };

  router.all(
    '/mcp',
    checkOrigin,
    allowCors,
    onlyMcpMethods,
    authenticate,
    parseBody,
    bodyErrors,
    checkMessages,
    checkProtocolVersion,
    gateScopes,
    serve,
    unexpected,
  );
  return router;
}
