/** Reads of a whole topic: every partition, fairly, from a cursor; each answer names the cursor to continue from. */
import { z } from '@hono/zod-openapi';
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import { recordsJsonItems } from '../core/record-codec.js';
import { TopicReader, type TopicReadResult } from '../core/topic-reader.js';
import { invalid } from '../errors.js';
import { problem, queryInt, RecordFormatQuery, RecordSchema, TopicParam } from '../api/schemas.js';
import { CursorSchema, parseTopicStart, PositionResetSchema, TopicFromQuery, type StartOrCursor } from '../api/topic-start.js';
import { acceptsNdjson, NDJSON_TYPE, NdjsonRecordsSchema } from './ndjson.js';
import { readOptions } from './read-options.js';
import { apiRoute, jsonText, newRouter } from './router.js';
import { topicNdjsonExport } from './topic-ndjson-export.js';

const TopicReadResponseSchema = z
  .object({
    records: z.array(RecordSchema).openapi({ description: 'Records of every partition read, in offset order within each partition.' }),
    cursor: CursorSchema.openapi({ description: 'Where to continue: pass it as `cursor` to the next read.' }),
    reset: z.array(PositionResetSchema).optional().openapi({
      description: 'Present when the position was older than retention in some partitions: each one, where it pointed and where reading resumed.',
    }),
  })
  .openapi('TopicReadResponse');

const readTopic = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}/records',
  tags: ['records'],
  operationId: 'readTopic',
  summary: 'Read every partition of a topic from a cursor, fairly; long-polls with waitMs',
  description:
    'The first read starts at `from` (default earliest); each answer carries the `cursor` to pass to the next. ' +
    'The record and byte budgets are shared among the partitions that have records, so a busy partition does not starve a quiet one. ' +
    'A cursor older than retention resumes at the log start and the answer says so in `reset`.',
  request: {
    params: TopicParam,
    query: z.object({
      // Not the Cursor component: a query parameter's schema is stated inline.
      cursor: z.string().min(1).optional().openapi({ description: 'Continue from this position (a cursor a read answered, see Cursor). Not with from.' }),
      from: TopicFromQuery.optional().openapi({
        description: "First read: 'earliest' (default), 'latest', 'time:<epoch-ms>' (per partition, the first record at or after it), or 'cursor:<cursor>' (same as cursor=).",
        example: 'earliest',
      }),
      limit: queryInt('Most records to return (all partitions together). NDJSON answers: not capped by fetchMaxLimit.', 1).optional(),
      maxBytes: queryInt('Soft byte budget (keys, values, headers); at least one record is returned when there is one. Not with an NDJSON answer (400).', 1).optional(),
      waitMs: queryInt('When no partition has a record, wait up to this long for one.').optional(),
      format: RecordFormatQuery.optional(),
    }),
  },
  responses: {
    200: {
      description:
        'Records and the cursor after them. With `Accept: application/x-ndjson`: one Record per line, every partition interleaved a page at a time ' +
        '(offset order within each), streamed to each partition\'s high watermark as it was when the answer started (after waitMs, if it waited), ' +
        'or to `limit` records in all, shared fairly; the cursor to continue from is the Logway-Cursor header (every line is a record).',
      headers: {
        'Logway-Cursor': { description: 'NDJSON answers: the cursor after the last line (pass it as `cursor` to the next read).', schema: { type: 'string' } },
        'Logway-Reset': {
          description: 'NDJSON answers, when the position was older than retention: the `reset` list of the JSON answer, as JSON text.',
          schema: { type: 'string' },
        },
      },
      content: { 'application/json': { schema: TopicReadResponseSchema }, [NDJSON_TYPE]: { schema: NdjsonRecordsSchema } },
    },
    400: problem('Invalid query (maxBytes with an NDJSON answer), or a cursor that is malformed or not of this topic (code INVALID_CURSOR)'),
    404: problem('No such topic'),
  },
});

/** The start a query names: `cursor=`, or `from=` (which may be a cursor too); never both. */
export function startOf(q: { cursor?: string | undefined; from?: string | undefined }): StartOrCursor | undefined {
  if (q.cursor !== undefined && q.from !== undefined) {
    throw invalid('query/from: not with cursor (a cursor already says where to read)', [{ path: 'query/from', message: 'not with cursor' }]);
  }
  if (q.cursor !== undefined) return { kind: 'cursor', cursor: q.cursor };
  return q.from === undefined ? undefined : (parseTopicStart(q.from) as StartOrCursor);
}

export function topicRecordRoutes(log: Log, config: Config, shutdown: AbortSignal) {
  const reader = new TopicReader(log);
  return newRouter().openapi(readTopic, async (c) => {
    const { topic } = c.req.valid('param');
    const q = c.req.valid('query');
    const start = startOf(q);
    const options = readOptions(q, config, c, shutdown);
    const ndjson = acceptsNdjson(c.req.header('accept'));
    if (ndjson && q.maxBytes !== undefined) {
      const message = 'not with Accept: application/x-ndjson (the answer is streamed to its end; use limit)';
      throw invalid(`query/maxBytes: ${message}`, [{ path: 'query/maxBytes', message }]);
    }
    const opened = await reader.open(topic, {
      cursor: start?.kind === 'cursor' ? start.cursor : undefined,
      start: start?.kind === 'cursor' ? undefined : start,
      field: q.cursor !== undefined ? 'query/cursor' : 'query/from',
    });
    if (ndjson) return (await topicNdjsonExport(log, reader, config, opened, q.limit, options)) as never;
    const result = await reader.read(opened.cursor, options);
    return jsonText<never>(topicReadJson(topic, result, opened.cursor.encode(), [...opened.resets, ...result.resets]), 200);
  });
}

/** The answer's JSON, records spliced from stored JSON text (record-codec.ts). */
function topicReadJson(topic: string, result: TopicReadResult, cursor: string, resets: TopicReadResult['resets']): string {
  let json = '{"records":[';
  let first = true;
  for (const batch of result.batches) {
    json += (first ? '' : ',') + recordsJsonItems(topic, batch.partition, batch.records);
    first = false;
  }
  json += `],"cursor":${JSON.stringify(cursor)}`;
  if (resets.length > 0) json += `,"reset":${JSON.stringify(resets)}`;
  return json + '}';
}
