/** Liveness and readiness probes. */
import { z } from '@hono/zod-openapi';
import type { ClusterStatus } from '../core/cluster-status.js';
import { ErrorCode, GatewayError } from '../errors.js';
import type { LogStore } from '../storage/log-store.js';
import { apiRoute, newRouter } from './router.js';
import { problemWith, RETRY_AFTER } from '../api/responses.js';
import { problem, TopicName } from '../api/schemas.js';

const Status = z.object({ status: z.literal('ok') }).openapi('Health');

const PartitionWithoutQuorum = z
  .object({
    topic: z.string(),
    partition: z.number().int().min(0),
    reason: z.string().openapi({ description: "Why it takes no writes, by its leader's report (no leader; too few current replicas, naming them)." }),
  })
  .openapi('PartitionWithoutQuorum');

const Ready = z
  .object({
    status: z.literal('ok'),
    partitionsWithoutQuorum: z.array(PartitionWithoutQuorum).optional().openapi({
      description: 'On a cluster store: the partitions that cannot take writes now (produce to them answers 503), read from the cluster at most once per clusterStatusRefreshMs. Absent on SQLite.',
    }),
  })
  .openapi('Ready');

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
  summary:
    'Ready: the store takes writes (SQLite: the file is writable; JetStream: a quorum stores a probe write) and the gateway is not shutting down. With `topic`, on a cluster: every partition of the topic has a quorum.',
  request: {
    query: z.object({
      topic: TopicName.optional().openapi({
        param: { name: 'topic', in: 'query' },
        description: 'Ready for this topic: on a cluster store, 503 while any of its partitions has no quorum (the problem lists them with the reason).',
      }),
    }),
  },
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Ready } } },
    404: problem('`topic` names no topic'),
    503: problemWith('Not ready: shutting down, the store cannot take a write, or (with `topic`) a partition of the topic has no quorum', RETRY_AFTER),
  },
});

export function healthRoutes(store: LogStore, cluster: ClusterStatus) {
  return newRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      const { topic } = c.req.valid('query');
      await store.ping();
      if (!cluster.replicated) {
        if (topic !== undefined && !(await store.getTopic(topic))) throw new GatewayError(ErrorCode.TOPIC_NOT_FOUND, `topic '${topic}' does not exist`, { topic });
        return c.json({ status: 'ok' as const }, 200);
      }
      const missing = await cluster.withoutQuorum(topic);
      if (topic !== undefined && missing.length > 0) {
        throw new GatewayError(
          ErrorCode.UNAVAILABLE,
          `topic '${topic}' cannot take writes now: ${missing.map((p) => `partition ${p.partition}: ${p.reason}`).join('; ')}`,
          { topic, partitions: missing.map(({ partition, reason }) => ({ partition, reason })), retryAfterSeconds: 1 },
        );
      }
      return c.json({ status: 'ok' as const, partitionsWithoutQuorum: missing }, 200);
    });
}
