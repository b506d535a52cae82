// Small loopback HTTP servers for the CIMD attacks: one serving documents and redirects, one
// canary that must never be reached.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  origin: string;
  hostPort: string;
  hits: string[];
  close(): Promise<void>;
}

export async function loopbackServer(
  handle: (req: IncomingMessage, res: ServerResponse, origin: string) => void = (_req, res) => res.end('{}'),
): Promise<LoopbackServer> {
  const hits: string[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handle(req, res, origin);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    hostPort: `127.0.0.1:${port}`,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
