/**
 * A partition read answered as NDJSON (`Accept: application/x-ndjson`): one record per line,
 * streamed page by page, so `curl ... | jq` works on a range of any length with bounded memory.
 *
 * Unlike the JSON answer, `limit` and `maxBytes` are not capped by fetchMaxLimit and fetchMaxBytes
 * (they bound one page here): without them the stream runs to the high watermark as it was when the
 * answer started (after the long-poll, if it waited), so it ends even while producers write.
 * A page is read only when the client has taken the previous one (the stream is pulled), so a slow
 * reader holds one page in memory, not the range.
 */
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import { recordBytes, recordsNdjson } from '../core/record-codec.js';
import type { ReadOptions } from './read-options.js';
import { NDJSON_TYPE } from './ndjson.js';

export interface NdjsonExportQuery {
  offset: number;
  /** Most records in all; undefined: to the high watermark. */
  limit: number | undefined;
  /** Soft byte budget in all (keys, values, headers); the first record always goes. */
  maxBytes: number | undefined;
}

export async function ndjsonExport(
  log: Log,
  config: Pick<Config, 'fetchDefaultLimit' | 'fetchDefaultMaxBytes'>,
  topic: string,
  partition: number,
  query: NdjsonExportQuery,
  options: ReadOptions,
): Promise<Response> {
  // The JSON fetch's checks and long-poll, for the first record only: the range check (416),
  // and with waitMs a wait for a record at `offset`. Its one record is read again below.
  const first = await log.fetch(topic, partition, query.offset, { ...options, maxRecords: 1, maxBytes: 1 });
  const end = first.highWatermark;
  let next = query.offset;
  let recordsLeft = query.limit ?? Infinity;
  let bytesLeft = query.maxBytes ?? Infinity;
  const encoder = new TextEncoder();

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next >= end || recordsLeft <= 0 || bytesLeft <= 0) return controller.close();
        const records = await log.read(
          topic,
          partition,
          next,
          Math.min(config.fetchDefaultLimit, recordsLeft, end - next),
          Math.min(config.fetchDefaultMaxBytes, bytesLeft),
          options.format,
        );
        // Retention passed `next` meanwhile, or the topic is gone: the stream ends where the log does.
        if (records.length === 0) return controller.close();
        let kept = records.length;
        for (let i = 0; i < records.length; i++) {
          bytesLeft -= recordBytes(records[i]!);
          if (bytesLeft <= 0) {
            kept = i + 1;
            break;
          }
        }
        const page = kept === records.length ? records : records.slice(0, kept);
        recordsLeft -= page.length;
        next = page[page.length - 1]!.offset + 1;
        controller.enqueue(encoder.encode(recordsNdjson(topic, partition, page)));
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': NDJSON_TYPE,
      // The bounds when the answer started; the next offset to ask for is the last line's offset + 1.
      'logway-high-watermark': String(first.highWatermark),
      'logway-log-start-offset': String(first.logStartOffset),
    },
  });
}
