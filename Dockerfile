# syntax=docker/dockerfile:1
# Logway: multi-stage image on Node 24 LTS.
# Build: docker build -t logway .            (podman build --format docker -t logway . works too)
# Run:   docker run -d --name logway -p 8080:8080 -v logway-data:/data logway
# Stop:  docker stop logway                  (SIGTERM through tini to node: a graceful shutdown)

# The base image, pinned to the Node version CI tests (.ci/with-node24). Where no registry is
# reachable, .ci/image-build builds an equivalent base locally and passes it here.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# ---- build: compile TypeScript and better-sqlite3's native addon --------------------------
FROM ${NODE_IMAGE} AS build
# better-sqlite3 falls back to compiling its addon with node-gyp when no prebuilt binary
# matches: that needs python3, make and g++. They stay in this stage. tini is installed here
# only to be copied: the runtime stage gets its one binary, not apt. node-gyp compiles against
# the headers the node image ships in /usr/local/include/node instead of downloading them.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Behind a TLS-intercepting proxy npm needs the proxy's CA: pass it as a build secret, which
# stays out of every layer (docker build --secret id=ca,src=/path/to/ca.crt ...).
RUN --mount=type=secret,id=ca \
    if [ -f /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The console, the API reference and the browser client (npm run build bundles them into dist/web).
COPY console ./console
COPY client ./client
COPY docker/prune-native.sh /usr/local/bin/prune-native
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && prune-native node_modules

# ---- runtime: no compilers, no build leftovers, no dev dependencies, not root --------------
FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG LOGWAY_VERSION=0.1.0
LABEL org.opencontainers.image.title="Logway" \
      org.opencontainers.image.description="HTTP/WebSocket event gateway: topics, partitions and consumer groups over REST and WebSocket, stored in SQLite" \
      org.opencontainers.image.version="${LOGWAY_VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
ENV NODE_ENV=production \
    LOGWAY_HOST=0.0.0.0 \
    LOGWAY_DATA_DIR=/data \
    LOGWAY_SHUTDOWN_TIMEOUT_MS=8000 \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=134217728
# GLIBC_TUNABLES: MB-sized read buffers (catch-up chunks, fetch pages) come from the heap and
# freed heap stays mapped (up to 128 MiB at its top), so they are not page-faulted in again for
# every chunk: with glibc's defaults that cost 1-2 µs a record on some VMs (docs/performance.md).
# Shutdown budget: on SIGTERM in-flight requests get LOGWAY_SHUTDOWN_TIMEOUT_MS (8 s), and
# src/main.ts exits at most 1 s after that whatever happens: 9 s in all, inside the 10 s that
# `docker stop` waits by default before SIGKILL. Raising the timeout needs `docker stop -t`
# (or --stop-timeout) above it plus 1 s. The port is left to the default (8080) or PORT.
WORKDIR /app
# tini is PID 1: it forwards SIGTERM/SIGINT to node and reaps zombies (node as PID 1 would get
# no default signal handling from the kernel).
COPY --from=build /usr/bin/tini /usr/bin/tini
# node_modules comes from the build stage (pruned, addon compiled, build leftovers removed): an
# `npm ci --omit=dev` here would need the compilers again. Owned by root: the app only reads it.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json says "type": "module", which dist/*.js need.
COPY package.json ./
COPY docker/healthcheck.sh /usr/local/bin/logway-healthcheck
RUN mkdir -p /data && chown node:node /data
VOLUME /data
# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 8080
# GET /readyz (database open and writable) through bash's /dev/tcp: one short bash per probe,
# not a node process (see docker/healthcheck.sh for the measured costs).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/logway-healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# --max-semi-space-size=64 (MiB per semi-space; Node 20's default is 16): under batched produce the young
# generation filled while most of it still waited for its group commit, so every scavenge copied it; with
# 64 MiB GC fell from 14.8% to 3.5% of the gateway's busy CPU, for up to 96 MiB more memory (docs/performance.md).
CMD ["node", "--max-semi-space-size=64", "dist/main.js"]
