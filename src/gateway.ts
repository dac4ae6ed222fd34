/**
 * Wires the gateway together: store -> core -> transports -> HTTP server.
 * The only module (with main.ts) that knows the concrete stores (SQLite, JetStream).
 */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { GroupCoordinator } from './core/groups.js';
import { Log } from './core/log.js';
import { SchemaValidation } from './core/schemas/record-validator.js';
import { SchemaRegistry } from './core/schemas/registry.js';
import { Notifier } from './core/notifier.js';
import { Retention } from './core/retention.js';
import { CleanupLease } from './core/cleanup-lease.js';
import { ClusterStatus } from './core/cluster-status.js';
import { SnapshotLeases } from './core/snapshot-leases.js';
import { Snapshots } from './core/snapshots.js';
import { protectedMode } from './auth/protected-mode.js';
import { openSecurity, type Security } from './auth/security.js';
import { createApp, type App } from './http/app.js';
import { requestLog, socketLog } from './logging/access-log.js';
import { createLogger } from './logging/logger.js';
import { createMetrics } from './metrics/metrics.js';
import type { LogStore } from './storage/log-store.js';
import { openJetStreamStore } from './storage/jetstream/open-store.js';
import { DATABASE_FILE, openSqliteStore } from './storage/sqlite/sqlite-store.js';
import { SocketHub } from './ws/hub.js';
import { websocketRoutes } from './ws/routes.js';
import { sseRoutes } from './sse/routes.js';

/** The store the settings name: SQLite in dataDir (default), or the NATS JetStream cluster at natsUrls. */
async function openConfiguredStore(config: Config): Promise<LogStore> {
  if (config.store === 'sqlite') return openSqliteStore({ dataDir: config.dataDir, synchronous: config.synchronous });
  return openJetStreamStore({
    servers: config.natsUrls!.split(','),
    namespace: config.natsNamespace,
    replicas: config.natsReplicas,
    requestTimeoutMs: config.natsRequestTimeoutMs,
    produceTimeoutMs: config.natsProduceTimeoutMs,
    duplicateWindowMs: config.natsDuplicateWindowMs,
    batchCacheBytes: config.natsBatchCacheBytes,
    keyIndexCacheBytes: config.natsKeyIndexCacheBytes,
    token: config.natsToken,
    tlsCaFile: config.natsTlsCaFile,
  });
}

export interface GatewayOptions {
  clock?: Clock;
  logger?: Logger;
  /** Another LogStore implementation; defaults to SQLite in config.dataDir. */
  store?: LogStore;
  /** Folder of the built console and API reference (default dist/web). */
  webRoot?: string;
  /** Include Node's process metrics in /metrics (main.ts: one gateway per process). */
  processMetrics?: boolean;
}

export interface Gateway {
  readonly config: Config;
  readonly app: App;
  readonly log: Log;
  /** Consumer group coordinator (shared by REST and WebSocket members). */
  readonly groups: GroupCoordinator;
  /** Open WebSocket sessions. */
  readonly sockets: SocketHub;
  readonly store: LogStore;
  /** Authentication, permissions, quotas (src/auth). */
  readonly security: Security;
  readonly logger: Logger;
  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(): Promise<{ host: string; port: number; url: string }>;
  /** Graceful: stop accepting, end long-polls, finish in-flight requests, close the store. */
  close(): Promise<void>;
}

