// deploy/nats/nsc-provision.sh gives each service a NATS user whose subject permissions allow only
// what the architecture says it needs. The subjects come from the contracts (proto/, through the
// generated descriptors) and the event taxonomy, so a new method or event is checked the day it lands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DescService } from '@bufbuild/protobuf';
import { subjectOf } from '@gatehouse/bus';
import { AuditService, EVENT_TYPES, eventSubject, github, identity, token } from '@gatehouse/proto';
import { describe, expect, test } from 'vitest';
import { ROOT, SERVICE_NAMES, type ServiceName } from './lib/services.ts';

interface Permissions {
  pub: string[];
  sub: string[];
  denyPub: string[];
  denySub: string[];
  respond: boolean;
}

/** Reads the `user <name> --allow-pub … --allow-sub …` calls of the provisioning script. */
function parseScript(text: string): Record<string, Permissions> {
  const joined = text.replace(/\\\n/g, ' ');
  const variables: Record<string, string> = {};
  for (const [, name, value] of joined.matchAll(/^([A-Z_]+)='([^']*)'$/gm)) variables[name!] = value!;
  const users: Record<string, Permissions> = {};
  for (const [, name, flags] of joined.matchAll(/^user ([\w-]+) (.*)$/gm)) {
    const permissions: Permissions = { pub: [], sub: [], denyPub: [], denySub: [], respond: false };
    const lists = {
      'allow-pub': 'pub',
      'allow-sub': 'sub',
      'deny-pub': 'denyPub',
      'deny-sub': 'denySub',
    } as const;
    for (const [, flag, quoted, variable] of flags!.matchAll(
      /--(allow-pub|allow-sub|deny-pub|deny-sub) (?:'([^']*)'|"\$(\w+)")/g,
    )) {
      const value = quoted ?? variables[variable!];
      if (value === undefined) throw new Error(`unknown variable ${variable}`);
      permissions[lists[flag as keyof typeof lists]].push(...value.split(','));
    }
    permissions.respond = /--allow-pub-response\b/.test(flags!);
    users[name!] = permissions;
  }
  return users;
}

/** NATS subject matching: `*` one token, `>` one or more trailing tokens. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
const anyMatch = (patterns: string[], subject: string) => patterns.some((p) => matches(p, subject));

const users = parseScript(readFileSync(join(ROOT, 'deploy/nats/nsc-provision.sh'), 'utf8'));

/** What NATS would let `name` do: allowed and not denied (a deny always wins). */
const may = (name: ServiceName, action: 'pub' | 'sub', subject: string) => {
  const user = users[name]!;
  const deny = action === 'pub' ? user.denyPub : user.denySub;
  return anyMatch(user[action], subject) && !anyMatch(deny, subject);
};
const OWNER_SERVICE: Record<string, ServiceName> = {
  token: 'token',
  identity: 'identity',
  github: 'github-worker',
  audit: 'audit',
  gateway: 'mcp-gateway',
};
const subjects = (service: DescService) => service.methods.map((m) => subjectOf(m));
const served: Record<string, string[]> = {
  token: subjects(token.TokenService),
  identity: subjects(identity.IdentityService),
  'github-worker': subjects(github.GitHubService),
  audit: subjects(AuditService),
};
const allRpc = Object.values(served).flat();
const eventSubjects = Object.keys(EVENT_TYPES).map((type) => eventSubject(type as keyof typeof EVENT_TYPES));

