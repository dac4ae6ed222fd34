/**
 * The REST transport: an OpenAPIHono app assembled from one router per resource.
 * It validates, calls the core, and maps results and errors; it holds no state.
 */
import type { HttpBindings } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from '../config.js';
import type { GroupCoordinator } from '../core/groups.js';
import type { Log } from '../core/log.js';
import { ErrorCode, GatewayError } from '../errors.js';
import type { LogStore } from '../storage/log-store.js';
import { allowedMethods } from './allowed-methods.js';
import { backupRoutes } from './backup.js';
import { bodyLimit } from './body-limit.js';
import { healthRoutes } from './health.js';
import { metricsRoutes, type Scrape } from './metrics.js';
import { ApiDocument, openApiDocument } from './openapi.js';
import { groupRoutes } from './groups.js';
import { errorHandler } from './problem.js';
import { recordRoutes } from './records.js';
import { topicRecordRoutes } from './topic-records.js';
import { observeRequests, type ObservedRequest } from './request-observer.js';
import { topicRoutes } from './topics.js';
import { tableRoutes } from './table.js';
import { systemClock } from '../core/clock.js';
import { ClusterStatus } from '../core/cluster-status.js';
import { SnapshotLeases } from '../core/snapshot-leases.js';
import { Snapshots } from '../core/snapshots.js';
import { problemResponse } from '../api/problem-details.js';
import { METHOD_NOT_ALLOWED } from '../api/responses.js';
import type { Security } from '../auth/security.js';
import { ACCESS_RULES, accessCheck, REGISTRY_ACCESS_RULES } from './access.js';
import { authenticate } from './authenticate.js';
import { corsMiddleware, websocketOrigin } from './cors.js';
import { keyRoutes } from './keys.js';
import { isNdjson } from './ndjson.js';
import { SchemaRegistry } from '../core/schemas/registry.js';
import { registryRoutes } from './registry.js';
import { topicOpenApiRoutes } from './topic-openapi.js';
import { isRegistryPath, REGISTRY_PREFIX, registryErrorHandler, registryErrorResponse } from './registry-errors.js';
import { webRoutes } from './web.js';

export interface AppDeps {
  config: Config;
  log: Log;
  groups: GroupCoordinator;
  store: LogStore;
  /** Authentication, permissions, quotas and audit (src/auth). */
  security: Security;
  /** The table view's snapshots; default: their own leases (which then hold back no compaction: gateway.ts shares them with cleanup). */
  snapshots?: Snapshots;
  /** Each partition's replicas on a cluster store, for /readyz; default: its own cache (gateway.ts shares one with the metrics). */
  clusterStatus?: ClusterStatus;
  /** The schema registry served at /registry; default: one over `store.schemas`. */
  registry?: SchemaRegistry;
  /** Aborted when the gateway starts shutting down: long-polls answer at once. */
  shutdown: AbortSignal;
  onUnexpectedError: (err: unknown) => void;
  /** Told of every request once answered (request log, request metrics); its id is assigned and echoed either way. */
  onRequest?: (request: ObservedRequest) => void;
  /** What GET /metrics serves; absent: an empty exposition. */
  scrape?: Scrape;
  /**
   * Routers of other transports served by this app and listed in its OpenAPI document
   * (gateway.ts passes the WebSocket upgrade endpoints), so the REST app imports none of them.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  routes?: readonly OpenAPIHono<any, any, any>[];
  /** Folder of the built console and API reference (default dist/web); served unless config.console is false. */
  webRoot?: string;
}

