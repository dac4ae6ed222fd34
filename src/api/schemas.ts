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
import { DOT_NAMES, NAME_CHARACTERS, NAME_MAX_LENGTH } from '../core/names.js';

/** Offsets, timestamps and counts are JavaScript numbers: exact up to 2^53-1 (Number.MAX_SAFE_INTEGER). */
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** An integer from `min` to 2^53-1, bounds stated in the document. */
export function safeInt(min = 0) {
  return z.number().int().min(min).max(MAX_SAFE);
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:logway:problem:topic-not-found' }),
    title: z.string().openapi({ example: 'Topic not found' }),
    status: z.number().int().min(400).max(599).openapi({ example: 404 }),
    detail: z.string().openapi({ example: "topic 'orders' does not exist" }),
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'For validation errors: each failing field and why.' }),
  })
  .catchall(z.unknown())
  .openapi('Problem', { description: 'RFC 9457 problem details.' });

/**
 * JSON Schema 2020-12 keywords that tie fields together (if/then, dependentRequired), for
 * `.openapi()` metadata: the generator copies them as they are, but its metadata type
 * predates them, hence the loose type.
 */
export function jsonSchemaKeywords(keywords: Record<string, unknown>): object {
  return keywords;
}

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

/** Kafka's name rule (core/names.ts), stated in the document as JSON Schema can say it. */
const NAME_RULE = {
  minLength: 1,
  maxLength: NAME_MAX_LENGTH,
  pattern: NAME_CHARACTERS,
  not: { enum: [...DOT_NAMES] },
};

export const TopicName = checkedString(checkTopicName).openapi({
  ...NAME_RULE,
  description: "Kafka's rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..'.",
  example: 'orders',
});

export const GroupName = checkedString(checkGroupName).openapi({
  ...NAME_RULE,
  description: "Consumer group name, by Kafka's topic-name rule: 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (which URLs normalise away).",
  example: 'billing',
});

export const TopicParam = z.object({
  topic: TopicName.openapi({ param: { name: 'topic', in: 'path' } }),
});

/** How a read shows the values of a topic bound to a schema (core/record-validation.ts RecordFormat). */
export const RecordFormatQuery = z.enum(['json', 'binary']).openapi({
  description:
    'Values of a topic bound to a schema (valueSchemaValidation): `json` (default) decodes Avro, Protobuf and wire-format values to JSON; ' +
    "`binary` serves them in Confluent's wire format (magic byte 0, schema id, payload), base64 with valueEncoding base64, for Kafka deserializers. " +
    'No effect on other topics.',
});

/** Integers in query strings arrive as text: accept only plain decimal digits. */
export function queryInt(description: string, min = 0) {
  return z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(MAX_SAFE))
    .openapi({ type: 'integer', minimum: min, maximum: MAX_SAFE, description });
}

export const PartitionParam = TopicParam.extend({
  partition: queryInt('Partition number.').openapi({ param: { name: 'partition', in: 'path' } }),
});

export const Offset = safeInt().openapi({ description: 'Offset in a partition: dense, from 0.' });
export const Timestamp = safeInt().openapi({ description: 'Epoch milliseconds.' });
export const PartitionNumber = safeInt().openapi({ description: 'Partition number, from 0.' });

/**
 * Headers are data, not object keys: zod's record rebuilds the object and drops a key named
 * `__proto__` (to keep it from replacing the prototype), so the object as JSON.parse made it
 * (every key an own property) is checked in place and passed on unchanged, `__proto__` included.
 */
export const Headers = z
  .custom<Record<string, string>>()
  .superRefine((headers, ctx) => {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
      ctx.addIssue({ code: 'custom', message: 'must be an object of string values' });
      return;
    }
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') ctx.addIssue({ code: 'custom', path: [name], message: 'must be a string' });
    }
  })
  .openapi('RecordHeaders', {
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'String headers; any name, `__proto__` included.',
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
    partition: PartitionNumber.optional().openapi({ description: 'Explicit partition; overrides the key.' }),
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
  .openapi('ProduceRecord', {
    description:
      'A key that is not base64-encoded must be well-formed Unicode (no lone surrogates: they have no UTF-8 form); send arbitrary key bytes with keyEncoding base64.',
    // The superRefine above, as JSON Schema says it.
    ...jsonSchemaKeywords({
      allOf: [
      {
        if: { properties: { valueEncoding: { const: 'base64' } }, required: ['valueEncoding'] },
        then: { required: ['value'], properties: { value: { type: 'string', pattern: BASE64.source } } },
      },
      {
        if: { properties: { keyEncoding: { const: 'base64' } }, required: ['keyEncoding'] },
        then: { properties: { key: { type: ['string', 'null'], pattern: BASE64.source } } },
      },
    ],
    }),
  });

export const RecordSchema = z
  .object({
    topic: TopicName,
    partition: PartitionNumber,
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
    partition: PartitionNumber,
    logStartOffset: Offset.openapi({ description: 'First offset still stored.' }),
    highWatermark: Offset.openapi({ description: 'The next offset to be written.' }),
  })
  .openapi('PartitionOffsets');
