/**
 * Creating, deleting and inspecting a topic's partition streams. Each stream is a Raft group the
 * cluster must elect, which takes longer than an ordinary request: these calls get a long timeout.
 */
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isStreamNotFound } from './cluster-errors.js';
import type { ClusterNames } from './names.js';

/** 50 streams at once on a loaded cluster ran past the request timeout (they then appeared anyway). */
const STREAMS_CREATED_AT_ONCE = 8;

export interface PartitionHealth {
  partition: number;
  leader?: string;
  replicas: { name: string; current: boolean; lag?: number }[];
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
