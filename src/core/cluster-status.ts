/**
 * Each partition's replicas on a replicated store (LogStore.replicaStatus), for /readyz and the metrics. Read from
 * the store at most once per `refreshMs` (a cached answer between), so probes and scrapes, however frequent, cost
 * the cluster a bounded number of requests. A partition whose leader does not report a quorum of current replicas
 * cannot take writes: `withoutQuorum` names it, with the reason. The leader's word is all there is: it counts a
 * replica whose log is caught up as current even when its stored copy is not (docs/cluster.md).
 */
import type { LogStore, PartitionReplicas } from '../storage/log-store.js';
import type { Clock } from './clock.js';

/** A partition that cannot take writes now, and why. */
export interface PartitionWithoutQuorum {
  topic: string;
  partition: number;
  reason: string;
}

/** Why the partition has no quorum, or undefined when it has one. */
export function quorumProblem(p: PartitionReplicas): string | undefined {
  const needed = Math.floor(p.replicas / 2) + 1;
  if (p.nodes.length === 0) return `no leader: its ${p.replicas} replicas have not elected one (or it did not answer)`;
  const current = p.nodes.filter((n) => n.current && !n.offline);
  if (current.length >= needed) return undefined;
  const others = p.nodes.filter((n) => !current.includes(n)).map((n) => `${n.node} ${n.offline ? 'offline' : `behind by ${n.lag}`}`);
  return `no quorum: ${current.length} of ${p.replicas} replicas current, ${needed} needed (leader ${p.nodes[0]!.node}; ${others.join(', ') || 'the others unknown'})`;
}

export class ClusterStatus {
  readonly #store: LogStore;
  readonly #clock: Clock;
  readonly #refreshMs: number;
  #all: { at: number; answer: Promise<PartitionReplicas[]> } | undefined;

  constructor(store: LogStore, clock: Clock, refreshMs: number) {
    this.#store = store;
    this.#clock = clock;
    this.#refreshMs = refreshMs;
  }

  /** Whether the store is replicated (has replica status to report). */
  get replicated(): boolean {
    return this.#store.replicaStatus !== undefined;
  }

  /** Every partition's replicas, at most `refreshMs` old; empty for a store that is not replicated. */
  partitions(): Promise<PartitionReplicas[]> {
    const status = this.#store.replicaStatus?.bind(this.#store);
    if (!status) return Promise.resolve([]);
    const now = this.#clock.now();
    // A failed read is kept too, for the same time: a cluster in trouble is not asked again on every probe.
    if (!this.#all || now - this.#all.at >= this.#refreshMs) this.#all = { at: now, answer: status() };
    return this.#all.answer;
  }

  /**
   * The partitions (of `topic`, when given) that cannot take writes now, with the reason. A topic not in the
   * cached answer (created since) is asked of the store alone (throws TOPIC_NOT_FOUND for no such topic).
   */
  async withoutQuorum(topic?: string): Promise<PartitionWithoutQuorum[]> {
    let partitions = await this.partitions();
    if (topic !== undefined) {
      partitions = partitions.filter((p) => p.topic === topic);
      if (partitions.length === 0 && this.#store.replicaStatus) partitions = await this.#store.replicaStatus(topic);
    }
    return partitions.flatMap((p) => {
      const reason = quorumProblem(p);
      return reason ? [{ topic: p.topic, partition: p.partition, reason }] : [];
    });
  }
}
