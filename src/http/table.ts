/** The table view of a topic: the latest record of a key (issue 14). */
import { z } from '@hono/zod-openapi';
import type { Log } from '../core/log.js';
import { invalid } from '../errors.js';
import { recordsJsonItems } from '../core/record-codec.js';
import { problem, RecordSchema, TopicParam } from '../api/schemas.js';
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
    query: z.object({ keyEncoding: z.enum(['base64']).optional().openapi({ description: 'base64: the key is binary, written as base64url.' }) }),
  },
  responses: {
    200: { description: 'The latest record of the key', content: { 'application/json': { schema: RecordSchema } } },
    400: problem('Invalid topic name or key'),
    404: problem('No such topic, or the key has no record (or its latest record is a tombstone)'),
  },
});

export function tableRoutes(log: Log) {
  return newRouter().openapi(getKey, async (c) => {
    const { topic, key } = c.req.valid('param');
    const { keyEncoding } = c.req.valid('query');
    if (keyEncoding === 'base64' && !BASE64URL.test(key)) throw invalid('key: must be base64url when keyEncoding is base64', [{ path: 'key', message: 'must be base64url when keyEncoding is base64' }]);
    const record = await log.latestForKey(topic, keyEncoding === 'base64' ? Buffer.from(key, 'base64url') : key);
    // One record through the codec, so it reads exactly as fetched records do.
    return jsonText<never>(recordsJsonItems(topic, record.partition, [record]), 200);
  });
}
