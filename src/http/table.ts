/** The table view of a topic (issue 14): the latest record of a key, and snapshots of every key's latest record. */
import { z } from '@hono/zod-openapi';
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import type { SnapshotPage, Snapshots } from '../core/snapshots.js';
import { invalid } from '../errors.js';
import { recordsJsonItems } from '../core/record-codec.js';
import { Offset, PartitionNumber, problem, queryInt, RecordFormatQuery, RecordSchema, TopicParam } from '../api/schemas.js';
import { apiRoute, jsonText, newRouter } from './router.js';

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

const getKey = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}/keys/{key}',
  tags: ['records'],
  operationId: 'getKey',
  summary: 'The latest record of a key (from the key index: the cost does not grow with the partition)',
  request: {
    params: TopicParam.extend({ key: z.string().min(1).openapi({ description: 'The key, URL-encoded; with keyEncoding=base64, its bytes as base64url.' }) }),
    query: z.object({
      keyEncoding: z.enum(['base64']).optional().openapi({ description: 'base64: the key is binary, written as base64url.' }),
      format: RecordFormatQuery.optional(),
    }),
  },
  responses: {
    200: { description: 'The latest record of the key', content: { 'application/json': { schema: RecordSchema } } },
    400: problem('Invalid topic name or key'),
    404: problem('No such topic, or the key has no record (or its latest record is a tombstone)'),
    501: problem('The store keeps no key index (code NOT_SUPPORTED)'),
  },
});

const SnapshotSchema = z
  .object({
    topic: z.string(),
    offsets: z
      .array(z.object({ partition: PartitionNumber, offset: Offset }))
      .optional()
      .openapi({
        description:
          'First page only: per partition, the offset the snapshot is consistent with. Read each partition from its offset (fetch, WebSocket from=<offset>) to see every later change exactly once.',
      }),
    records: z.array(RecordSchema).openapi({ description: 'The latest record of each key below the offsets (tombstoned keys left out), by partition, then key.' }),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .openapi('Snapshot');

const getSnapshot = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}/snapshot',
  tags: ['records'],
  operationId: 'getSnapshot',
  summary: 'A consistent snapshot of the latest record per key, in pages, with the offsets to continue live from',
  request: {
    params: TopicParam,
    query: z.object({
      limit: queryInt('Most records in the page (default fetchDefaultLimit, at most fetchMaxLimit).', 1).optional(),
      maxBytes: queryInt('Most record bytes in the page (default fetchDefaultMaxBytes, at most fetchMaxBytes); the first record always comes.', 1).optional(),
      cursor: z.string().max(64).optional().openapi({ description: "The previous page's nextCursor; absent for the first page (which starts a snapshot)." }),
      format: RecordFormatQuery.optional(),
    }),
  },
  responses: {
    200: { description: 'A page of the snapshot', content: { 'application/json': { schema: SnapshotSchema } } },
    400: problem('Invalid query, or a cursor that is not a snapshot cursor (code INVALID_CURSOR)'),
    404: problem('No such topic'),
    410: problem('The snapshot this cursor belongs to has ended (snapshotLeaseMs after its last page, a restart of a single-gateway store, compaction overtook it on a cluster, or its topic was deleted and created again): take a new one (code SNAPSHOT_EXPIRED)'),
    501: problem('The store keeps no key index (code NOT_SUPPORTED)'),
    503: problem('Too many snapshots open (maxOpenSnapshots); retry after Retry-After (code OVERLOADED)'),
  },
});

/** The page as JSON, its records spliced in as fetched records are (no parse of the values). */
function snapshotJson(topic: string, page: SnapshotPage): string {
  const items: string[] = [];
  for (let i = 0; i < page.records.length; ) {
    const partition = page.records[i]!.partition;
    let end = i;
    while (end < page.records.length && page.records[end]!.partition === partition) end++;
    items.push(recordsJsonItems(topic, partition, page.records.slice(i, end)));
    i = end;
  }
  const offsets = page.offsets ? `,"offsets":${JSON.stringify(page.offsets)}` : '';
  return `{"topic":${JSON.stringify(topic)}${offsets},"records":[${items.join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}}`;
}

type SnapshotSettings = Pick<Config, 'fetchDefaultLimit' | 'fetchMaxLimit' | 'fetchDefaultMaxBytes' | 'fetchMaxBytes'>;

export function tableRoutes(log: Log, snapshots: Snapshots, config: SnapshotSettings) {
  return newRouter()
    .openapi(getSnapshot, async (c) => {
      const { topic } = c.req.valid('param');
      const q = c.req.valid('query');
      const page = await snapshots.page(topic, q.cursor, {
        maxRecords: Math.min(q.limit ?? config.fetchDefaultLimit, config.fetchMaxLimit),
        maxBytes: Math.min(q.maxBytes ?? config.fetchDefaultMaxBytes, config.fetchMaxBytes),
      }, 'query/cursor');
      return jsonText<never>(snapshotJson(topic, { ...page, records: await log.shown(topic, page.records, q.format) }), 200);
    })
    .openapi(getKey, async (c) => {
    const { topic, key } = c.req.valid('param');
    const { keyEncoding, format } = c.req.valid('query');
    if (keyEncoding === 'base64' && !BASE64URL.test(key)) throw invalid('key: must be base64url when keyEncoding is base64', [{ path: 'key', message: 'must be base64url when keyEncoding is base64' }]);
    const latest = await log.latestForKey(topic, keyEncoding === 'base64' ? Buffer.from(key, 'base64url') : key);
    const [record] = await log.shown(topic, [latest], format);
    // One record through the codec, so it reads exactly as fetched records do.
    return jsonText<never>(recordsJsonItems(topic, record!.partition, [record!]), 200);
  });
}
