/**
 * zod schemas shared by several resources and by both transports (REST and WebSocket).
 * The same schemas validate requests and generate openapi.yaml, so the document cannot
 * drift from the code.
 */
import { z } from '@hono/zod-openapi';
import { ErrorCode } from '../errors.js';
import { BASE64 } from '../core/record-codec.js';
import { checkTopicName } from '../core/log.js';
import { checkGroupName } from '../core/groups.js';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:logway:problem:topic-not-found' }),
    title: z.string().openapi({ example: 'Topic not found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: "topic 'orders' does not exist" }),
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'For validation errors: each failing field and why.' }),
  })
  .catchall(z.unknown())
  .openapi('Problem', { description: 'RFC 9457 problem details.' });

/** A problem response, for the `responses` of a route. */
export function problem(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } };
}

/** A string that is valid when `check` gives no reason (the reason becomes the field's error). */
export function checkedString(check: (text: string) => string | undefined) {
  return z.string().superRefine((text, ctx) => {
    const reason = check(text);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });
}

export const TopicName = checkedString(checkTopicName).openapi({
  description: "Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.",
  example: 'orders',
});

export const GroupName = checkedString(checkGroupName).openapi({
  description: 'Consumer group name: 1-249 characters of [a-zA-Z0-9._-].',
  example: 'billing',
});

export const TopicParam = z.object({
  topic: TopicName.openapi({ param: { name: 'topic', in: 'path' } }),
});

/** Integers in query strings arrive as text: accept only plain decimal digits. */
export function queryInt(description: string, min = 0) {
  return z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(Number.MAX_SAFE_INTEGER))
    .openapi({ type: 'integer', description });
}

export const PartitionParam = TopicParam.extend({
  partition: queryInt('Partition number.').openapi({ param: { name: 'partition', in: 'path' } }),
});

export const Offset = z.number().int().min(0).openapi({ description: 'Offset in a partition: dense, from 0.' });
export const Timestamp = z.number().int().min(0).openapi({ description: 'Epoch milliseconds.' });

export const Headers = z.record(z.string(), z.string()).openapi('RecordHeaders', {
  description: 'String headers.',
  example: { source: 'checkout' },
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const ProduceRecordSchema = z
  .strictObject({
    key: z.string().nullable().optional().openapi({
      description: "Partitioning key: its UTF-8 bytes are hashed with Kafka's murmur2. With keyEncoding base64, the bytes it encodes.",
      example: 'customer-7',
    }),
    keyEncoding: z.enum(['utf8', 'base64']).optional(),
    value: z.unknown().optional().openapi({
      description: 'Any JSON value (default null). With valueEncoding base64: a base64 string of binary bytes.',
      example: { total: 42 },
    }),
    valueEncoding: z.enum(['json', 'base64']).optional(),
    headers: Headers.optional(),
    partition: z.number().int().min(0).optional().openapi({ description: 'Explicit partition; overrides the key.' }),
    timestamp: Timestamp.optional().openapi({ description: 'Record time (epoch ms); defaults to the append time.' }),
  })
  .superRefine((r, ctx) => {
    if (r.valueEncoding === 'base64' && (typeof r.value !== 'string' || !BASE64.test(r.value))) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be a base64 string when valueEncoding is base64' });
    }
    if (r.keyEncoding === 'base64' && typeof r.key === 'string' && !BASE64.test(r.key)) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'must be a base64 string when keyEncoding is base64' });
    }
    // A lone surrogate (legal in a JSON string) has no UTF-8 form: stored, the key would come back altered.
    if (r.keyEncoding !== 'base64' && typeof r.key === 'string' && LONE_SURROGATE.test(r.key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: 'must be well-formed Unicode (no lone surrogates); send arbitrary bytes with keyEncoding base64',
      });
    }
  })
  .openapi('ProduceRecord');

export const RecordSchema = z
  .object({
    topic: z.string(),
    partition: z.number().int(),
    offset: Offset,
    timestamp: Timestamp,
    key: z.string().nullable(),
    keyEncoding: z.literal('base64').optional(),
    value: z.unknown().openapi({ description: 'The JSON value, or base64 text when valueEncoding is base64.' }),
    valueEncoding: z.literal('base64').optional(),
    headers: Headers,
  })
  .openapi('Record');

export const PartitionOffsetsSchema = z
  .object({
    partition: z.number().int(),
    logStartOffset: Offset.openapi({ description: 'First offset still stored.' }),
    highWatermark: Offset.openapi({ description: 'The next offset to be written.' }),
  })
  .openapi('PartitionOffsets');
