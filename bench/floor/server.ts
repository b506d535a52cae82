// One process of the floor benchmark (bench/floor.ts): `front` answers HTTP, `back` answers NATS.
// Each does only what its FLOOR_* switches ask, with the libraries the services use and none of
// our code, so the driver can add one layer of the gateway → NATS → token service shape at a time,
// or measure the gateway → NATS → worker → GitHub shape of a tool call (FLOOR_GITHUB_URL).
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import { connect, type JetStreamClient } from 'nats';
import pg from 'pg';
import { request } from 'undici';

const role = process.argv[2];
const on = (name: string) => process.env[name] === '1';
const subject = process.env.FLOOR_SUBJECT ?? 'floor.token';
// About the size of a token response: a 600-byte JWT, a refresh token, the rest.
const ANSWER = Buffer.from(
  JSON.stringify({
    access_token: randomBytes(450).toString('base64url'),
    token_type: 'Bearer',
    expires_in: 900,
    refresh_token: randomBytes(32).toString('base64url'),
    scope: 'repos:read issues:read',
  }),
);

if (role === 'front') await front();
else if (role === 'back') await back();
else throw new Error('usage: server.ts front|back');

async function front(): Promise<void> {
  const nats = on('FLOOR_FORWARD')
    ? await connect({ servers: process.env.FLOOR_NATS_URL, noAsyncTraces: true })
    : undefined;
  const answer = async (body: Buffer | string): Promise<Buffer> =>
    nats ? Buffer.from((await nats.request(subject, Buffer.from(body), { timeout: 5_000 })).data) : ANSWER;

  let server: ReturnType<typeof createServer>;
  if (on('FLOOR_EXPRESS')) {
    // The gateway's middleware for its OAuth endpoints: security headers, CORS, a form body.
    const app = express();
    app.disable('x-powered-by').disable('etag');
    app.use(helmet(), cors(), express.urlencoded({ extended: false, limit: '16kb' }));
    // A tool call: the JSON-RPC body parsed and forwarded, and the back's bytes answered as they came.
    app.post('/mcp', express.json({ limit: '1mb' }), async (req, res) => {
      const reply = await answer(JSON.stringify(req.body));
      if (reply.length === 0) return void res.status(502).end();
      res.set('cache-control', 'no-store').type('application/json').send(reply);
    });
    app.post('/oauth/token', async (req, res) => {
      const reply = await answer(new URLSearchParams(req.body as Record<string, string>).toString());
      res.set('cache-control', 'no-store').type('application/json').send(reply);
    });
    server = createServer(app);
  } else {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        answer(Buffer.concat(chunks)).then(
          (reply) => {
            res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
            res.end(reply);
          },
          () => res.writeHead(502).end(), // counted as an error by the driver
        );
      });
    });
  }
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(
      `${JSON.stringify({ ready: true, port: typeof address === 'object' && address?.port })}\n`,
    );
  });
}

async function back(): Promise<void> {
  const nats = await connect({ servers: process.env.FLOOR_NATS_URL, noAsyncTraces: true });
  const pool = on('FLOOR_PG')
    ? new pg.Pool({ connectionString: process.env.FLOOR_DATABASE_URL, max: 10 })
    : undefined;
  const redis = on('FLOOR_REDIS')
    ? new Redis(process.env.FLOOR_REDIS_URL ?? 'redis://127.0.0.1:6379')
    : undefined;
  const key = on('FLOOR_SIGN') ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey : undefined;
  const js: JetStreamClient | undefined = on('FLOOR_EVENT') ? nats.jetstream() : undefined;
  const rows = Number(process.env.FLOOR_ROWS ?? 10_000);
  // The worker's part of a tool call, at its least: fetch GitHub's page and pass on, unread, as
  // many of its bytes as the gateway's answer to the call holds (a worker must send something
  // that size, and reading the page to pick it would cost more).
  const github = process.env.FLOOR_GITHUB_URL;
  const replyBytes = Number(process.env.FLOOR_GITHUB_REPLY_BYTES ?? 13_000);
  const githubHeaders = { authorization: `token ${process.env.FLOOR_GITHUB_TOKEN}`, 'user-agent': 'floor' };

  nats.subscribe(subject, {
    queue: 'floor',
    callback: async (_error, message) => {
      if (github) {
        const page = await request(github, { headers: githubHeaders })
          .then(async (answer) => {
            const bytes = Buffer.from(await answer.body.arrayBuffer());
            return answer.statusCode === 200 ? bytes.subarray(0, replyBytes) : undefined;
          })
          .catch(() => undefined);
        message.respond(page ?? Buffer.alloc(0)); // empty: failed
        return;
      }
      // One statement, as the rotation is: a HOT update of one row by primary key, prepared.
      if (pool) {
        await pool.query({
          name: 'floor_touch',
          text: 'UPDATE floor_rows SET n = n + 1, touched_at = now() WHERE id = $1 RETURNING n',
          values: [Math.floor(Math.random() * rows)],
        });
      }
      // The grace-window copy of the answer, as the rotation keeps it; not awaited, as there.
      if (redis) redis.set(`${subject}:${randomUUID()}`, ANSWER, 'PX', 2_000).catch(() => {});
      if (key) {
        const input = `${Buffer.from('{"alg":"ES256","typ":"at+jwt"}').toString('base64url')}.${Buffer.from(
          JSON.stringify({ sub: randomUUID(), iat: Date.now(), scope: 'repos:read' }),
        ).toString('base64url')}`;
        sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
      }
      message.respond(ANSWER);
      // The event leaves after the answer and is not waited for on the response path.
      if (js)
        js.publish(`${subject}.event`, Buffer.from(`{"type":"rotated","id":"${randomUUID()}"}`)).catch(
          () => {},
        );
    },
  });
  await nats.flush();
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}