describe('deploy/nats/nsc-provision.sh', () => {
  test('defines exactly one user per service', () => {
    expect(Object.keys(users).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  test('every served subject in proto/ may be served by its owner, and by no other service', () => {
    expect(allRpc.length).toBeGreaterThan(20);
    for (const subject of allRpc) {
      const owner = OWNER_SERVICE[subject.split('.')[1]!]!;
      for (const name of SERVICE_NAMES) {
        expect(may(name, 'sub', subject), `${name} subscribe ${subject}`).toBe(name === owner);
      }
    }
  });

  test('responders may answer the requests they receive; the gateway serves nothing', () => {
    for (const name of SERVICE_NAMES) expect(users[name]!.respond, name).toBe(name !== 'mcp-gateway');
  });

  test('only the GitHub worker may ask identity for an upstream token', () => {
    const upstream = served.identity!.filter((s) => s.startsWith('rpc.identity.upstream_token.'));
    expect(upstream.length).toBeGreaterThan(0);
    for (const subject of upstream) {
      for (const name of SERVICE_NAMES) {
        expect(may(name, 'pub', subject), `${name} request ${subject}`).toBe(name === 'github-worker');
      }
    }
  });

  test('the gateway may call token, identity (browser flows), github and audit', () => {
    for (const subject of [...served.token!, ...served['github-worker']!, ...served.audit!]) {
      expect(may('mcp-gateway', 'pub', subject), subject).toBe(true);
    }
    for (const subject of served.identity!) {
      expect(may('mcp-gateway', 'pub', subject), subject).toBe(
        !subject.startsWith('rpc.identity.upstream_token.'),
      );
    }
  });

  test('identity may call token for exactly ResolveClient and IssueCode', () => {
    const calls = served.token!.filter((s) => may('identity', 'pub', s));
    expect(calls.sort()).toEqual(
      [
        subjectOf(token.TokenService.method.resolveClient),
        subjectOf(token.TokenService.method.issueCode),
      ].sort(),
    );
  });

  test('token, audit and the worker call nothing but what they need', () => {
    const calls = (name: ServiceName) => allRpc.filter((s) => may(name, 'pub', s));
    expect(calls('token')).toEqual([]);
    expect(calls('audit')).toEqual([]);
    expect(calls('github-worker').every((s) => s.startsWith('rpc.identity.upstream_token.'))).toBe(true);
  });

  test('every event type may be published by its owner only', () => {
    for (const subject of eventSubjects) {
      const owner = OWNER_SERVICE[subject.split('.')[1]!];
      for (const name of SERVICE_NAMES) {
        expect(may(name, 'pub', subject), `${name} publish ${subject}`).toBe(name === owner);
      }
    }
  });

  test('nobody may subscribe to the event or request subject spaces at large', () => {
    for (const name of SERVICE_NAMES) {
      for (const wide of ['>', 'rpc.>', 'evt.>', 'rpc.identity.upstream_token.get.v1']) {
        expect(may(name, 'sub', wide) && name !== 'identity', `${name} subscribe ${wide}`).toBe(false);
      }
    }
  });

  test('every service may ensure the EVENTS stream at start (Bus.connect) and receive replies', () => {
    for (const name of SERVICE_NAMES) {
      for (const api of ['$JS.API.INFO', '$JS.API.STREAM.INFO.EVENTS', '$JS.API.STREAM.CREATE.EVENTS']) {
        expect(may(name, 'pub', api), `${name} ${api}`).toBe(true);
      }
      expect(may(name, 'sub', `_INBOX.${name}.abc`)).toBe(true);
      for (const other of SERVICE_NAMES.filter((n) => n !== name)) {
        expect(may(name, 'sub', `_INBOX.${other}.abc`), `${name} reads ${other}'s replies`).toBe(false);
      }
      expect(may(name, 'pub', '$JS.API.STREAM.DELETE.EVENTS'), `${name} may delete the stream`).toBe(false);
      // packages/bus: only the stream's owner (audit) applies its limits.
      expect(may(name, 'pub', '$JS.API.STREAM.UPDATE.EVENTS'), `${name} updates the stream`).toBe(
        name === 'audit',
      );
    }
  });

  test('only the gateway reads revocations; only audit creates, pulls from, deletes or acks its consumer', () => {
    const who = (subject: string) => SERVICE_NAMES.filter((n) => may(n, 'pub', subject));
    expect(who('$JS.API.CONSUMER.CREATE.EVENTS.Xk2_1.evt.token.grant.revoked.v1')).toEqual(['mcp-gateway']);
    expect(who('$JS.API.CONSUMER.CREATE.EVENTS.Xk2_1.evt.>')).toEqual([]);
    expect(who('$JS.API.CONSUMER.CREATE.EVENTS.audit')).toEqual(['audit']);
    expect(who('$JS.API.CONSUMER.MSG.NEXT.EVENTS.audit')).toEqual(['audit']);
    expect(who('$JS.API.CONSUMER.DELETE.EVENTS.audit')).toEqual([]);
    expect(who('$JS.ACK.EVENTS.audit.1.2.3.4.5.6')).toEqual(['audit']);
  });

  test('subject matching follows NATS wildcards, so these checks can fail', () => {
    expect(matches('rpc.token.>', 'rpc.token.token.exchange.v1')).toBe(true);
    expect(matches('rpc.token.>', 'rpc.token')).toBe(false);
    expect(matches('rpc.*.x', 'rpc.a.x')).toBe(true);
    expect(matches('rpc.*.x', 'rpc.a.b.x')).toBe(false);
  });
});
