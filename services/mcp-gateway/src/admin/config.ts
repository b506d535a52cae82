import { z } from 'zod';

const DIGEST = /^[0-9a-f]{64}$/;

/** The admin API's variables, spread into the gateway's schema (src/config.ts). */
export const adminEnv = {
  /** Hex SHA-256 of the admin bearer token (comma-separate two while rotating); unset disables /admin. */
  ADMIN_TOKEN_SHA256: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((digest) => digest.trim().toLowerCase())
        .filter((digest) => digest.length > 0),
    )
    .refine((digests) => digests.every((digest) => DIGEST.test(digest)), {
      message:
        'must be hex SHA-256 digests (64 hex digits), comma-separated: sha256sum of the token, not the token',
    }),
};
