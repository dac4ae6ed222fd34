/** Liveness and readiness probes. */
import { z } from '@hono/zod-openapi';
import type { LogStore } from '../storage/log-store.js';
import { apiRoute, newRouter } from './router.js';
import { problemWith, RETRY_AFTER } from '../api/responses.js';

const Status = z.object({ status: z.literal('ok') }).openapi('Health');

const healthz = apiRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  operationId: 'healthz',
  summary: 'Alive: the process answers',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: Status } } } },
}, { storage: false });

const readyz = apiRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  operationId: 'readyz',
  summary: 'Ready: the store takes writes (SQLite: the file is writable; JetStream: a quorum stores a probe write) and the gateway is not shutting down',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Status } } },
    503: problemWith('Not ready: shutting down, or the store cannot take a write', RETRY_AFTER),
  },
});

export function healthRoutes(store: LogStore) {
  return newRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      await store.ping();
      return c.json({ status: 'ok' as const }, 200);
    });
}
