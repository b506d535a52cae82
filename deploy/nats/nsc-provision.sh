#!/usr/bin/env bash
# Production NATS credentials for Gatehouse: one operator, one account (GATEHOUSE, JetStream on), and
# one user per service whose subject permissions allow only what that service needs. The services
# read their user's creds file from NATS_CREDS_FILE (packages/bus: credsAuthenticator).
#
#   NSC_HOME=./nsc deploy/nats/nsc-provision.sh ./out
#   -> out/creds/<service>.creds (one per service; a Kubernetes Secret key `nats.creds` each, see
#      deploy/k8s/base/secret.example.yaml) and out/resolver.conf (include it in the server config;
#      with the official Helm chart: deploy/nats/helm-values.yaml).
#
# Subjects: rpc.<owner>.<noun>.<verb>.v1 (request-reply; the owner serves it) and
# evt.<owner>.<noun>.<past_tense>.v1 (events; only the owner publishes), as in proto/. Production runs
# with an empty NATS_SUBJECT_PREFIX: the account is the isolation boundary, one account per
# environment. test/deploy/nats-permissions.test.ts parses this file and checks every served subject
# in proto/ is covered, that no service may serve another's subjects, and the caller rules below.
#
# Each user may:
#   - serve (subscribe to) only its own rpc.<owner>.> subjects, and reply to requests it received
#     (--allow-pub-response: only to the reply subject of a message delivered to it, once);
#   - request only the rpc subjects it calls; only github-worker may ask identity for an upstream token;
#   - publish only its own evt.<owner>.> events;
#   - use the JetStream API only for the EVENTS stream (every Bus.connect ensures the stream exists)
#     and for the consumers it owns;
#   - receive replies only on its own inbox, _INBOX.<service>.> (packages/bus sets the connection's
#     inboxPrefix to _INBOX.<service>), so a compromised service cannot read other services'
#     replies, such as the upstream tokens identity sends to the worker.
set -euo pipefail

out="${1:?usage: nsc-provision.sh OUTPUT_DIR}"
account="${GATEHOUSE_NATS_ACCOUNT:-GATEHOUSE}"
mkdir -p "$out/creds"
umask 077

# --- Operator, system account and the Gatehouse account (signing keys: the identity keys stay offline).
nsc add operator --generate-signing-key --sys --name gatehouse
nsc edit operator --require-signing-keys
nsc add account --name "$account"
nsc edit account --name "$account" --sk generate \
  --js-mem-storage 256M --js-disk-storage 20G --js-streams 10 --js-consumer 100

# Every service: the JetStream API calls of Bus.connect (ensureEventStream creates the stream when
# it is missing). Only audit, the stream's owner, may update its limits.
JS_STREAM='$JS.API.INFO,$JS.API.STREAM.INFO.EVENTS,$JS.API.STREAM.CREATE.EVENTS'

user() {
  local name="$1"
  shift
  nsc add user --account "$account" --name "$name" "$@"
  nsc generate creds --account "$account" --name "$name" > "$out/creds/$name.creds"
}

# --- mcp-gateway: the public edge. Calls token, identity (browser flows only), github, audit;
# reads evt.token.grant.revoked.v1 from the EVENTS stream with ordered (ephemeral) consumers, whose
# names are random: it may create consumers filtered to revocations only, and may neither pull
# from nor delete audit's durable consumer.
user mcp-gateway \
  --allow-pub 'rpc.token.>,rpc.identity.authorization.>,rpc.identity.account.>,rpc.identity.consent.>,rpc.identity.session.>' \
  --allow-pub 'rpc.github.>,rpc.audit.>' \
  --allow-pub 'evt.gateway.>' \
  --allow-pub "$JS_STREAM" \
  --allow-pub '$JS.API.CONSUMER.CREATE.EVENTS.*.evt.token.grant.revoked.v1' \
  --allow-pub '$JS.API.CONSUMER.INFO.EVENTS.*,$JS.API.CONSUMER.DELETE.EVENTS.*,$JS.API.CONSUMER.MSG.NEXT.EVENTS.*' \
  --deny-pub '$JS.API.CONSUMER.DELETE.EVENTS.audit,$JS.API.CONSUMER.MSG.NEXT.EVENTS.audit' \
  --allow-sub '_INBOX.mcp-gateway.>'

# --- token: clients, codes, tokens, grants, keys.
user token \
  --allow-sub 'rpc.token.>' \
  --allow-pub-response \
  --allow-pub 'evt.token.>' \
  --allow-pub "$JS_STREAM" \
  --allow-sub '_INBOX.token.>'

# --- identity: sign-in, consent, sessions, the upstream-token vault. Calls token for exactly two
# methods: resolving a client and issuing a code after consent.
user identity \
  --allow-sub 'rpc.identity.>' \
  --allow-pub-response \
  --allow-pub 'rpc.token.client.resolve.v1,rpc.token.code.issue.v1' \
  --allow-pub 'evt.identity.>' \
  --allow-pub "$JS_STREAM" \
  --allow-sub '_INBOX.identity.>'

# --- github-worker: every GitHub call. The only user allowed to request rpc.identity.upstream_token.>.
user github-worker \
  --allow-sub 'rpc.github.>' \
  --allow-pub-response \
  --allow-pub 'rpc.identity.upstream_token.>' \
  --allow-pub 'evt.github.>' \
  --allow-pub "$JS_STREAM" \
  --allow-sub '_INBOX.github-worker.>'

# --- audit: owns the EVENTS stream's limits; the durable consumer `audit` on EVENTS (pull, explicit
# ack); dead letters on dlq.audit.event.v1 kept in the AUDIT_DLQ stream; queries.
user audit \
  --allow-sub 'rpc.audit.>' \
  --allow-pub-response \
  --allow-pub "$JS_STREAM" \
  --allow-pub '$JS.API.STREAM.UPDATE.EVENTS' \
  --allow-pub '$JS.API.STREAM.INFO.AUDIT_DLQ,$JS.API.STREAM.CREATE.AUDIT_DLQ,$JS.API.STREAM.UPDATE.AUDIT_DLQ' \
  --allow-pub '$JS.API.CONSUMER.CREATE.EVENTS.audit,$JS.API.CONSUMER.CREATE.EVENTS.audit.>' \
  --allow-pub '$JS.API.CONSUMER.DURABLE.CREATE.EVENTS.audit,$JS.API.CONSUMER.INFO.EVENTS.audit' \
  --allow-pub '$JS.API.CONSUMER.MSG.NEXT.EVENTS.audit,$JS.ACK.EVENTS.audit.>' \
  --allow-pub 'dlq.audit.>' \
  --allow-sub '_INBOX.audit.>'

# --- Server side: the account JWTs for the built-in NATS resolver.
nsc generate config --nats-resolver --sys-account SYS > "$out/resolver.conf"
echo "wrote $out/creds/*.creds and $out/resolver.conf" >&2
