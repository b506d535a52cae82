-- migrate:up

-- A person, keyed by GitHub's numeric account id; the login can change on GitHub.
CREATE TABLE identity.users (
  id            text PRIMARY KEY,
  github_id     bigint NOT NULL UNIQUE,
  github_login  text NOT NULL,
  avatar_url    text NOT NULL DEFAULT '',
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  last_login_at timestamptz(3) NOT NULL DEFAULT now()
);

-- A person's GitHub token pair, encrypted: `sealed_tokens` is a compact JWE (dir + A256GCM) under
-- the key `key_id` names; no column holds a token in the clear.
CREATE TABLE identity.upstream_accounts (
  user_id                  text PRIMARY KEY REFERENCES identity.users (id) ON DELETE CASCADE,
  key_id                   text NOT NULL,
  sealed_tokens            text NOT NULL,
  scopes                   text[] NOT NULL DEFAULT '{}',
  expires_at               timestamptz(3),
  refresh_token_expires_at timestamptz(3),
  obtained_at              timestamptz(3) NOT NULL
);

-- Finds the rows still encrypted under a key that is being retired.
CREATE INDEX upstream_accounts_key_id_idx ON identity.upstream_accounts (key_id);

-- What a person approved for a client; a request within it skips the consent page.
CREATE TABLE identity.consents (
  user_id    text NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
  client_id  text NOT NULL,
  scopes     text[] NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, client_id)
);

-- migrate:down
DROP TABLE identity.consents;
DROP TABLE identity.upstream_accounts;
DROP TABLE identity.users;
