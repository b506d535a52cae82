# syntax=docker/dockerfile:1
#
# One image for every Gatehouse service; the command picks the service:
#   docker run gatehouse services/token/src/main.ts
# Node 24 runs the TypeScript sources directly (type stripping), so the image holds sources, the
# generated code (protobuf, Prisma clients) and production dependencies only. No compile step.
#
# Targets:
#   runtime (default, the last stage)  the five services
#   migrate                            runtime + dbmate: `node scripts/db-migrate.ts` (compose one-shot, k8s Job)
#   github-emulator                    the demo's GitHub stand-in; never deployed to production
#
# Checked without a Docker engine by test/deploy/dockerfile.test.ts.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
# tini as PID 1: forwards SIGTERM to node (graceful drain) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Only the package manifests: the dependency layers below stay cached until a manifest changes.
FROM base AS manifests
COPY . /src
RUN mkdir /manifests \
 && cd /src \
 && cp package.json package-lock.json /manifests/ \
 && find packages proto services tools -name package.json -not -path '*/node_modules/*' \
      -exec cp --parents {} /manifests/ \;

# Code generation needs the dev toolchain (buf, protoc-gen-es, prisma). Prisma's CLI would download a
# schema engine it never uses: scripts/generate.ts points PRISMA_SCHEMA_ENGINE_BINARY at a stub.
FROM base AS build
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --include=dev --ignore-scripts
COPY . .
RUN node scripts/generate.ts \
 && mkdir /generated \
 && find proto/src services -type d \( -path proto/src/gen -o -path 'services/*/src/generated' -o -path 'services/*/widgets/dist' \) -prune \
      -exec cp -r --parents {} /generated/ \;

# Production dependencies only. --legacy-peer-deps keeps npm from installing @prisma/client's
# optional peers (the prisma CLI, typescript): nothing loads them at run time.
FROM base AS app
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --legacy-peer-deps --ignore-scripts
COPY packages ./packages
COPY proto/src ./proto/src
COPY services ./services
COPY scripts/db-migrate.ts scripts/services.ts ./scripts/
COPY --from=build /generated/ ./

# The migration one-shot: the app plus dbmate (a root devDependency, so it is copied in explicitly).
FROM base AS migrate
COPY --from=app /app /app
COPY --from=build /app/node_modules/dbmate /app/node_modules/dbmate
COPY --from=build /app/node_modules/@dbmate /app/node_modules/@dbmate
RUN mkdir -p node_modules/.bin && ln -sf ../dbmate/dist/cli.js node_modules/.bin/dbmate
ENV NODE_ENV=production
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["scripts/db-migrate.ts"]

# The GitHub emulator for `docker compose up` without credentials. Built from the full dev tree: it
# is a test tool, not a production workload.
FROM base AS github-emulator
COPY --from=build /app /app
ENV GITHUB_EMULATOR_HOST=0.0.0.0 \
    GITHUB_EMULATOR_PORT=9090
USER 1000:1000
EXPOSE 9090
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["tools/github-emulator/src/main.ts"]

# The services. Files belong to root and the process runs as uid 1000, so the app cannot modify
# itself; nothing writes outside /tmp, so the root filesystem can be mounted read-only.
FROM base AS runtime
LABEL org.opencontainers.image.title="gatehouse" \
      org.opencontainers.image.description="OAuth 2.1 gateway in front of GitHub for MCP clients" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=app /app /app
# Health servers bind loopback by default; in a container the orchestrator probes from outside.
ENV NODE_ENV=production \
    HEALTH_HOST=0.0.0.0
USER 1000:1000
# 8080: the gateway's public port. 9100-9104: health ports (gateway, token, identity, github-worker, audit).
EXPOSE 8080 9100 9101 9102 9103 9104
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["services/mcp-gateway/src/main.ts"]
# /readyz: healthy means every dependency answers, which is what compose's service_healthy waits for.
# HEALTH_PORT is set per service; 9100 is the default command's (the gateway's).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 9100) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