export async function createGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config);
  const mode = protectedMode(config);
  if (mode.outcome === 'refuse') throw new Error(mode.message);
  if (mode.outcome === 'warn') logger.warn(mode.message);
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openConfiguredStore(config));
  // Each partition's replicas on a cluster store, read at most once per clusterStatusRefreshMs for /readyz and the metrics together.
  const clusterStatus = new ClusterStatus(store, clock, config.clusterStatusRefreshMs);
  const metrics = createMetrics({ maxLabelValues: config.metricsMaxLabelValues, processMetrics: options.processMetrics });
  const notifier = new Notifier((err) => logger.error({ err }, 'a subscriber failed while being told of an append'), {
    wakeChunk: config.longPollWakeChunk,
    turnMs: config.longPollTurnMs,
    recentBytes: config.recentRecordsBytes,
  });
  const registry = new SchemaRegistry(store.schemas);
  const log = new Log(store, notifier, config, clock, metrics.core, new SchemaValidation(registry));
  // On a cluster store, records other gateways append wake this one's long-polls and sockets too, and
  // count as appends for cleanup's pacing (its deletes load the cluster their appends go to).
  store.watchForeignAppends?.((batch) => notifier.publish(batch));
  store.countForeignAppends?.((topic, records) => void log.countAppendedElsewhere(topic, records).catch(() => undefined));
  const leases = new SnapshotLeases(store.snapshotLeases, clock, config);
  // On a cluster, one gateway at a time cleans up (on SQLite this one process always holds the lease).
  const cleanupLease = new CleanupLease(store, clock, config.cleanupLeaseMs);
  const retention = new Retention(store, clock, {
    stepMs: config.retentionStepMs,
    leases,
    clusterLease: cleanupLease,
    afterPendingCommits: () => log.commitsSettled(),
    observer: metrics.core,
    // Pacing compares deletions with the appends: this gateway's and, on a cluster, those it hears of.
    sharePercent: config.cleanupSharePercent,
    appends: () => log.appends,
  });
  const groups = new GroupCoordinator({ store, log, notifier, clock, settings: config });
  // Members and offsets are loaded before the first request, so heartbeats across a restart find their member.
  await groups.start();
  const shutdown = new AbortController();
  const onUnexpectedError = (err: unknown) => logger.error({ err }, 'unexpected error while handling a request');
  const audit = logger.child({ component: 'audit' });
  const security = await openSecurity(config, store.credentials, (entry) => audit.info({ audit: entry }, 'audit'), () => clock.now());
  // Each socket is counted and logged: the hub reports to both through one observer.
  const socketLines = socketLog(logger);
  const sockets = new SocketHub({
    config,
    log,
    groups,
    security,
    onUnexpectedError,
    observer: {
      opened: (s) => (metrics.sockets.opened(s), socketLines.opened(s)),
      closed: (s) => (metrics.sockets.closed(s), socketLines.closed(s)),
      delivered: metrics.sockets.delivered,
    },
  });
  const requestLines = requestLog(logger);
  let server: ServerType | undefined;
  metrics.watch({
    log,
    groups,
    pendingProduceBytes: () => log.pendingProduceBytes,
    waitingLongPolls: () => notifier.waiting,
    connections: () => new Promise((resolve) => (server ? server.getConnections((err, n) => resolve(err ? 0 : n)) : resolve(0))),
    sockets: () => sockets.stats(),
    cleanupLeaseHeld: () => cleanupLease.held(),
    clusterStatus,
    // Only the SQLite store has files here to measure.
    files: options.store || config.store !== 'sqlite' ? undefined : { database: path.join(config.dataDir, DATABASE_FILE), wal: path.join(config.dataDir, `${DATABASE_FILE}-wal`) },
  });

  const app = createApp({
    config,
    log,
    registry,
    snapshots: new Snapshots(store, leases),
    groups,
    store,
    clusterStatus,
    security,
    shutdown: shutdown.signal,
    onUnexpectedError,
    onRequest: (r) => {
      metrics.requests(r);
      requestLines(r);
    },
    scrape: () => metrics.scrape(),
    // The transports meet here: the REST app serves the WebSocket upgrade routes without importing them.
    routes: [websocketRoutes(sockets), sseRoutes(log, config, shutdown.signal, onUnexpectedError, groups)],
    webRoot: options.webRoot,
  });

  let closing: Promise<void> | undefined;

  return {
    config,
    app,
    log,
    groups,
    sockets,
    store,
    security,
    logger,
    listen() {
      return new Promise((resolve, reject) => {
        // Upgrades go through app.fetch (middleware runs on the handshake), then to this `ws` server.
        const options = { fetch: app.fetch, websocket: { server: sockets.server } };
        // createAdaptorServer + listen rather than serve(): serve() cannot pass a backlog.
        const s = createAdaptorServer(options);
        s.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, () => {
          const info = s.address() as AddressInfo;
          sockets.start();
          cleanupLease.start();
          // On a cluster, other gateways make and revoke API keys (SQLite is one process: never needed).
          if (!store.singleGateway) security.refreshKeysEvery(config.apiKeyRefreshMs, (err) => logger.warn({ err }, 'reading the API keys again failed'));
          retention.start(config.cleanupIntervalMs ?? config.retentionCheckIntervalMs, (err) => logger.error({ err }, 'retention failed'));
          const host = info.address.includes(':') ? `[${info.address}]` : info.address;
          resolve({ host: info.address, port: info.port, url: `http://${host}:${info.port}` });
        });
        s.once('error', reject);
        // Bounds every per-connection buffer (long-polls, sockets, request bodies) by a setting.
        // (Every ServerType is a net.Server. Not `'maxConnections' in s`: node leaves the field unset, so that was false.)
        s.maxConnections = config.maxConnections;
        // Node also says it in each answer's Keep-Alive header, which clients that honour it use to stop reusing a socket before.
        if ('keepAliveTimeout' in s) s.keepAliveTimeout = config.keepAliveTimeoutMs;
        server = s;
      });
    },
    close() {
      closing ??= (async () => {
        // Readiness fails and long-polls answer at once.
        shutdown.abort();
        security.stopKeyRefresh();
        // Stop accepting first; in-flight requests finish; stragglers are cut at the deadline.
        const s = server;
        const httpClosed = s ? new Promise<void>((resolve) => s.close(() => resolve())) : Promise.resolve();
        if (s && 'closeIdleConnections' in s) s.closeIdleConnections();
        const timer = setTimeout(() => {
          if (s && 'closeAllConnections' in s) s.closeAllConnections();
        }, config.shutdownTimeoutMs);
        // Meanwhile sockets get 1001 "going away" (server.close() does not end upgraded connections).
        await Promise.all([sockets.close(Math.min(config.shutdownTimeoutMs, 2_000)), retention.stop().then(() => cleanupLease.stop())]);
        await httpClosed;
        clearTimeout(timer);
        await groups.stop();
        await store.close();
      })();
      return closing;
    },
  };
}
