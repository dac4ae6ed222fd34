/**
 * The cluster, read when Prometheus scrapes: this gateway's share of cluster-wide work, and on a replicated
 * store each partition's leader and replicas as its leader reports them (core/cluster-status.ts: read from the
 * cluster at most once per clusterStatusRefreshMs, however often Prometheus scrapes). Per partition and node:
 * topics past the label budget are left out, as in log-gauges.ts; nodes are the cluster's few servers.
 */
import { Gauge, type Registry } from 'prom-client';
import { quorumProblem, type ClusterStatus } from '../core/cluster-status.js';
import type { PartitionReplicas } from '../storage/log-store.js';
import { OTHER, type LabelBudget } from './label-budget.js';

export interface ClusterSources {
  /** Whether this gateway holds the cleanup lease (src/core/cleanup-lease.ts): 1 on SQLite's one gateway. */
  cleanupLeaseHeld(): boolean;
  /** Each partition's replicas (a replicated store only). */
  clusterStatus?: ClusterStatus;
}

export function clusterGauges(registry: Registry, sources: ClusterSources, topics: LabelBudget): void {
  const registers = [registry];
  new Gauge({
    name: 'logway_cleanup_lease_held',
    help: 'Whether this gateway runs cleanup (retention, compaction, key expiry) for the store: 1 on one gateway of a cluster at a time.',
    registers,
    collect() {
      this.set(sources.cleanupLeaseHeld() ? 1 : 0);
    },
  });
  const status = sources.clusterStatus;
  if (!status?.replicated) return;
  /** The partitions whose topic has a label of its own (sorted by topic: the same ones get labels from scrape to scrape). */
  const labelled = async (): Promise<PartitionReplicas[]> =>
    (
      await status.partitions().catch(
        // The cluster did not answer: these gauges are left out of this scrape, the others still go out.
        () => [],
      )
    ).filter((p) => topics.label(p.topic) !== OTHER);
  const perPartition = (name: string, help: string, value: (p: PartitionReplicas) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['topic', 'partition'],
      registers,
      async collect() {
        this.reset();
        for (const p of await labelled()) this.set({ topic: p.topic, partition: String(p.partition) }, value(p));
      },
    });
  const perReplica = (name: string, help: string, value: (n: PartitionReplicas['nodes'][number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['topic', 'partition', 'node'],
      registers,
      async collect() {
        this.reset();
        for (const p of await labelled()) for (const n of p.nodes) this.set({ topic: p.topic, partition: String(p.partition), node: n.node }, value(n));
      },
    });
  perPartition('logway_partition_quorum', "1 when the partition's leader reports a quorum of current replicas (it takes writes), else 0 (no leader, or too few current).", (p) => (quorumProblem(p) ? 0 : 1));
  perReplica('logway_partition_leader', "1 on the node that leads the partition's replicas (one series per partition with a leader).", (n) => (n.leader ? 1 : 0));
  perReplica(
    'logway_partition_replica_current',
    "1 when the partition's leader counts this node's copy as current. The leader's word: a replica whose log is caught up but whose stored copy is not (seen after a network partition on nats-server 2.9.10) still counts as current.",
    (n) => (n.current && !n.offline ? 1 : 0),
  );
  perReplica('logway_partition_replica_lag', 'Operations this node is behind the partition leader, by the leader\'s count (0 for the leader).', (n) => n.lag);
}
