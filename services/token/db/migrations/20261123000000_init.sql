-- migrate:up

-- Clients registered through RFC 7591 Dynamic Client Registration. Pre-configured clients live in
-- configuration and Client ID Metadata Document clients in the Redis cache; neither has a row.
CREATE TABLE token.clients (
  id                       text PRIMARY KEY,
  -- The validated RFC 7591 §2 metadata, defaults applied (never a secret).
  metadata                 jsonb NOT NULL,
  -- SHA-256 (base64url) of the 256-bit client secret; NULL for public and private_key_jwt clients.
  secret_hash              text,
  -- SHA-256 (base64url) of the 256-bit RFC 7592 registration access token.
  registration_token_hash  text NOT NULL,
  created_at               timestamptz(3) NOT NULL DEFAULT now(),
  updated_at               timestamptz(3) NOT NULL DEFAULT now(),
  -- When a grant was last created for the client; unused clients are purged.
  last_granted_at          timestamptz(3)
);

-- One row per authorization (a person's consent redeemed by one client): what the connected-apps
-- page lists and what revocation ends. Refresh tokens and access tokens (by `gid`) belong to one.
CREATE TABLE token.grants (
  id              uuid PRIMARY KEY,
  client_id       text NOT NULL,
  -- Snapshot at consent time, so the list of grants needs no lookup per client kind.
  client_name     text NOT NULL,
  user_id         text NOT NULL,
  github_login    text NOT NULL DEFAULT '',
  scopes          text[] NOT NULL,
  resource        text NOT NULL,
  redirect_uri    text NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at    timestamptz(3) NOT NULL DEFAULT now(),
  -- Absolute lifetime: no refresh token of the grant outlives it.
  expires_at      timestamptz(3) NOT NULL,
  revoked_at      timestamptz(3),
  revoked_reason  text
);
CREATE INDEX grants_user_id_idx ON token.grants (user_id, created_at DESC);
CREATE INDEX grants_client_id_idx ON token.grants (client_id);
CREATE INDEX grants_expires_at_idx ON token.grants (expires_at);
CREATE INDEX grants_revoked_at_idx ON token.grants (revoked_at) WHERE revoked_at IS NOT NULL;

-- Refresh tokens, by SHA-256 of the opaque token. A rotated row stays (with its successor) until it
-- expires, so a second use is recognised as reuse and revokes the grant.
CREATE TABLE token.refresh_tokens (
  hash            text PRIMARY KEY,
  grant_id        uuid NOT NULL REFERENCES token.grants (id) ON DELETE CASCADE,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  -- min(grant expiry, issue time + idle timeout).
  expires_at      timestamptz(3) NOT NULL,
  rotated_at      timestamptz(3),
  successor_hash  text
);
CREATE INDEX refresh_tokens_grant_id_idx ON token.refresh_tokens (grant_id);
CREATE INDEX refresh_tokens_expires_at_idx ON token.refresh_tokens (expires_at);

-- ES256 signing keys. `next` is published before it signs, `retired` stays published until every
-- token it signed has expired. The private JWK is a JWE (dir + A256GCM) under a key-encryption key.
CREATE TABLE token.signing_keys (
  kid                    text PRIMARY KEY,
  status                 text NOT NULL CHECK (status IN ('next', 'current', 'retired')),
  public_jwk             jsonb NOT NULL,
  private_jwk_encrypted  text NOT NULL,
  encryption_key_id      text NOT NULL,
  created_at             timestamptz(3) NOT NULL DEFAULT now(),
  activated_at           timestamptz(3),
  retired_at             timestamptz(3),
  -- For retired keys: when the last token it signed has expired; unpublished and deleted after.
  publish_until          timestamptz(3)
);
CREATE UNIQUE INDEX signing_keys_one_current_idx ON token.signing_keys (status) WHERE status = 'current';
CREATE UNIQUE INDEX signing_keys_one_next_idx ON token.signing_keys (status) WHERE status = 'next';

-- migrate:down
DROP TABLE token.signing_keys;
DROP TABLE token.refresh_tokens;
DROP TABLE token.grants;
DROP TABLE token.clients;
