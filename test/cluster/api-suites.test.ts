/**
 * The REST and WebSocket suites again, with every gateway they start on the JetStream store of a
 * 3-node cluster (test/helpers/gateway.ts reads `clusterGateways`): the same API, the same answers.
 * A representative subset, to keep CI's time: produce and fetch with long-polls, topics, consumer
 * groups, and WebSocket streaming.
 */
import { beforeAll } from 'vitest';
import { clusterGateways } from '../helpers/gateway.js';
import { useNatsCluster } from '../helpers/nats-cluster.js';

const cluster = useNatsCluster();
beforeAll(() => {
  clusterGateways.urls = cluster.urls;
});

await import('../http/records.test.js');
await import('../ws/stream.test.js');
