/**
 * NDJSON (newline-delimited JSON, https://github.com/ndjson/ndjson-spec): the media type, and
 * the schemas that document it. Produce takes it as a streamed body; reads answer with it.
 */
import { z } from '@hono/zod-openapi';
import { Offset, PartitionNumber, safeInt, TopicName } from '../api/schemas.js';

export const NDJSON_TYPE = 'application/x-ndjson';

/** application/x-ndjson, also under its other names (application/jsonl, the draft's application/ndjson). */
const NDJSON = /^application\/(?:x-ndjson|ndjson|jsonl|x-jsonlines)\s*(?:;|$)/i;

export function isNdjson(contentType: string | undefined): boolean {
  return contentType !== undefined && NDJSON.test(contentType);
}

/** True when the request's Accept names NDJSON (plainly, not as one of several with q-values weighed). */
export function acceptsNdjson(accept: string | undefined): boolean {
  return accept !== undefined && accept.split(',').some((type) => isNdjson(type.trim()));
}

export const NdjsonLineSchema = z.string().openapi('NdjsonProduceRecords', {
  description:
    'Newline-delimited JSON: one ProduceRecord (the shape of the JSON body\'s records) per line; blank lines are skipped. ' +
    'The body is streamed and committed in chunks as lines arrive (ndjsonChunkRecords, ndjsonChunkBytes): each chunk is atomic, the body as a whole is not. ' +
    'Each line may be up to maxBodyBytes; the body has no size limit. Idempotency-Key is refused (400): after a failure, resend from the line after `linesCommitted`.',
  example: '{"key":"customer-7","value":{"total":42}}\n{"value":"plain text works too"}\n',
});

export const NdjsonProduceResponseSchema = z
  .object({
    topic: TopicName,
    lines: safeInt().openapi({ description: 'Lines read, blank ones included; every one is committed.' }),
    appended: safeInt().openapi({ description: 'Records appended (one per non-blank line).' }),
    partitions: z
      .array(
        z.object({
          partition: PartitionNumber,
          count: safeInt(1).openapi({ description: 'Records appended to this partition.' }),
          firstOffset: Offset,
          lastOffset: Offset.openapi({
            description: 'Offsets from firstOffset to lastOffset; contiguous unless another producer wrote to the partition meanwhile.',
          }),
        }),
      )
      .openapi({ description: 'Where the records landed, by partition number.' }),
  })
  .openapi('NdjsonProduceResponse', {
    description: 'The answer to an NDJSON produce.',
    example: { topic: 'orders', lines: 2, appended: 2, partitions: [{ partition: 0, count: 2, firstOffset: 40, lastOffset: 41 }] },
  });

export const NdjsonRecordsSchema = z.string().openapi('NdjsonRecords', {
  description: 'Newline-delimited JSON: one Record (as in FetchResponse.records) per line, each line ending in a newline.',
  example: '{"topic":"orders","partition":0,"offset":0,"timestamp":1767225600000,"key":null,"value":"plain text works too","headers":{}}\n',
});
