# One image for the worker, the web process and the operator scripts (the chart picks the command).
# Debian (glibc), not Alpine: @temporalio/core-bridge ships prebuilt native binaries for glibc only.
# The base is pinned to the Node.js release CI and the tests run on (scripts/ensure-node.sh, package.json engines),
# and by the digest of its multi-platform index, so a re-pushed tag cannot change what is built. A mirror or a newer
# patch: --build-arg NODE_IMAGE=<registry>/node:<version>-bookworm-slim@sha256:<index digest>.
ARG NODE_IMAGE=node:22.20.0-bookworm-slim@sha256:b21fe589dfbe5cc39365d0544b9be3f1f33f55f3c86c87a76ff65a02f8f5848e

FROM ${NODE_IMAGE} AS bundle
WORKDIR /app
COPY package.json package-lock.json ./
# Every dependency here, typescript included; the runtime stage installs the production ones only.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build-workflow-bundle.ts ./scripts/
# The worker and web processes run compiled JavaScript: no loader at run time, about 25 MB less per process
# (BENCHMARKS.md) and a faster start.
RUN npm run compile
# Webpack runs here once instead of at every worker start.
RUN node --import tsx scripts/build-workflow-bundle.ts lib/workflow-bundle.js

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE_PATH=/app/lib/workflow-bundle.js
WORKDIR /app
COPY package.json package-lock.json ./
# The Temporal core bridge ships native libraries for five platforms (about 140 MB); the image runs on one.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
 && find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 \
      ! -name "$(uname -m)-unknown-linux-gnu" -exec rm -rf {} + \
 && rm -rf node_modules/@temporalio/core-bridge/sdk-core
# The sources stay for the operator scripts, which run under tsx.
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
COPY --from=bundle /app/lib ./lib
# Non-root, numeric (runAsNonRoot can only verify a numeric user); the files stay root-owned and read-only to it.
USER 10001
EXPOSE 8080 9464 9465
# node as PID 1 (no wrapper process): SIGTERM reaches the worker's drain directly.
CMD ["node", "lib/src/worker/main.js"]
