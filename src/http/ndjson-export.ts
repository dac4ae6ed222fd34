/**
 * A partition read answered as NDJSON (`Accept: application/x-ndjson`): one record per line,
 * streamed page by page, so `curl ... | jq` works on a range of any length with bounded memory.
 *
 * Unlike the JSON answer, `limit` and `maxBytes` are not capped by fetchMaxLimit and fetchMaxBytes
 * (they bound one page here): without them the stream runs to the high watermark as it was when the
 * answer started (after the long-poll, if it waited), so it ends even while producers write.
 * A page is read only when the client has taken the previous one (the stream is pulled, ndjsonPages,
 * which the topic read's NDJSON answer shares), so a slow reader holds one page in memory, not the range.
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
  const body = ndjsonPages(async () => {
    if (next >= end || recordsLeft <= 0 || bytesLeft <= 0) return undefined;
    const records = await log.read(
      topic,
      partition,
      next,
      Math.min(config.fetchDefaultLimit, recordsLeft, end - next),
      Math.min(config.fetchDefaultMaxBytes, bytesLeft),
      options.format,
    );
    // Retention passed `next` meanwhile, or the topic is gone: the stream ends where the log does.
    if (records.length === 0) return undefined;
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
    return recordsNdjson(topic, partition, page);
  });
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

/**
 * A streamed NDJSON body of pages: `nextPage` is called only once the client has taken the page
 * before (highWaterMark 0), so a slow reader holds one page in memory, not the range.
 * `undefined` ends the body; an empty page is skipped.
 */
export function ndjsonPages(nextPage: () => Promise<string | undefined>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // A pull must enqueue or close: a pull that does neither is not called again.
        for (;;) {
          const page = await nextPage();
          if (page === undefined) return controller.close();
          if (page.length > 0) return controller.enqueue(encoder.encode(page));
        }
      },
    },
    { highWaterMark: 0 },
  );
}
