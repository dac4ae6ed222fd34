/**
 * `npm run test:jetstream`: the REST, WebSocket and event-stream suites again, every gateway they start
 * keeping its log on a 3-node NATS JetStream cluster instead of SQLite: the same API, the same answers.
 * test/jetstream/global-setup.ts sets LOGWAY_STORE=jetstream and LOGWAY_NATS_URLS (CI's cluster, or one it
 * starts); test/helpers/gateway.ts then gives each data folder a namespace of the cluster never used before.
 * Suites of what the store does not have yet (docs/cluster.md: the schema registry, backups) are left out
 * below, and a test of one inside a suite here skips on it saying why (test/helpers/gateway.ts: onJetStream).
 * Retention by size runs here (test/http/records.test.ts), the table view (test/http/key-reads.test.ts) and
 * compacted topics (compacted-topics, compacted-consumers: their records produced one per request where
 * compaction must remove them, as this store compacts whole batches).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * Left out: suites whose gateways run on a store of their own (a failing or intercepted SQLite store:
 * store-failures, produce-backpressure, long-poll-signals, group-forwarding, ws/session); suites of what the
 * cluster answers 503 for as a whole (registry, produce-schemas, backup);
 * transport-only suites (cors, method-not-allowed, openapi, web, access, health: /readyz on a cluster has
 * test/cluster/readiness.test.ts) and Chromium's; and, for CI's time, the heaviest on a cluster whose
 * store part the suites here already cover: topic-pages (a topic of 250 partitions is 250 replicated
 * streams; it also expects SQLite's `bytes`, where the JetStream store answers its streams' larger ones),
 * ws/slow-consumer (100 MB produced; it bounds the heap's growth below the 32 MB of batches the
 * JetStream store caches) and openapi-client (a whole-program type-check; groups-openapi-client is the
 * typed client's run here).
 */
export const JETSTREAM_SUITES = [
  'test/http/records.test.ts',
  'test/http/key-reads.test.ts',
  'test/http/compacted-topics.test.ts',
  'test/http/compacted-consumers.test.ts',
  'test/http/topics.test.ts',
  'test/http/topic-records.test.ts',
  'test/http/min-bytes.test.ts',
  'test/http/ndjson-produce.test.ts',
  'test/http/ndjson-export.test.ts',
  'test/http/groups.test.ts',
  'test/http/groups-openapi-client.test.ts',
  'test/http/security.test.ts',
  'test/ws/stream.test.ts',
  'test/ws/group.test.ts',
  'test/ws/cursor.test.ts',
  'test/ws/multiplex.test.ts',
  'test/sse/events.test.ts',
  'test/sse/group.test.ts',
];

export default defineConfig({
  test: {
    ...base.test,
    include: JETSTREAM_SUITES,
    globalSetup: [...(base.test?.globalSetup as string[]), 'test/jetstream/global-setup.ts'],
    setupFiles: ['test/jetstream/setup-file.ts'],
  },
});
