/**
 * Produce: records checked and partitioned (Kafka's rules), bounded by the bytes waiting for a
 * commit, appended all-or-nothing through group commit, then published to live readers.
 */
import { createHash } from 'node:crypto';
import { ErrorCode, GatewayError, invalid, type FieldError } from '../errors.js';
import type { AppendOutcome, AppendRequest, LogStore, RecordPosition, RecordToAppend, StoredRecord, TopicMeta } from '../storage/log-store.js';
import { compacts, isCleanedUp } from './cleanup-policy.js';
import type { Clock } from './clock.js';
import { GroupCommit } from './group-commit.js';
import { recordsInvalid, topicNotFound } from './log-errors.js';
import type { Notifier } from './notifier.js';
import type { CoreObserver } from './observer.js';
import { partitionForKey, type RoundRobin } from './partitioner.js';
import { keyBytes, recordBytes, type ProduceRecord } from './record-codec.js';
import type { RecordValidator } from './record-validation.js';

export interface ProduceSettings {
  maxRecordBytes: number;
  idempotencyWindowMs: number;
  /** Back-pressure: most record bytes queued for the next group commit (default: no limit). */
  maxPendingProduceBytes?: number;
}

export interface ProduceResult {
  /** One per produced record, in request order. */
  positions: RecordPosition[];
  /** True when an earlier request with the same Idempotency-Key answered this one. */
  replayed: boolean;
}

export interface ProducerDeps {
  store: LogStore;
  notifier: Notifier;
  settings: ProduceSettings;
  clock: Clock;
  observer: CoreObserver;
  /** Checks records against their topic's schemas before anything is appended; absent: none are checked. */
  validator: RecordValidator | undefined;
  roundRobin: RoundRobin;
  /** The topic's metadata, creating it when the settings allow (else TOPIC_NOT_FOUND). */
  autoCreate: (topic: string) => Promise<TopicMeta>;
}

/**
 * Records appended since start: what cleanup's pacing (cleanup-pacing.ts) watches. On a cluster store,
 * those other gateways appended too, as this one hears of them (countAppendedElsewhere).
 */
export interface AppendCounts {
  records: number;
  /** To topics cleanup works on (retention set, or compacted): its coming work. */
  toCleanedUpTopics: number;
}

export class Producer {
  readonly #d: ProducerDeps;
  readonly #commits: GroupCommit<AppendRequest, AppendOutcome>;
  /** Record bytes submitted and not yet committed (bounded by maxPendingProduceBytes). */
  #pendingBytes = 0;
  readonly #appends: AppendCounts = { records: 0, toCleanedUpTopics: 0 };

  constructor(deps: ProducerDeps) {
    this.#d = deps;
    this.#commits = new GroupCommit((batch) => this.#appendAndPublish(batch));
  }

  /** Resolves once the produce requests submitted so far are committed (or failed). */
  commitsSettled(): Promise<void> {
    return this.#commits.settled();
  }

  /** True while produce requests wait for a commit (long-poll answers give way to them: waiter-registry.ts). */
  get commitsWaiting(): boolean {
    return this.#commits.pending > 0;
  }

  /** Record bytes submitted and not yet committed (for metrics). */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Records appended since start (replays not counted), in all and to topics cleanup works on: see AppendCounts. */
  get appends(): Readonly<AppendCounts> {
    return this.#appends;
  }

  /**
   * Counts records another gateway of a cluster appended (heard on the store's feed): the cleanup this
   * gateway may run loads the same cluster as theirs. Counted once the topic's policy is looked up.
   */
  async countAppendedElsewhere(topic: string, records: number): Promise<void> {
    const meta = await this.#d.store.getTopic(topic);
    this.#appends.records += records;
    if (meta && isCleanedUp(meta.config)) this.#appends.toCleanedUpTopics += records;
  }

  /** See Log.produce. */
  async produce(topic: string, produced: ProduceRecord[], options: { idempotencyKey?: string }): Promise<ProduceResult> {
    const { store, settings, observer } = this.#d;
    let meta = await store.getTopic(topic);
    if (!meta) meta = await this.#d.autoCreate(topic);
    let records = produced;
    // Before anything else is computed from them: a schema'd topic may store its values encoded.
    if (this.#d.validator) {
      const checked = await this.#d.validator.check(meta, records);
      if (checked.problems.length) throw recordsInvalid(topic, checked.problems);
      records = checked.records;
    }

    const now = this.#d.clock.now();
    const toAppend: RecordToAppend[] = new Array(records.length);
    const errors: FieldError[] = [];
    let tooLarge: FieldError | undefined;
    let requestBytes = 0;
    const keyed = compacts(meta.config);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (keyed && r.key === null) {
        errors.push({
          path: `records/${i}/key`,
          message: `record ${i} has no key; topic '${topic}' is compacted (cleanupPolicy ${meta.config.cleanupPolicy}) and keeps the latest record per key`,
        });
      }
      let partition: number;
      if (r.partition !== undefined) {
        partition = r.partition;
        if (partition >= meta.partitions) {
          errors.push({
            path: `records/${i}/partition`,
            message: `partition ${partition} does not exist; topic '${topic}' has partitions 0-${meta.partitions - 1}`,
          });
        }
      } else if (r.key !== null) {
        partition = partitionForKey(keyBytes(r.key), meta.partitions);
      } else {
        partition = this.#d.roundRobin.next(topic, meta.partitions);
      }
      const record: RecordToAppend = {
        partition,
        timestamp: r.timestamp ?? now,
        key: r.key,
        value: r.value,
        headers: r.headers === null ? null : JSON.stringify(r.headers),
      };
      const bytes = recordBytes(record);
      requestBytes += bytes;
      if (bytes > settings.maxRecordBytes && !tooLarge) {
        tooLarge = {
          path: `records/${i}`,
          message: `record is ${bytes} bytes; the limit is ${settings.maxRecordBytes} (key + value + headers)`,
        };
      }
      toAppend[i] = record;
    }
    if (errors.length) throw invalid(errors[0]!.message, errors);
    if (tooLarge) throw new GatewayError(ErrorCode.RECORD_TOO_LARGE, tooLarge.message, { errors: [tooLarge] });

