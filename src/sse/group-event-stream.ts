/**
 * A Server-Sent Events stream read as a consumer group member (`?group=`): the stream is one
 * member (api/group-member.ts heartbeats for it and follows the coordinator's assignments), it
 * streams the partitions granted to it from the group's position, and it leaves the group the
 * moment the stream ends, so its partitions move at once.
 *
 * Events: `joined` (data `{group, memberId}`) first; `assigned` and `revoked` (the WebSocket
 * group mode's messages as data) as the group changes; one `message` per record; `problem`
 * then the end when membership cannot go on (fenced, topic deleted). Events carry no `id:`:
 * a member resumes from its group's commits, so a reconnecting EventSource joins again
 * (and sends no Last-Event-ID).
 *
 * Commits are automatic: when the stream reads the log again (the connection took what was sent
 * before, as pulls only come while fewer than sseHighWaterBytes wait), it commits the positions
 * of the records it sent. Delivery is at-least-once towards the connection: records sent but not
 * yet committed when the stream ends, or whose partition moves, are sent again to their next owner.
 */
import type { Config } from '../config.js';
import { onAnyAbort } from '../core/abort.js';
import { recordsJsonItems } from '../core/record-codec.js';
import { TopicCursor, type TopicReader, type TopicReadResult } from '../core/topic-reader.js';
import type { Log } from '../core/log.js';
import { toProblem } from '../api/problem-details.js';
import { GroupMember, type MemberStreams } from '../api/group-member.js';
import type { GroupPort } from '../api/group-port.js';
import { ErrorCode, GatewayError, isGatewayError } from '../errors.js';
import type { TopicMeta } from '../storage/log-store.js';
import type { EventStreamSettings } from './event-stream.js';

export interface GroupEventStreamOptions {
  reader: TopicReader;
  log: Log;
  groups: GroupPort;
  topic: TopicMeta;
  group: string;
  /** Where partitions the group never committed start. */
  autoOffsetReset: 'earliest' | 'latest';
  settings: EventStreamSettings & Pick<Config, 'fetchMaxLimit'>;
  /** Any of them ends the stream (the client went away, the gateway shuts down). */
  signals: AbortSignal[];
  onUnexpectedError: (err: unknown) => void;
}

/** Joins the group (errors here are the HTTP answer), then streams as that member. */
export async function groupEventStream(options: GroupEventStreamOptions): Promise<ReadableStream<Uint8Array>> {
  const { reader, settings, groups, group } = options;
  const topic = options.topic.name;
  const cursor = new TopicCursor(options.topic, { allPartitions: false, offsets: new Map() });
  /** Bumped when a partition starts or stops, so a read in flight does not deliver a stale range. */
  const generation = new Map<number, number>();
  const bump = (partition: number) => generation.set(partition, (generation.get(partition) ?? 0) + 1);
  /** Partitions granted and where each started (a read in flight may move the cursor of one that restarted). */
  const owned = new Map<number, number>();
  /** Positions sent and not yet committed. */
  const uncommitted = new Map<number, number>();
  const cancelled = new AbortController();
  const signals = [...options.signals, cancelled.signal];
  const ended = () => signals.some((s) => s.aborted);
  let pending = '';
  let failure: unknown;
  let wake = new AbortController();
  const notify = (text: string) => {
    pending += text;
    wake.abort();
  };

  const streams: MemberStreams = {
    streaming: () => [...owned.keys()],
    start: (partition, offset) => {
      bump(partition);
      owned.set(partition, offset);
      cursor.advance(partition, offset);
    },
    stop: (partition) => {
      bump(partition);
      owned.delete(partition);
      cursor.forget(partition);
      uncommitted.delete(partition);
    },
    resume: () => wake.abort(),
    assigned: (event) => notify(`event: assigned\ndata: ${JSON.stringify(event)}\n\n`),
    revoked: (event) => notify(`event: revoked\ndata: ${JSON.stringify(event)}\n\n`),
    fail: (err) => {
      failure ??= err;
      wake.abort();
    },
    active: () => !ended() && failure === undefined,
  };
  const joined = await GroupMember.join({ groups, log: options.log, streams }, group, topic, options.autoOffsetReset);
  const member = joined.member;
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    stopListening();
    member.leave().catch((err: unknown) => {
      if (!isGatewayError(err)) options.onUnexpectedError(err);
    });
  };
  // Removed when the stream ends however it ends: the shutdown signal outlives every stream.
  const stopListening = onAnyAbort(signals, leave);
  if (ended()) leave();

  const commitSent = async () => {
    if (uncommitted.size === 0) return;
    const offsets = [...uncommitted].map(([partition, offset]) => ({ topic, partition, offset }));
    try {
      await member.commit(offsets);
      for (const o of offsets) if (uncommitted.get(o.partition) === o.offset) uncommitted.delete(o.partition);
    } catch (err) {
      // A rebalance raced the commit (stale epoch, partition moved): the next read commits again; the rest is a bug.
      if (!isGatewayError(err)) throw err;
    }
  };

  const end = (controller: ReadableStreamDefaultController<Uint8Array>, err: unknown) => {
    if (!isGatewayError(err)) options.onUnexpectedError(err);
    const e = isGatewayError(err) ? err : new GatewayError(ErrorCode.INTERNAL, 'the gateway failed while streaming; it has been logged');
    controller.enqueue(Buffer.from(`${pending}event: problem\ndata: ${JSON.stringify(toProblem(e))}\n\n`));
    pending = '';
    leave();
    controller.close();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(Buffer.from(`retry: ${settings.sseRetryMs}\nevent: joined\ndata: ${JSON.stringify({ group, memberId: member.memberId })}\n\n`));
        void member.start(joined.assignment, joined.heartbeatIntervalMs);
      },
      async pull(controller) {
        if (ended()) {
          leave();
          return controller.close();
        }
        if (failure !== undefined) return end(controller, failure);
        if (pending) {
          controller.enqueue(Buffer.from(pending));
          pending = '';
          return;
        }
        let result: TopicReadResult;
        const before = new Map(generation);
        wake = new AbortController();
        try {
          await commitSent();
          result = await reader.read(cursor, {
            maxRecords: settings.fetchMaxLimit,
            maxBytes: Math.min(settings.fetchDefaultMaxBytes, settings.sseHighWaterBytes),
            waitMs: settings.sseHeartbeatMs,
            signals: [...signals, wake.signal],
          });
        } catch (err) {
          return end(controller, err);
        }
        if (ended()) {
          leave();
          return controller.close();
        }
        let text = pending;
        pending = '';
        for (const batch of result.batches) {
          const partition = batch.partition;
          if (generation.get(partition) !== before.get(partition)) {
            // Revoked (or revoked and granted again) during the read: its start comes from the group, not this read.
            continue;
          }
          for (const record of batch.records) text += `data: ${recordsJsonItems(topic, partition, [record])}\n\n`;
          const next = batch.records[batch.records.length - 1]!.offset + 1;
          uncommitted.set(partition, next);
          member.advance(partition, next);
        }
        // The read may have moved partitions that stopped (or restarted) meanwhile: put them back as the group says.
        for (const partition of cursor.partitions) {
          if (generation.get(partition) === before.get(partition)) continue;
          const start = owned.get(partition);
          if (start === undefined) cursor.forget(partition);
          else cursor.advance(partition, start);
        }
        controller.enqueue(Buffer.from(text || ': heartbeat\n\n'));
      },
      cancel() {
        cancelled.abort();
        leave();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: settings.sseHighWaterBytes }),
  );
}
