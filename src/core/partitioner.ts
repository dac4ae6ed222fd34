/**
 * Kafka's default partitioner, so a key lands on the same partition number here
 * as it would in Kafka: murmur2 of the key bytes, made positive by masking the
 * sign bit (Utils.toPositive), modulo the partition count.
 * Source: org.apache.kafka.common.utils.Utils.murmur2 and BuiltInPartitioner.
 */

/** Kafka's murmur2 (seed 0x9747b28c), as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  // Kafka's switch falls through from 3 to 1; written out here.
  const rest = length % 4;
  if (rest >= 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for a keyed record. */
export function partitionForKey(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

/**
 * Spreads keyless records evenly: round-robin per topic. (Kafka's sticky partitioner
 * fills one batch per partition instead; per request, round-robin gives the even
 * spread without a batch timer.)
 */
export class RoundRobin {
  readonly #next = new Map<string, number>();

  next(topic: string, partitions: number): number {
    const n = this.#next.get(topic) ?? 0;
    this.#next.set(topic, (n + 1) % partitions);
    return n % partitions;
  }

  forget(topic: string): void {
    this.#next.delete(topic);
  }
}
