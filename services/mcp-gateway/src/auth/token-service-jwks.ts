import type { Bus } from '@gatehouse/bus';
import { token } from '@gatehouse/proto';
import type { JwksSource } from './signing-keys.ts';

/** The production key source: the token service's published keys (`GetJwks`), over the bus. */
export function tokenServiceJwks(bus: Bus, timeoutMs = 3_000): JwksSource {
  return async () => {
    const jwks = await bus.request(token.TokenService.method.getJwks, {}, { timeoutMs });
    return {
      keys: jwks.keys.map((key) => ({
        kty: key.kty,
        crv: key.crv,
        x: key.x,
        y: key.y,
        kid: key.kid,
        ...(key.alg ? { alg: key.alg } : {}),
        ...(key.use ? { use: key.use } : {}),
      })),
    };
  };
}
