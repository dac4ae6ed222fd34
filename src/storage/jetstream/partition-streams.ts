/**
 * Creating, deleting and inspecting a topic's partition streams. Each stream is a Raft group the
 * cluster must elect, which takes longer than an ordinary request: these calls get a long timeout.
 */
import type { JetStreamManager, StreamConfig, StreamInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ReplicaState } from '../log-store.js';
import { isStreamNotFound } from './cluster-errors.js';
import type { ClusterNames } from './names.js';

/** 50 streams at once on a loaded cluster ran past the request timeout (they then appeared anyway). */
const STREAMS_CREATED_AT_ONCE = 8;

export interface PartitionHealth {
  partition: number;
  leader?: string;
  replicas: { name: string; current: boolean; lag?: number }[];
}

/** A stream's replicas as its leader reports them, leader first; none when no leader is named. */
export function replicaStates(info: StreamInfo): ReplicaState[] {
  const cluster = info.cluster;
  if (!cluster?.leader) return [];
  return [
    { node: cluster.leader, leader: true, current: true, lag: 0, offline: false },
    ...(cluster.replicas ?? []).map((r) => ({ node: r.name, leader: false, current: r.current, lag: r.lag ?? 0, offline: r.offline ?? false })),
  ];
}

export class PartitionStreams {
  readonly #admin: JetStreamManager;
  readonly #names: ClusterNames;
  readonly #replicas: number;
  readonly #duplicateWindowMs: number;

  constructor(admin: JetStreamManager, names: ClusterNames, replicas: number, duplicateWindowMs: number) {
    this.#admin = admin;
    this.#names = names;
    this.#replicas = replicas;
    this.#duplicateWindowMs = duplicateWindowMs;
  }

  #config(inc: string, partition: number): Partial<StreamConfig> & { name: string } {
    return {
      name: this.#names.stream(inc, partition),
      subjects: [this.#names.subject(inc, partition)],
      num_replicas: this.#replicas,
      duplicate_window: nanos(this.#duplicateWindowMs),
      allow_direct: false,
      // The tail feed: after a batch is stored, its headers (and its sequence) go to every gateway.
      republish: { src: this.#names.subject(inc, partition), dest: this.#names.feedSubject(inc, partition), headers_only: true },
    } as Partial<StreamConfig> & { name: string };
  }

  /** Streams for partitions [from, to); on failure, the ones made are deleted again. */
  async create(inc: string, from: number, to: number): Promise<void> {
    const partitions = Array.from({ length: to - from }, (_, i) => from + i);
    try {
      while (partitions.length > 0) {
        await Promise.all(partitions.splice(0, STREAMS_CREATED_AT_ONCE).map((p) => this.#admin.streams.add(this.#config(inc, p))));
      }
    } catch (err) {
      await this.delete(inc, from, to);
      throw err;
    }
  }

  async delete(inc: string, from: number, to: number): Promise<void> {
    await Promise.allSettled(Array.from({ length: to - from }, (_, i) => this.#admin.streams.delete(this.#names.stream(inc, from + i))));
  }

  /**
   * The infos of this namespace's partition streams (with `inc`, of that topic incarnation's), by stream name,
   * as their leaders report them: pages of up to 256 streams per request, not one request per stream. A stream
   * whose leader did not answer (none elected) is absent.
   */
  async infos(inc?: string): Promise<Map<string, StreamInfo>> {
    const filter = this.#names.dataWildcard(inc);
    const infos = new Map<string, StreamInfo>();
    for await (const info of this.#admin.streams.list(filter)) infos.set(info.config.name, info);
    return infos;
  }

  /** Each partition's leader and replicas, as the stream leaders report them. */
  health(inc: string, partitions: number, jsm: JetStreamManager): Promise<PartitionHealth[]> {
    return Promise.all(
      Array.from({ length: partitions }, async (_, partition) => {
        try {
          const info = await jsm.streams.info(this.#names.stream(inc, partition));
          return { partition, leader: info.cluster?.leader, replicas: (info.cluster?.replicas ?? []).map((r) => ({ name: r.name, current: r.current, lag: r.lag })) };
        } catch (err) {
          if (isStreamNotFound(err)) return { partition, replicas: [] };
          throw err;
        }
      }),
    );
  }
}
