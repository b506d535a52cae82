import { randomBytes } from 'node:crypto';
import { describe, expect, test } from '@gatehouse/testing';
import { decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { PostgresUpstreamAccounts, PostgresUsers } from '../src/store/postgres.ts';
import { createDatabase, type Database } from '../src/store/prisma.ts';
import { GitHubOAuth, type UpstreamTokenSet } from '../src/upstream/github-oauth.ts';
import { type Keyring, parseKeyring } from '../src/upstream/token-keys.ts';
import { TokenVault } from '../src/upstream/token-vault.ts';

function keyring(...kids: string[]): Keyring {
  const parsed = parseKeyring(kids.map((kid) => `${kid}:${KEYS[kid]}`).join(','));
  if (Array.isArray(parsed)) throw new Error(parsed.join('; '));
  return parsed;
}

const KEYS: Record<string, string> = {
  old: randomBytes(32).toString('base64url'),
  new: randomBytes(32).toString('base64url'),
};

const tokens = (suffix: string): UpstreamTokenSet => ({
  accessToken: `ghu_access_${suffix}_${randomBytes(8).toString('hex')}`,
  refreshToken: `ghr_refresh_${suffix}_${randomBytes(8).toString('hex')}`,
  scopes: ['repo'],
  expiresAt: new Date(Date.now() + 8 * 3_600_000),
  refreshTokenExpiresAt: new Date(Date.now() + 180 * 86_400_000),
});

// The vault against the real identity schema: what reaches Postgres, and key rotation.
describe('the upstream token vault', () => {
  let database: Database;
  let sql: pg.Client;
  let accounts: PostgresUpstreamAccounts;
  let users: PostgresUsers;
  // Never called here: refresh is tested against the emulator elsewhere.
  const github = new GitHubOAuth({
    webUrl: 'http://127.0.0.1:1',
    apiUrl: 'http://127.0.0.1:1',
    clientId: 'x',
    clientSecret: 'y',
    callbackUrl: 'http://localhost:8080/oauth/callback/github',
    timeoutMs: 100,
  });
  const vault = (ring: Keyring) => new TokenVault({ keyring: ring, accounts, github, events: () => {} });

  test.beforeAll(async ({ isolation }) => {
    database = createDatabase(isolation.databaseUrl);
    sql = new pg.Client({ connectionString: isolation.databaseUrl });
    await sql.connect();
    accounts = new PostgresUpstreamAccounts(database, { lockTimeoutMs: 2_000 });
    users = new PostgresUsers(database);
  });
  test.afterAll(async () => {
    await sql.end();
    await database.$disconnect();
  });

  let githubId = 1000;
  const newUser = () =>
    users.upsertByGitHubId({ githubId: githubId++, githubLogin: `user${githubId}`, avatarUrl: '' });
  const row = async (userId: string) =>
    (await sql.query('SELECT * FROM identity.upstream_accounts WHERE user_id = $1', [userId])).rows[0];

  test('stores no token in the clear: the row holds a JWE (dir, A256GCM) under a key id', async () => {
    const user = await newUser();
    const pair = tokens('plain');
    await vault(keyring('new')).store(user.id, pair);
    const stored = await row(user.id);
    const everything = JSON.stringify(stored);
    expect(everything).not.toContain(pair.accessToken);
    expect(everything).not.toContain(pair.refreshToken);
    expect(everything).not.toContain('ghu_');
    expect(everything).not.toContain('ghr_');
    expect(stored.key_id).toBe('new');
    expect(stored.sealed_tokens.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(stored.sealed_tokens)).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      kid: 'new',
      uid: user.id,
    });
    expect(stored.scopes).toEqual(['repo']);
  });

  test('gives the token back decrypted', async () => {
    const user = await newUser();
    const pair = tokens('roundtrip');
    await vault(keyring('new')).store(user.id, pair);
    expect(await vault(keyring('new')).get(user.id)).toEqual({
      accessToken: pair.accessToken,
      scopes: ['repo'],
      expiresAt: pair.expiresAt,
    });
  });

  test('rotates keys: an old key still decrypts, and the row is re-encrypted under the new one', async () => {
    const user = await newUser();
    const pair = tokens('rotation');
    await vault(keyring('old')).store(user.id, pair);
    const before = await row(user.id);
    expect(before.key_id).toBe('old');

    // The new key first (encrypts), the old one still listed (decrypts).
    expect((await vault(keyring('new', 'old')).get(user.id)).accessToken).toBe(pair.accessToken);
    const after = await row(user.id);
    expect(after.key_id).toBe('new');
    expect(after.sealed_tokens).not.toBe(before.sealed_tokens);

    // Once re-encrypted, the old key can be dropped, and alone it no longer opens the row.
    expect((await vault(keyring('new')).get(user.id)).accessToken).toBe(pair.accessToken);
    await expect(vault(keyring('old')).get(user.id)).rejects.toThrow(/no upstream-token key with kid "new"/);
  });

  test('does not decrypt a ciphertext copied onto another person', async () => {
    const victim = await newUser();
    const attacker = await newUser();
    await vault(keyring('new')).store(victim.id, tokens('victim'));
    await vault(keyring('new')).store(attacker.id, tokens('attacker'));
    await sql.query(
      `UPDATE identity.upstream_accounts SET sealed_tokens =
         (SELECT sealed_tokens FROM identity.upstream_accounts WHERE user_id = $1) WHERE user_id = $2`,
      [victim.id, attacker.id],
    );
    await expect(vault(keyring('new')).get(attacker.id)).rejects.toThrow('sealed for another user');
  });

  test('refuses a tampered ciphertext', async () => {
    const user = await newUser();
    await vault(keyring('new')).store(user.id, tokens('tamper'));
    const parts = (await row(user.id)).sealed_tokens.split('.');
    const ciphertext = Buffer.from(parts[3], 'base64url');
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    parts[3] = ciphertext.toString('base64url');
    await sql.query('UPDATE identity.upstream_accounts SET sealed_tokens = $1 WHERE user_id = $2', [
      parts.join('.'),
      user.id,
    ]);
    await expect(vault(keyring('new')).get(user.id)).rejects.toThrow(/decryption operation failed/);
  });

  test('a person with no stored token must reconnect GitHub', async () => {
    const user = await newUser();
    await expect(vault(keyring('new')).get(user.id)).rejects.toMatchObject({
      code: 'invalid_grant',
      description: 'GitHub no longer accepts this connection; reconnect GitHub.',
    });
  });

  test('a login change on GitHub updates the same person, keyed by GitHub id', async () => {
    const first = await users.upsertByGitHubId({ githubId: 424242, githubLogin: 'before', avatarUrl: '' });
    const renamed = await users.upsertByGitHubId({
      githubId: 424242,
      githubLogin: 'after',
      avatarUrl: 'https://a.example/1',
    });
    expect(renamed).toEqual({
      id: first.id,
      githubId: 424242,
      githubLogin: 'after',
      avatarUrl: 'https://a.example/1',
    });
  });
});
