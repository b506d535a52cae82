#!/bin/sh
# Prisma's CLI insists on downloading its schema engine before `prisma generate`, although
# generating the `prisma-client` (engine-free, driver-adapter) client never runs it. Where no
# download is possible (CI here, air-gapped builds) PRISMA_SCHEMA_ENGINE_BINARY points at this
# stub. Migrations are plain SQL applied by dbmate, so the schema engine is never needed.
echo "prisma schema engine stub: not available offline; migrations run through dbmate" >&2
exit 1