    const request: AppendRequest = { topic, records: toAppend };
    if (options.idempotencyKey !== undefined) {
      request.idempotency = {
        key: options.idempotencyKey,
        fingerprint: fingerprint(produced),
        expiresAt: now + settings.idempotencyWindowMs,
        now,
      };
    }
    // A lone request always goes (it is already bounded by the body limit); others wait their turn.
    const limit = settings.maxPendingProduceBytes ?? Infinity;
    if (this.#pendingBytes > 0 && this.#pendingBytes + requestBytes > limit) {
      throw new GatewayError(
        ErrorCode.OVERLOADED,
        `too many records are waiting to be written (over ${limit} bytes, setting maxPendingProduceBytes); retry shortly`,
        { retryAfterSeconds: 1 },
      );
    }
    this.#pendingBytes += requestBytes;
    let outcome: AppendOutcome;
    try {
      outcome = await this.#commits.submit(request);
    } finally {
      this.#pendingBytes -= requestBytes;
    }
    switch (outcome.status) {
      case 'appended':
        this.#appends.records += records.length;
        if (isCleanedUp(meta.config)) this.#appends.toCleanedUpTopics += records.length;
        observer.produced(topic, records.length, requestBytes);
        return { positions: outcome.positions, replayed: false };
      case 'replayed':
        return { positions: outcome.positions, replayed: true };
      case 'key-reused':
        throw new GatewayError(
          ErrorCode.IDEMPOTENCY_KEY_REUSED,
          'this Idempotency-Key was already used for a different request to this topic',
          { idempotencyKey: options.idempotencyKey },
        );
      case 'rejected':
        // The topic was deleted or shrank between our check and the commit.
        if (outcome.reason === 'topic-not-found') throw topicNotFound(topic);
        throw invalid('a record names a partition that no longer exists');
    }
  }

  /** One store commit for the whole batch; then one notification per partition touched. */
  async #appendAndPublish(batch: AppendRequest[]): Promise<AppendOutcome[]> {
    const started = performance.now();
    const outcomes = await this.#d.store.append(batch);
    this.#d.observer.committed(batch.length, (performance.now() - started) / 1000);
    const appended = new Map<string, { topic: string; partition: number; records: StoredRecord[] }>();
    for (let i = 0; i < batch.length; i++) {
      const outcome = outcomes[i]!;
      if (outcome.status !== 'appended') continue;
      const request = batch[i]!;
      // Records to one partition usually come in runs (a key, an explicit partition): look the group up once per run.
      let group: { topic: string; partition: number; records: StoredRecord[] } | undefined;
      for (let j = 0; j < request.records.length; j++) {
        const r = request.records[j]!;
        const pos = outcome.positions[j]!;
        if (group?.partition !== pos.partition) {
          const key = `${pos.partition}\u0000${request.topic}`;
          group = appended.get(key);
          if (!group) appended.set(key, (group = { topic: request.topic, partition: pos.partition, records: [] }));
        }
        group.records.push({ offset: pos.offset, timestamp: pos.timestamp, key: r.key, value: r.value, headers: r.headers });
      }
    }
    for (const group of appended.values()) {
      // Requests are appended in order, so each partition's records are already in offset order;
      // but one commit can hold several batches to a partition (JetStream: an Idempotency-Key request
      // among plain ones, a batch past the size limit) with another gateway's records between them.
      // The notifier's batches are dense: each run of consecutive offsets is published on its own.
      const { topic, partition, records } = group;
      let start = 0;
      for (let i = 1; i <= records.length; i++) {
        if (i < records.length && records[i]!.offset === records[i - 1]!.offset + 1) continue;
        const run = start === 0 && i === records.length ? records : records.slice(start, i);
        this.#d.notifier.publish({ topic, partition, records: run, highWatermark: run[run.length - 1]!.offset + 1 });
        start = i;
      }
    }
    return outcomes;
  }
}

/** What makes two produce requests "the same" for Idempotency-Key: the records as the client sent them. */
function fingerprint(records: ProduceRecord[]): string {
  const hash = createHash('sha256');
  for (const r of records) {
    hash.update(
      JSON.stringify([
        r.key === null ? null : typeof r.key === 'string' ? ['s', r.key] : ['b', Buffer.from(r.key).toString('base64')],
        typeof r.value === 'string' ? ['j', r.value] : ['b', Buffer.from(r.value).toString('base64')],
        r.headers,
        r.partition ?? null,
        r.timestamp ?? null,
      ]),
    );
    hash.update('\n');
  }
  return hash.digest('base64url');
}
