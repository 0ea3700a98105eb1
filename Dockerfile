# The memcached manager image: `make docker-build IMG=...` (needs a container engine).
#
# Built with the same commands as `make build` and the tests (npm ci, tsc -b), on the Node version pinned by the
# root package.json; run on distroless Node 24 as the non-root user 65532, with production dependencies only.
ARG NODE_VERSION=24.11.1

FROM node:${NODE_VERSION}-bookworm-slim AS builder
WORKDIR /workspace
# Package manifests first, so the dependency layer is reused until a package.json or the lockfile changes.
COPY package.json package-lock.json ./
COPY packages/cli/package.json packages/cli/
COPY packages/envtest/package.json packages/envtest/
COPY packages/manager/package.json packages/manager/
COPY packages/manifests/package.json packages/manifests/
COPY examples/memcached-operator/package.json examples/memcached-operator/
COPY test/package.json test/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY packages/ packages/
COPY examples/ examples/
RUN npx tsc -b examples/memcached-operator
# Drop devDependencies (TypeScript, linters, test tools), then lay out exactly what the manager runs: the pruned
# node_modules and the compiled code of the operator and of the workspace packages it imports.
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -f node_modules/@spoke/cli node_modules/@spoke/envtest node_modules/@spoke/manifests node_modules/@spoke/e2e \
 && mkdir -p /app/packages/manager /app/examples/memcached-operator \
 && cp -r package.json node_modules /app/ \
 && cp -r packages/manager/package.json packages/manager/dist /app/packages/manager/ \
 && cp -r examples/memcached-operator/package.json examples/memcached-operator/dist /app/examples/memcached-operator/ \
 && rm -rf /app/packages/manager/dist/test /app/examples/memcached-operator/dist/test

FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
COPY --from=builder /app/ ./
# Numeric, so that the kubelet can verify runAsNonRoot without reading /etc/passwd.
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps", "--max-semi-space-size=1", "--liftoff-only", "examples/memcached-operator/dist/src/main.js"]
