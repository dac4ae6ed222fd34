/**
 * One group commit on the cluster. Each partition a flush touches gets its batches in request
 * order: the records of consecutive plain requests share one batch (one replicated message), and a
 * request with an Idempotency-Key gets batches of its own, whose message ids derive from the key, so
 * a retry stores nothing twice. Partitions are written in parallel; each batch is fenced on its
 * partition's last sequence (partition-log.ts).
 *
 * What differs from the SQLite store: a request is atomic per partition, not across partitions. If
 * one partition cannot be written (no quorum before the deadline), the flush fails with UNAVAILABLE
 * though other partitions may hold their batches; a retry with the same Idempotency-Key completes
 * the request exactly, and a retry without one may duplicate those records.
 */
import { nuid } from '@nats-io/transport-node';
import type { AppendOutcome, AppendRequest, RecordPosition, RecordToAppend } from '../log-store.js';
import { encodedSize } from './batch-codec.js';
import { FINGERPRINT_HEADER, type IdempotencyKeys, type Lookup } from './idempotency.js';
import { StreamGoneError } from './cluster-errors.js';
import type { PartitionLog } from './partition-log.js';
import type { TopicCatalog, TopicEntry } from './topics.js';

export interface AppendContext {
  topics: TopicCatalog;
  idempotency: IdempotencyKeys;
  log(topic: TopicEntry, partition: number): PartitionLog;
  /** Largest payload one message may carry (the server's max_payload, less room for headers). */
  maxBatchBytes: number;
  /** Epoch ms after which a flush stops retrying and fails with UNAVAILABLE. */
  deadline: number;
  /** Told of each message id before it is published (so the tail feed can tell our batches from others'). */
  published(msgId: string): void;
}

interface Batch {
  log: PartitionLog;
  records: RecordToAppend[];
  /** Payload bytes so far. */
  bytes: number;
  msgId: string;
  headers: Record<string, string>;
  /** Where its first record landed, once written. */
  base?: number;
  /** For an idempotent batch answered as a duplicate: the fingerprint stored with the original. */
  storedFingerprint?: string;
  /** For a batch answered as a duplicate: the original records' timestamps. */
  storedTimestamps?: number[];
}

interface Planned {
  request: AppendRequest;
  topic: TopicEntry;
  idem?: Lookup;
  /** For each record: its batch and its index in it. */
  placement: { batch: Batch; index: number }[];
}

