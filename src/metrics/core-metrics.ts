/**
 * The core's figures (src/core/observer.ts) as prom-client counters and histograms:
 * records and bytes produced and fetched per topic, produce outcomes, group commits, retention.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { CoreObserver } from '../core/observer.js';
import type { LabelBudget } from './label-budget.js';

/** Per topic label: the counters' children, looked up once (the label hash costs more than the increment). */
interface TopicCounters {
  producedRecords: Counter.Internal;
  producedBytes: Counter.Internal;
  fetchedRecords: Counter.Internal;
  fetchedBytes: Counter.Internal;
}

export function coreMetrics(registry: Registry, topics: LabelBudget): CoreObserver {
  const registers = [registry];
  const producedRecords = new Counter({ name: 'logway_produced_records_total', help: 'Records appended durably, by topic.', labelNames: ['topic'], registers });
  const producedBytes = new Counter({ name: 'logway_produced_bytes_total', help: 'Record bytes appended durably (key + value + headers), by topic.', labelNames: ['topic'], registers });
  const fetchedRecords = new Counter({
    name: 'logway_fetched_records_total',
    help: 'Records delivered to consumers (REST fetches and group polls, WebSocket frames), by topic.',
    labelNames: ['topic'],
    registers,
  });
  const fetchedBytes = new Counter({
    name: 'logway_fetched_bytes_total',
    help: 'Bytes of records delivered to consumers (record JSON for fetches and frames, key + value + headers for group polls), by topic.',
    labelNames: ['topic'],
    registers,
  });
  const produceRequests = new Counter({
    name: 'logway_produce_requests_total',
    help: 'Produce requests (REST and WebSocket) by outcome: ok, replayed (Idempotency-Key), or the problem code they were refused with.',
    labelNames: ['outcome'],
    registers,
  });
  const commitRequests = new Histogram({
    name: 'logway_commit_batch_requests',
    help: 'Produce requests made durable together by one group commit.',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers,
  });
  const commitSeconds = new Histogram({
    name: 'logway_commit_duration_seconds',
    help: "One group commit's write to the store, fsync included.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const retentionRuns = new Counter({ name: 'logway_retention_runs_total', help: 'Retention passes, by outcome (ok, failed).', labelNames: ['outcome'], registers });
  const retentionDeleted = new Counter({ name: 'logway_retention_deleted_records_total', help: 'Records deleted by retention.', registers });
  const retentionSeconds = new Histogram({
    name: 'logway_retention_duration_seconds',
    help: 'How long one retention pass took.',
    buckets: [0.001, 0.01, 0.1, 1, 10, 60],
    registers,
  });

  const byTopic = new Map<string, TopicCounters>();
  const countersOf = (topic: string): TopicCounters => {
    let counters = byTopic.get(topic);
    if (!counters) {
      const label = topics.label(topic);
      counters = {
        producedRecords: producedRecords.labels(label),
        producedBytes: producedBytes.labels(label),
        fetchedRecords: fetchedRecords.labels(label),
        fetchedBytes: fetchedBytes.labels(label),
      };
      // Names past the budget share `_other`'s children; remembering each of them would grow without end.
      if (label !== topic) return counters;
      byTopic.set(topic, counters);
    }
    return counters;
  };

  return {
    produced(topic, records, bytes) {
      const c = countersOf(topic);
      c.producedRecords.inc(records);
      c.producedBytes.inc(bytes);
    },
    produceOutcome(outcome) {
      produceRequests.inc({ outcome });
    },
    fetched(topic, records, bytes) {
      const c = countersOf(topic);
      c.fetchedRecords.inc(records);
      c.fetchedBytes.inc(bytes);
    },
    committed(requests, seconds) {
      commitRequests.observe(requests);
      commitSeconds.observe(seconds);
    },
    retentionRan(outcome, deletedRecords, seconds) {
      retentionRuns.inc({ outcome });
      retentionDeleted.inc(deletedRecords);
      retentionSeconds.observe(seconds);
    },
  };
}
