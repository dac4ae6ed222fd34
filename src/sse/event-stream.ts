/**
 * One Server-Sent Events stream of a topic (text/event-stream, WHATWG HTML 9.2): one event per
 * record, its `data` the record as REST delivers it and its `id` the cursor after it, so a
 * browser's EventSource that reconnects sends that cursor back as Last-Event-ID and continues
 * with no gap and no duplicate.
 *
 * Events:
 * - (first) `retry:` and an `id:` with no data: the start position, so a stream that drops before
 *   its first record still resumes from where it began (an event without data is not dispatched,
 *   but its id becomes the EventSource's last event id).
 * - `message` (the default type, so `onmessage` receives them): a record.
 * - `reset`: the position was older than retention in some partitions; data
 *   `{"partitions":[{partition, offset, logStartOffset}]}`, reading resumed at the log start.
 * - `problem`: the stream cannot go on (the topic was deleted); data: problem details. The
 *   stream then ends (a reconnecting EventSource gets the error status and stops).
 * - `: heartbeat` comments while idle (every sseHeartbeatMs), so proxies keep the stream open.
 *
 * Flow control: the stream is pulled. The log is read only when fewer than sseHighWaterBytes of
 * events wait to be sent (a ReadableStream with a byte-length strategy, which @hono/node-server
 * reads only as fast as the socket drains), and each read is bounded by the same figure, so a
 * slow reader costs at most about twice sseHighWaterBytes, however far behind it is.
 */
import type { Config } from '../config.js';
import { cursorEncoder } from '../core/cursor.js';
import { recordsJsonItems } from '../core/record-codec.js';
import type { RecordFormat } from '../core/record-validation.js';
import type { PositionReset, TopicCursor, TopicReader, TopicReadResult } from '../core/topic-reader.js';
import { toProblem } from '../api/problem-details.js';
import { ErrorCode, GatewayError, isGatewayError } from '../errors.js';

export type EventStreamSettings = Pick<Config, 'sseHeartbeatMs' | 'sseHighWaterBytes' | 'sseRetryMs' | 'fetchMaxLimit' | 'fetchDefaultMaxBytes'>;

export interface EventStreamOptions {
  reader: TopicReader;
  cursor: TopicCursor;
  /** Resets found when the stream's position was resolved. */
  resets: PositionReset[];
  settings: EventStreamSettings;
  /** Any of them ends the stream (the client went away, the gateway shuts down). */
  signals: AbortSignal[];
  /** Values of a topic bound to a schema: decoded to JSON (default) or in Confluent's wire format. */
  format?: RecordFormat | undefined;
  onUnexpectedError: (err: unknown) => void;
}

export function eventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  const { reader, cursor, settings } = options;
  const topic = cursor.topic.name;
  const encode = cursorEncoder(cursor.topic);
  const cancelled = new AbortController();
  const signals = [...options.signals, cancelled.signal];
  const ended = () => signals.some((s) => s.aborted);

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let text = `retry: ${settings.sseRetryMs}\n`;
        text += options.resets.length > 0 ? resetEvent(cursor.encode(), options.resets) : `id: ${cursor.encode()}\n\n`;
        controller.enqueue(Buffer.from(text));
      },
      async pull(controller) {
        if (ended()) return controller.close();
        let result: TopicReadResult;
        try {
          result = await reader.read(cursor, {
            maxRecords: settings.fetchMaxLimit,
            maxBytes: Math.min(settings.fetchDefaultMaxBytes, settings.sseHighWaterBytes),
            waitMs: settings.sseHeartbeatMs,
            signals,
            format: options.format,
          });
        } catch (err) {
          if (!isGatewayError(err)) options.onUnexpectedError(err);
          const e = isGatewayError(err) ? err : new GatewayError(ErrorCode.INTERNAL, 'the gateway failed while streaming; it has been logged');
          controller.enqueue(Buffer.from(`event: problem\ndata: ${JSON.stringify(toProblem(e))}\n\n`));
          return controller.close();
        }
        if (ended()) return controller.close();
        const text = eventsOf(topic, result, encode);
        controller.enqueue(Buffer.from(text || ': heartbeat\n\n'));
      },
      cancel() {
        cancelled.abort();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: settings.sseHighWaterBytes }),
  );
}

/**
 * The events of one read: a reset event if retention moved the position, then one event per
 * record whose id is the position right after it. Records of a partition are contiguous from
 * where the read began, so the position before the read is each batch's first offset.
 */
function eventsOf(topic: string, result: TopicReadResult, encode: ReturnType<typeof cursorEncoder>): string {
  const offsets = new Map(result.position.offsets);
  for (const batch of result.batches) offsets.set(batch.partition, batch.records[0]!.offset);
  const position = { allPartitions: result.position.allPartitions, offsets };
  let text = result.resets.length > 0 ? resetEvent(encode(position), result.resets) : '';
  for (const batch of result.batches) {
    for (const record of batch.records) {
      offsets.set(batch.partition, record.offset + 1);
      text += `id: ${encode(position)}\ndata: ${recordsJsonItems(topic, batch.partition, [record])}\n\n`;
    }
  }
  return text;
}

function resetEvent(id: string, resets: PositionReset[]): string {
  return `event: reset\nid: ${id}\ndata: ${JSON.stringify({ partitions: resets })}\n\n`;
}