/** The produce path, the one that takes an NDJSON body. */
const PRODUCE_PATH = /^\/v1\/topics\/[^/]+\/records$/;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono();
  const { security } = deps;

  // First, so the request id is set for everything after it and every answer is observed,
  // refusals by the origin check and authentication included.
  app.use('*', observeRequests(deps.onRequest ?? (() => {})));
  // Browsers next (a preflight needs no credential), then who is asking, before anything is read.
  if (security.settings.corsOrigins.length > 0) app.use('*', corsMiddleware(security.settings.corsOrigins));
  app.use('*', websocketOrigin(security.settings.corsOrigins));
  app.use('*', authenticate(security));
  // Not async: a long-poll parked behind it would hold a suspended frame of it until answered (issue 9).
  app.use('*', (c, next) => {
    if (deps.shutdown.aborted && c.req.path === '/readyz') {
      return Promise.resolve(problemResponse(new GatewayError(ErrorCode.UNAVAILABLE, 'the gateway is shutting down')));
    }
    const method = c.req.method;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const type = c.req.header('content-type');
      const length = c.req.header('content-length');
      const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
      // NDJSON is produce's streamed body (src/http/ndjson-ingest.ts); every other body is JSON.
      const ndjsonProduce = method === 'POST' && isNdjson(type) && PRODUCE_PATH.test(c.req.path);
      if (hasBody && !ndjsonProduce && (type === undefined || !JSON_TYPE.test(type))) {
        return Promise.resolve(
          problemResponse(new GatewayError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `content-type must be application/json, not ${type ?? 'absent'}`), {
            accept: 'application/json',
          }),
        );
      }
    }
    return next().then(() => {
      // Shutting down: ask keep-alive clients to reconnect, so their idle sockets do not hold the exit open.
      // On Node's response when there is one (writeHead merges it into the answer): c.header() on a finished
      // answer makes hono copy it into a new Response, body included, and the answer then leaves by
      // @hono/node-server's stream path: at shutdown every parked long-poll answers at once (profile, issue 9).
      if (deps.shutdown.aborted) {
        const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
        if (outgoing && !outgoing.headersSent) outgoing.setHeader('connection', 'close');
        else c.header('connection', 'close');
      }
    });
  });

  // A streamed NDJSON body has no overall limit: each of its lines is held to maxBodyBytes instead.
  const limitBody = bodyLimit(deps.config.maxBodyBytes, () =>
      problemResponse(
        new GatewayError(
          ErrorCode.PAYLOAD_TOO_LARGE,
          `request body is over the limit of ${deps.config.maxBodyBytes} bytes (setting maxBodyBytes)`,
          { limit: deps.config.maxBodyBytes },
        ),
      ),
  );
  app.use('*', (c, next) => (isNdjson(c.req.header('content-type')) && PRODUCE_PATH.test(c.req.path) ? next() : limitBody(c, next)));

  // No operation can list 405 (it answers the methods a path does not have): a named response instead.
  app.openAPIRegistry.registerComponent('responses', 'MethodNotAllowed', METHOD_NOT_ALLOWED as never);
  // Each operation's permission check, before its validation (src/http/access.ts).
  const lookup = { memberTopics: (group: string, memberId: string) => deps.groups.memberTopics(group, memberId) };
  for (const rule of [...ACCESS_RULES, ...REGISTRY_ACCESS_RULES]) app.on(rule.method, rule.path, accessCheck(rule, security, lookup));

  const registry = deps.registry ?? new SchemaRegistry(deps.store.schemas);
  // Generated once, on first request: the routes are fixed by then.
  const document = new ApiDocument(() => openApiDocument(app));

  app.route('/', healthRoutes(deps.store, deps.clusterStatus ?? new ClusterStatus(deps.store, systemClock, deps.config.clusterStatusRefreshMs)));
  app.route('/', metricsRoutes(deps.scrape ?? (async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', text: '' }))));
  app.route('/', topicRoutes(deps.log));
  app.route('/', topicOpenApiRoutes(deps.log, registry, document));
  app.route('/', tableRoutes(deps.log, deps.snapshots ?? new Snapshots(deps.store, new SnapshotLeases(deps.store.snapshotLeases, systemClock, deps.config)), deps.config));
  app.route('/', recordRoutes(deps.log, deps.config, deps.shutdown, security));
  app.route('/', topicRecordRoutes(deps.log, deps.config, deps.shutdown));
  // Where the WebSocket paths always stood in openapi.yaml: after records, before groups.
  for (const routes of deps.routes ?? []) app.route('/', routes);
  app.route('/', groupRoutes(deps.groups, deps.config, deps.shutdown));
  app.route('/', keyRoutes(security));
  app.route('/', backupRoutes(deps.store, deps.config.dataDir));
  // Confluent's API, not in the document (see registry.ts).
  app.route(REGISTRY_PREFIX, registryRoutes(registry));

  app.get('/openapi.json', (c) => c.body(document.json, 200, { 'content-type': 'application/json' }));
  app.get('/openapi.yaml', (c) => c.body(document.yaml, 200, { 'content-type': 'application/yaml' }));

  // Static pages, outside the OpenAPI document: not part of the API, and no middleware of their own.
  if (deps.config.console) app.route('/', webRoutes(deps.webRoot, ['console', 'docs']));
  // The browser client is for the user's own pages: served with the console off too.
  app.route('/', webRoutes(deps.webRoot, ['client']));

  let allowed: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    if (isRegistryPath(c.req.path)) {
      return registryErrorResponse(new GatewayError(ErrorCode.NOT_FOUND, `no route for ${c.req.method} ${c.req.path}`, { registryCode: 404 }));
    }
    // Routes are all registered by now; the table is built on the first miss.
    allowed ??= allowedMethods(app.routes);
    const allow = allowed(c.req.path);
    if (allow.length > 0) {
      return problemResponse(
        new GatewayError(ErrorCode.METHOD_NOT_ALLOWED, `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow.join(', ')}`, {
          allow,
        }),
        { allow: allow.join(', ') },
      );
    }
    return problemResponse(new GatewayError(ErrorCode.NOT_FOUND, `no route for ${c.req.method} ${c.req.path}`));
  });
  const problems = errorHandler(deps.onUnexpectedError);
  const registryErrors = registryErrorHandler(deps.onUnexpectedError);
  app.onError((err, c) => (isRegistryPath(c.req.path) ? registryErrors(err, c) : problems(err, c)));
  return app;
}

export type App = ReturnType<typeof createApp>;
