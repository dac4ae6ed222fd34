/** Produce and fetch records; offsets by time. */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Log, ProduceResult } from '../core/log.js';
import { decodeProduceRecord } from '../core/record-codec.js';
import type { Config } from '../config.js';
import { GatewayError, invalid } from '../errors.js';
import { problemResponse } from '../api/problem-details.js';
import { problemHeaders } from './problem-headers.js';
import { withFieldPrefix } from '../api/field-paths.js';
import { MinBytesQuery, readOptions } from './read-options.js';
import { apiRoute, checkBodyPresent, jsonBody, jsonText, newRouter, routeDocument } from './router.js';
import { problemWith, RETRY_AFTER } from '../api/responses.js';
import { validationHook } from './problem.js';
import type { Security } from '../auth/security.js';
import { ingestNdjson } from './ndjson-ingest.js';
import { acceptsNdjson, isNdjson, NDJSON_TYPE, NdjsonLineSchema, NdjsonProduceResponseSchema, NdjsonRecordsSchema } from './ndjson.js';
import { ndjsonExport } from './ndjson-export.js';
import { fetchAnswerBody } from './fetch-answer.js';
import {
  Offset,
  PartitionNumber,
  PartitionParam,
  problem,
  ProduceRecordSchema,
  queryInt,
  RecordFormatQuery,
  RecordSchema,
  Timestamp,
  TopicName,
  TopicParam,
} from '../api/schemas.js';

const ProduceRequestSchema = z
  .strictObject({ records: z.array(ProduceRecordSchema).min(1) })
  .openapi('ProduceRequest', {
    example: { records: [{ key: 'customer-7', value: { total: 42 } }, { value: 'plain text works too' }] },
  });

const ProduceResponseSchema = z
  .object({
    topic: TopicName,
    records: z.array(z.object({ partition: PartitionNumber, offset: Offset, timestamp: Timestamp })).openapi({
      description: 'Where each record landed, in request order.',
    }),
  })
  .openapi('ProduceResponse');

const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      description:
        'Retrying a request with the same key (same topic, same records) within the idempotency window returns the first response and appends nothing.',
    }),
});

const FetchResponseSchema = z
  .object({
    records: z.array(RecordSchema),
    nextOffset: Offset.openapi({ description: 'Offset to ask for next.' }),
    highWatermark: Offset,
    logStartOffset: Offset,
  })
  .openapi('FetchResponse');

export const produce = apiRoute({
  method: 'post',
  path: '/v1/topics/{topic}/records',
  tags: ['records'],
  operationId: 'produceRecords',
  summary: 'Append records atomically; answered once they are on disk',
  request: {
    params: TopicParam,
    headers: IdempotencyHeader,
    body: jsonBody(ProduceRequestSchema),
  },
  responses: {
    200: {
      description:
        'All records appended (or, for a retried Idempotency-Key, the original answer; header Idempotent-Replayed: true). ' +
        'An NDJSON body is answered with NdjsonProduceResponse: lines read, records appended, and where they landed per partition.',
      headers: {
        'Idempotent-Replayed': {
          description: 'Present (`true`) when this is the stored answer to an earlier request with the same Idempotency-Key.',
          schema: { const: 'true' },
        },
      },
      content: { 'application/json': { schema: z.union([ProduceResponseSchema, NdjsonProduceResponseSchema]) } },
    },
    400: problem(
      'Invalid records. For an NDJSON body: the first bad line (`line`), with `linesCommitted` (every line before it), `recordsCommitted` and `partitions` (what was committed)',
    ),
    404: problem('No such topic (and auto-creation is off)'),
    413: problem('Body, NDJSON line or record over the configured limits'),
    422: problem('Idempotency-Key reused with a different request, or a record that does not match the topic’s schema (each bad record’s index, path and reason)'),
    503: problemWith(
      'Too many records waiting to be written (maxPendingProduceBytes; retry after Retry-After seconds), shutting down, or the database cannot be written',
      RETRY_AFTER,
    ),
  },
});

const FetchQuery = z.object({
  offset: queryInt('First offset to read; defaults to the log start offset.').optional(),
  limit: queryInt('Most records to return.', 1).optional(),
  maxBytes: queryInt('Soft byte budget (keys, values, headers); the first record is always returned.', 1).optional(),
  waitMs: queryInt('At the high watermark, wait up to this long for a record.').optional(),
  minBytes: MinBytesQuery.optional(),
  format: RecordFormatQuery.optional(),
});

