import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Lowest port tried: clear of the well-known and registered services tests might meet. */
const LOWEST = 20_000;

/** Where the kernel's range for outgoing connections' local ports starts (Linux), else IANA's. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (low) return low;
  } catch {
    // not Linux
  }
  return 49_152;
}

function listens(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A loopback port free right now, for a service whose URL must be known before it starts (a
 * gateway's PUBLIC_URL). Chosen below the kernel's ephemeral range: a port the kernel hands out
 * (`listen(0)`) is also what it gives the next outgoing connection, and with the suite opening
 * thousands of them, one took a gateway's port between the check and its start (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; low - LOWEST > 1_000 && attempt < 100; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (low - LOWEST));
    if (await listens(port)) return port;
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