export async function appendFlush(ctx: AppendContext, requests: AppendRequest[]): Promise<AppendOutcome[]> {
  const outcomes: (AppendOutcome | undefined)[] = new Array(requests.length);
  const planned: (Planned | undefined)[] = new Array(requests.length);

  // 1. Which requests may append at all.
  const topics = await Promise.all(requests.map((r) => ctx.topics.find(r.topic) ?? ctx.topics.refresh(r.topic)));
  const lookups = await Promise.all(
    requests.map((r, i) => (r.idempotency && topics[i] ? ctx.idempotency.lookup(topics[i].inc, r.idempotency.key) : undefined)),
  );
  /** Idempotent requests of this flush by entry id: a repeat in the same flush is a replay of the first. */
  const inFlush = new Map<string, number>();
  requests.forEach((request, i) => {
    const topic = topics[i];
    if (!topic) return void (outcomes[i] = { status: 'rejected', reason: 'topic-not-found' });
    if (request.records.some((r) => r.partition < 0 || r.partition >= topic.partitions)) {
      return void (outcomes[i] = { status: 'rejected', reason: 'partition-not-found' });
    }
    const idem = request.idempotency;
    const lookup = lookups[i];
    if (idem && lookup) {
      const seen = lookup.remembered;
      if (seen && seen.expiresAt > idem.now) {
        outcomes[i] = seen.fingerprint === idem.fingerprint ? { status: 'replayed', positions: seen.positions } : { status: 'key-reused' };
        return;
      }
      const first = inFlush.get(lookup.id);
      if (first !== undefined) {
        // Answered once the first is written (below).
        if (requests[first]!.idempotency!.fingerprint !== idem.fingerprint) outcomes[i] = { status: 'key-reused' };
        return;
      }
      inFlush.set(lookup.id, i);
    }
    planned[i] = { request, topic, idem: idem ? lookup : undefined, placement: [] };
  });

  // 2. Batches per partition, in request order then record order.
  const perPartition = new Map<PartitionLog, Batch[]>();
  const topicOf = new Map<PartitionLog, TopicEntry>();
  const open = new Map<PartitionLog, Batch>();
  for (const plan of planned) {
    if (!plan) continue;
    const own = new Map<PartitionLog, Batch>();
    /** The request's partition logs by partition: looked up once per partition, not per record. */
    const logs: PartitionLog[] = [];
    for (const r of plan.request.records) {
      const log = (logs[r.partition] ??= ctx.log(plan.topic, r.partition));
      let batch = plan.idem ? own.get(log) : open.get(log);
      const size = encodedSize(r);
      if (batch && batch.bytes + size > ctx.maxBatchBytes && batch.records.length > 0) batch = undefined;
      if (!batch) {
        const part = plan.idem ? (perPartition.get(log)?.filter((b) => b.msgId.startsWith(plan.idem!.id)).length ?? 0) : 0;
        batch = plan.idem
          ? {
              log,
              records: [],
              bytes: 0,
              // The key's generation makes a request after expiry a new message; the same retry, the same one.
              msgId: `${plan.idem.id}.${plan.idem.generation}.${r.partition}.${part}`,
              headers: { [FINGERPRINT_HEADER]: plan.request.idempotency!.fingerprint },
            }
          : { log, records: [], bytes: 0, msgId: nuid.next(), headers: {} };
        let list = perPartition.get(log);
        if (!list) {
          perPartition.set(log, (list = []));
          topicOf.set(log, plan.topic);
        }
        list.push(batch);
        if (plan.idem) {
          own.set(log, batch);
          open.delete(log); // later plain records go after this request's, in a batch of their own
        } else open.set(log, batch);
      }
      plan.placement.push({ batch, index: batch.records.length });
      batch.records.push(r);
      batch.bytes += size;
    }
  }

  // 3. Write every partition's batches, partitions in parallel.
  const partitions = [...perPartition.entries()];
  const results = await Promise.allSettled(
    partitions.map(async ([, batches]) => {
      for (const b of batches) {
        ctx.published(b.msgId);
        const out = await b.log.publish(b.records, b.msgId, b.headers, ctx.deadline, b.bytes);
        b.base = out.base;
        if (out.duplicate) {
          b.storedFingerprint = out.stored?.get(FINGERPRINT_HEADER) ?? '';
          b.storedTimestamps = out.timestamps;
        }
      }
    }),
  );
  // A partition whose stream is gone belongs to a topic deleted meanwhile: its requests answer
  // topic-not-found, as on SQLite when the deletion wins the race. Any other failure fails the flush.
  const deleted = new Set<string>();
  for (const [i, r] of results.entries()) {
    if (r.status === 'fulfilled') continue;
    const topic = topicOf.get(partitions[i]![0])!;
    // A stream gone: ask the cluster. Anything else (a timeout while the stream was being deleted):
    // this gateway's copy of the catalogue, which the bucket's watch keeps current, without a round trip.
    const current = r.reason instanceof StreamGoneError ? await ctx.topics.refresh(topic.name) : ctx.topics.find(topic.name);
    if (current?.inc === topic.inc) throw r.reason;
    deleted.add(topic.inc);
  }

  // 4. Positions, and the idempotency entries.
  const remembered: Promise<void>[] = [];
  planned.forEach((plan, i) => {
    if (!plan) return;
    if (deleted.has(plan.topic.inc)) return void (outcomes[i] = { status: 'rejected', reason: 'topic-not-found' });
    const fingerprint = plan.request.idempotency?.fingerprint;
    if (plan.idem && plan.placement.some((p) => p.batch.storedFingerprint !== undefined && p.batch.storedFingerprint !== fingerprint)) {
      // The key's earlier request (stored under the same ids, its entry never written) had other content.
      outcomes[i] = { status: 'key-reused' };
      return;
    }
    const positions: RecordPosition[] = plan.placement.map(({ batch, index }) => {
      const r = batch.records[index]!;
      // A duplicate (a retry of a request some partitions had stored) answers with what was stored.
      return { partition: r.partition, offset: batch.base! + index, timestamp: batch.storedTimestamps?.[index] ?? r.timestamp };
    });
    outcomes[i] = { status: 'appended', positions };
    if (plan.idem) {
      const idem = plan.request.idempotency!;
      remembered.push(ctx.idempotency.remember(plan.idem.id, { fingerprint: idem.fingerprint, positions, expiresAt: idem.expiresAt }));
    }
  });
  // Repeats of a key within this flush: replays of its first request.
  requests.forEach((request, i) => {
    if (outcomes[i] || !request.idempotency) return;
    const first = inFlush.get(lookups[i]!.id)!;
    const o = outcomes[first]!;
    outcomes[i] = o.status === 'appended' ? { status: 'replayed', positions: o.positions } : o;
  });
  await Promise.all(remembered);
  return outcomes as AppendOutcome[];
}
