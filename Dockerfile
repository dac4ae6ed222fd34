# syntax=docker/dockerfile:1
# Logway: multi-stage image. Build: docker build -t logway .
# Run:   docker run -p 8080:8080 -v logway-data:/data logway

# ---- build: compile TypeScript and better-sqlite3's native addon --------------------------
FROM node:20-bookworm-slim AS build
# better-sqlite3 falls back to compiling its addon with node-gyp when no prebuilt binary
# matches: that needs python3, make and g++. They stay in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: no compilers, no dev dependencies, not root ----------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    LOGWAY_HOST=0.0.0.0 \
    LOGWAY_DATA_DIR=/data \
    LOGWAY_SHUTDOWN_TIMEOUT_MS=8000
# Shutdown budget: on SIGTERM in-flight requests get LOGWAY_SHUTDOWN_TIMEOUT_MS (8 s), and
# src/main.ts exits at most 1 s after that whatever happens: 9 s in all, inside the 10 s that
# `docker stop` waits by default before SIGKILL. Raising the timeout needs `docker stop -t`
# (or --stop-timeout) above it plus 1 s. The port is left to the default (8080) or PORT.
WORKDIR /app
# node_modules comes from the build stage (already pruned, addon already compiled): an
# `npm ci --omit=dev` here would need the compilers again. Owned by root: the app only reads it.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json says "type": "module", which dist/*.js need.
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
VOLUME /data
# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 8080
# No curl in slim images: node's own fetch probes readiness (database open and writable).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.LOGWAY_PORT || process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (not npm): SIGTERM from `docker stop` reaches the gateway, which shuts down gracefully.
CMD ["node", "dist/main.js"]
