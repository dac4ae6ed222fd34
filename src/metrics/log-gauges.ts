/**
 * Per partition, read when Prometheus scrapes: each partition's log start offset and high
 * watermark, and each consumer group's lag. Topics and groups past the label budget are left
 * out here (a partition of `_other` would mean nothing); `logway_topics` and
 * `logway_consumer_groups` still count them all.
 */
import { Gauge, type Registry } from 'prom-client';
import type { GroupCoordinator } from '../core/groups.js';
import type { Log, TopicDescription } from '../core/log.js';
import type { PartitionOffsets } from '../storage/log-store.js';
import { OTHER, type LabelBudget } from './label-budget.js';

export function logGauges(
  registry: Registry,
  sources: { log: Log; groups: GroupCoordinator },
  budgets: { topics: LabelBudget; groups: LabelBudget },
): void {
  const registers = [registry];
  // prom-client collects every metric of a scrape at once: the three topic gauges share one listing.
  let listing: Promise<TopicDescription[]> | undefined;
  const topics = () =>
    (listing ??= sources.log
      .listTopics()
      // Sorted by name, so which topics get a label is the same from scrape to scrape.
      .then((list) => list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
      .finally(() => (listing = undefined)));
  const partitionGauge = (name: string, help: string, value: (p: PartitionOffsets) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['topic', 'partition'],
      registers,
      async collect() {
        this.reset();
        for (const t of await topics()) {
          if (budgets.topics.label(t.name) === OTHER) continue;
          for (const p of t.partitionOffsets) this.set({ topic: t.name, partition: String(p.partition) }, value(p));
        }
      },
    });

  new Gauge({
    name: 'logway_topics',
    help: 'Topics.',
    registers,
    async collect() {
      this.set((await topics()).length);
    },
  });
  partitionGauge('logway_partition_log_start_offset', 'The oldest offset kept, per partition.', (p) => p.logStartOffset);
  partitionGauge('logway_partition_high_watermark', 'The offset the next record will get, per partition.', (p) => p.highWatermark);
  new Gauge({
    name: 'logway_consumer_groups',
    help: 'Consumer groups.',
    registers,
    collect() {
      this.set(sources.groups.list().length);
    },
  });
  new Gauge({
    name: 'logway_consumer_lag',
    help: "Records between a group's committed offset and the high watermark, per group, topic and partition (partitions with a commit).",
    labelNames: ['group', 'topic', 'partition'],
    registers,
    async collect() {
      this.reset();
      for (const { group } of sources.groups.list()) {
        if (budgets.groups.label(group) === OTHER) continue;
        // Deleted since it was listed: nothing to report.
        const offsets = await sources.groups.offsets(group).catch(() => undefined);
        for (const o of offsets?.offsets ?? []) {
          if (o.lag === null || budgets.topics.label(o.topic) === OTHER) continue;
          this.set({ group, topic: o.topic, partition: String(o.partition) }, o.lag);
        }
      }
    },
  });
}
