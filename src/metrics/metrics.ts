/**
 * The gateway's metrics, one prom-client Registry per gateway (tests run many in one process):
 * counters fed by the core and the transports through their observer interfaces, and gauges
 * read when scraped. gateway.ts builds it and wires its parts in; GET /metrics serves scrape().
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CoreObserver } from '../core/observer.js';
import type { ObservedRequest } from '../http/request-observer.js';
import type { SocketObserver } from '../ws/socket-observer.js';
import { clusterGauges, type ClusterSources } from './cluster-gauges.js';
import { coreMetrics } from './core-metrics.js';
import { LabelBudget } from './label-budget.js';
import { loadGauges, type LoadSources } from './load-gauges.js';
import { logGauges } from './log-gauges.js';
import { requestMetrics } from './request-metrics.js';
import { socketMetrics } from './socket-metrics.js';
import { storageGauges, type StorageFiles } from './storage-gauges.js';
import type { GroupCoordinator } from '../core/groups.js';
import type { Log } from '../core/log.js';

export interface MetricsOptions {
  /** Topics, and groups, that get a label of their own (the rest: `_other`). */
  maxLabelValues: number;
  /** Node's process metrics (CPU, memory, event loop delay, GC): once per process, as they observe the process. */
  processMetrics?: boolean;
}

export interface Metrics {
  readonly core: CoreObserver;
  readonly requests: (request: ObservedRequest) => void;
  readonly sockets: SocketObserver;
  /** Adds the gauges read at scrape time, once the objects they read exist. */
  watch(sources: LoadSources & ClusterSources & { log: Log; groups: GroupCoordinator; files?: StorageFiles }): void;
  scrape(): Promise<{ contentType: string; text: string }>;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const topics = new LabelBudget(options.maxLabelValues);
  const groups = new LabelBudget(options.maxLabelValues);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'logway_' });
  const core = coreMetrics(registry, topics);
  return {
    core,
    requests: requestMetrics(registry),
    // A WebSocket frame's records count as fetched, as a REST fetch's do.
    sockets: socketMetrics(registry, (topic, records, bytes) => core.fetched(topic, records, bytes)),
    watch(sources) {
      loadGauges(registry, sources);
      logGauges(registry, sources, { topics, groups });
      clusterGauges(registry, sources, topics);
      if (sources.files) storageGauges(registry, sources.files);
    },
    async scrape() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
