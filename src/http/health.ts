/** Liveness and readiness probes. */
import { createRoute, z } from '@hono/zod-openapi';
import type { LogStore } from '../storage/log-store.js';
import { newRouter } from './router.js';
import { problem } from '../api/schemas.js';

const Status = z.object({ status: z.literal('ok') }).openapi('Health');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  operationId: 'healthz',
  summary: 'Alive: the process answers',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: Status } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  operationId: 'readyz',
  summary: 'Ready: the database is open and writable, and the gateway is not shutting down',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Status } } },
    503: problem('Not ready'),
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