export const fetchRecords = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}/partitions/{partition}/records',
  tags: ['records'],
  operationId: 'fetchRecords',
  summary: 'Read records in offset order; long-polls with waitMs',
  request: {
    params: PartitionParam,
    query: FetchQuery,
  },
  responses: {
    200: {
      description:
        'Records from offset on. With `Accept: application/x-ndjson`: one Record per line, streamed to the high watermark as it was when the answer ' +
        'started (or to `limit` records / `maxBytes` bytes in all, which are then not capped by fetchMaxLimit / fetchMaxBytes); ' +
        'headers Logway-High-Watermark and Logway-Log-Start-Offset; the next offset is the last line\'s offset + 1.',
      headers: {
        'Logway-High-Watermark': { description: 'NDJSON answers: the high watermark when the answer started.', schema: { type: 'integer' } },
        'Logway-Log-Start-Offset': { description: 'NDJSON answers: the log start offset when the answer started.', schema: { type: 'integer' } },
      },
      content: {
        'application/json': { schema: FetchResponseSchema },
        [NDJSON_TYPE]: { schema: NdjsonRecordsSchema },
      },
    },
    400: problem('Invalid query'),
    404: problem('No such topic or partition'),
    416: problem('Offset outside [logStartOffset, highWatermark]; the problem names the valid range'),
  },
});

const offsetsByTime = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}/partitions/{partition}/offsets',
  tags: ['records'],
  operationId: 'getPartitionOffsets',
  summary: "Kafka's ListOffsets: earliest, latest, and the first offset at or after a timestamp",
  request: {
    params: PartitionParam,
    query: z.object({ timestamp: queryInt('Epoch ms.').optional() }),
  },
  responses: {
    200: {
      description: 'Offsets',
      content: {
        'application/json': {
          schema: z
            .object({
              partition: PartitionNumber,
              earliest: Offset.openapi({ description: 'The log start offset.' }),
              latest: Offset.openapi({ description: 'The high watermark.' }),
              timestamp: Timestamp.optional(),
              offset: Offset.optional().openapi({
                description: 'First offset whose timestamp is >= the given one; the high watermark if none is.',
              }),
            })
            .openapi('OffsetsByTime'),
        },
      },
    },
    400: problem('Invalid query'),
    404: problem('No such topic or partition'),
  },
});

export function recordRoutes(log: Log, config: Config, shutdown: AbortSignal, security?: Security) {
  const router = newRouter();
  // Documented from the same route as the others, but served by one synchronous validation
  // (produceInput) instead of .openapi()'s four async validator middlewares: see produceInput.
  // The document also lists the NDJSON body, which produceNdjson reads (the route's validators know only JSON).
  const document = routeDocument(produce);
  router.openAPIRegistry.registerPath({
    ...document,
    request: {
      ...document.request,
      body: { ...document.request!.body!, content: { ...document.request!.body!.content, [NDJSON_TYPE]: { schema: NdjsonLineSchema } } },
    },
  });
  router.post('/v1/topics/:topic/records', async (c) => {
    if (isNdjson(c.req.header('content-type'))) return produceNdjson(c, log, config, shutdown, security);
    const input = await produceInput(c);
    if (input instanceof Response) return input;
    const { topic, records, idempotencyKey } = input;
    if (records.length > config.maxRecordsPerRequest) {
      throw invalid(`body/records: at most ${config.maxRecordsPerRequest} records per request`, [
        { path: 'body/records', message: `at most ${config.maxRecordsPerRequest} records per request` },
      ]);
    }
    const result = await withFieldPrefix('body', () => log.produce(topic, records.map(decodeProduceRecord), { idempotencyKey }));
    const headers: Record<string, string> = result.replayed ? { 'idempotent-replayed': 'true' } : {};
    return jsonText<Response>(produceResponseJson(topic, result.positions), 200, headers);
  });
  // Served like produce, by one synchronous validation (fetchInput): every tailer's re-poll and
  // every parked long-poll pays for it.
  router.openAPIRegistry.registerPath(routeDocument(fetchRecords));
  router.get('/v1/topics/:topic/partitions/:partition/records', async (c) => {
    const input = fetchInput(c);
    if (input instanceof Response) return input;
    const { topic, partition, query: q } = input;
    const options = readOptions(q, config, c, shutdown);
    const offset = q.offset ?? (await log.partitionOffsets(topic, partition)).logStartOffset;
    if (acceptsNdjson(c.req.header('accept'))) {
      return ndjsonExport(log, config, topic, partition, { offset, limit: q.limit, maxBytes: q.maxBytes }, options);
    }
    const result = await log.fetch(topic, partition, offset, options);
    return jsonText<Response>(fetchAnswerBody(result), 200);
  });
  return router.openapi(offsetsByTime, async (c) => {
    const { topic, partition } = c.req.valid('param');
    const { timestamp } = c.req.valid('query');
    const bounds = await log.partitionOffsets(topic, partition);
    const body = { partition, earliest: bounds.logStartOffset, latest: bounds.highWatermark };
    if (timestamp === undefined) return c.json(body, 200);
    return c.json({ ...body, timestamp, offset: await log.offsetForTimestamp(topic, partition, timestamp) }, 200);
  });
}

/** A streamed NDJSON body, committed chunk by chunk (src/http/ndjson-ingest.ts). */
async function produceNdjson(c: Context, log: Log, config: Config, shutdown: AbortSignal, security: Security | undefined) {
  checkBodyPresent(c);
  const params = TopicParam.safeParse({ topic: c.req.param('topic') });
  if (!params.success) return validationHook({ ...params, target: 'param' }, c)!;
  const topic = params.data.topic;
  if (c.req.header('idempotency-key') !== undefined) {
    const message = 'is not accepted with an NDJSON body (its chunks commit as they arrive): resume after the answer\'s linesCommitted instead';
    throw invalid(`header/idempotency-key: ${message}`, [{ path: 'header/idempotency-key', message }]);
  }
  // A wrong topic is told before a large body is read.
  if (!config.autoCreateTopics) await log.partitionCount(topic);
  const principal = c.get('principal');
  let summary;
  try {
    summary = await ingestNdjson(
    log,
    topic,
    c.req.raw.body!,
    {
      chunkRecords: config.ndjsonChunkRecords,
      chunkBytes: config.ndjsonChunkBytes,
      maxLineBytes: config.maxBodyBytes,
      maxRecordsPerRequest: config.maxRecordsPerRequest,
    },
      { signal: shutdown, ...(security && principal ? { charge: (bytes: number) => void security.chargeProduceBytes(principal, bytes) } : {}) },
    );
  } catch (err) {
    // The client may still be sending: the rest of its body is not read, so the connection cannot be reused.
    if (err instanceof GatewayError) return problemResponse(err, { ...problemHeaders(err), connection: 'close' });
    throw err;
  }
  return c.json({ topic, ...summary }, 200);
}

type ProduceInput = { topic: string; records: z.output<typeof ProduceRequestSchema>['records']; idempotencyKey: string | undefined };

/** What @hono/zod-openapi's mediaTypeGate accepts for an `application/json` body. */
const JSON_REQUEST_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/**
 * The produce route's request, validated as `.openapi(produce)` would validate it (same
 * schemas, same order: path, header, media type, body; the same problems through the same
 * hook and error handler), but in one function with synchronous safeParse. The generic
 * validators cost ~17% of single-record produce: four async middlewares, each parse awaited,
 * and every request header copied into an object to read one. test/http/produce-validation
 * checks this against the generic validators on a table of bad requests.
 */
export async function produceInput(c: Context): Promise<ProduceInput | Response> {
  checkBodyPresent(c); // first, as apiRoute's middleware runs before the validators
  const params = TopicParam.safeParse({ topic: c.req.param('topic') });
  if (!params.success) return validationHook({ ...params, target: 'param' }, c)!;
  // The header schema is a plain object: only this header can fail it.
  const header = IdempotencyHeader.safeParse({ 'idempotency-key': c.req.header('idempotency-key') });
  if (!header.success) return validationHook({ ...header, target: 'header' }, c)!;
  // No content type: the app's middleware has already refused a body without one (and a missing
  // body was refused above); like the validators, parse `{}` then.
  let body: unknown = {};
  const type = c.req.header('content-type');
  if (type) {
    if (!JSON_REQUEST_TYPE.test(type)) throw new HTTPException(415, { message: 'Unsupported Media Type' });
    try {
      body = await c.req.json();
    } catch {
      throw new HTTPException(400, { message: 'Malformed JSON in request body' });
    }
  }
  const parsed = ProduceRequestSchema.safeParse(body);
  if (!parsed.success) return validationHook({ ...parsed, target: 'json' }, c)!;
  return { topic: params.data.topic, records: parsed.data.records, idempotencyKey: header.data['idempotency-key'] };
}

type FetchInput = { topic: string; partition: number; query: z.output<typeof FetchQuery> };

/**
 * The fetch route's request, validated as `.openapi(fetchRecords)` would validate it (the same
 * schemas in the same order, query then path, with the same problems), in one synchronous
 * function: the generic validators are two async middlewares per request, and a long-poll
 * tailer sends one request per answer. test/http/fetch-validation checks it against them.
 */
export function fetchInput(c: Context): FetchInput | Response {
  // The query object as hono's validator builds it: a repeated name becomes an array (and fails).
  const raw: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(c.req.queries())) raw[name] = values.length === 1 ? values[0]! : values;
  const query = FetchQuery.safeParse(raw);
  if (!query.success) return validationHook({ ...query, target: 'query' }, c)!;
  const params = PartitionParam.safeParse(c.req.param());
  if (!params.success) return validationHook({ ...params, target: 'param' }, c)!;
  return { topic: params.data.topic, partition: params.data.partition, query: query.data };
}

/**
 * The ProduceResponse body, written directly: about 3x cheaper than JSON.stringify of
 * the same objects (11 vs 29 us for 100 positions, measured), on the produce hot path.
 */
function produceResponseJson(topic: string, positions: ProduceResult['positions']): string {
  let json = `{"topic":${JSON.stringify(topic)},"records":[`;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    json += `${i === 0 ? '' : ','}{"partition":${p.partition},"offset":${p.offset},"timestamp":${p.timestamp}}`;
  }
  return json + ']}';
}
