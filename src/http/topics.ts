/** Topic administration: create, list, describe, change, delete. */
import { z } from '@hono/zod-openapi';
import { apiRoute, jsonBody, jsonResponse, newRouter } from './router.js';
import type { Log } from '../core/log.js';
import type { TopicSummary } from '../core/topic-listing.js';
import { CleanupPolicy } from '../storage/log-store.js';
import { LOCATION } from '../api/responses.js';
import { PartitionOffsetsSchema, problem, safeInt, TopicName, TopicParam } from '../api/schemas.js';
import { withFieldPrefix } from '../api/field-paths.js';
import '../auth/hono-context.js';

const TopicConfigSchema = z
  .strictObject({
    retentionMs: safeInt(1)
      .nullable()
      .optional()
      .openapi({ description: 'Delete records older than this many ms; null keeps them forever (the default). Not applied under cleanupPolicy `compact`.' }),
    retentionBytes: safeInt(1)
      .nullable()
      .optional()
      .openapi({
        description:
          'Per partition: once its records (keys, values, headers) pass this many bytes, the oldest are deleted and logStartOffset moves; null: no limit (the default). Not applied under cleanupPolicy `compact`.',
      }),
    cleanupPolicy: z
      .enum([CleanupPolicy.delete, CleanupPolicy.compact, CleanupPolicy.compactDelete])
      .optional()
      .openapi({
        description:
          '`delete` (the default): retention only. `compact`: keep the latest record per key (records without a key are refused). `compact,delete`: both.',
      }),
    deleteRetentionMs: safeInt(0)
      .optional()
      .openapi({ description: 'How long a tombstone (a keyed record with a null value) stays readable after compaction reached it. Default 86400000 (24 h).' }),
    minCompactionLagMs: safeInt(0)
      .optional()
      .openapi({ description: 'A record younger than this (by its timestamp) is never compacted away. Default 0.' }),
    valueSchemaValidation: z.boolean().optional().openapi({
      description:
        'Produced values must match the latest schema of the subject `<topic>-value` in the schema registry (/registry); a request with a record that does not is refused with 422, appending nothing.',
    }),
    keySchemaValidation: z.boolean().optional().openapi({ description: 'The same for keys, against the subject `<topic>-key` (a key is checked as a JSON string).' }),
  })
  .openapi('TopicConfig');

const TopicSchema = z
  .object({
    name: TopicName,
    partitions: safeInt(1),
    config: TopicConfigSchema,
    createdAt: safeInt().openapi({ description: 'Epoch ms.' }),
    records: safeInt().openapi({
      description: 'Records from each partition’s log start offset to its high watermark, summed (under cleanupPolicy `compact`, at most this many are left).',
    }),
    appendedRecords: safeInt().openapi({
      description: 'Records ever appended: the sum of the high watermarks. Its growth between two calls, over the time between them, is the topic’s records/s.',
    }),
    bytes: safeInt().openapi({
      description:
        'What the topic holds, in bytes: the keys, values and headers of its records (SQLite store); on the JetStream store its streams’ bytes, which include batch framing and message headers (docs/console.md).',
    }),
    partitionOffsets: z
      .array(PartitionOffsetsSchema)
      .optional()
      .openapi({ description: 'Every partition’s bounds; left out when `partitionOffsets=false` was asked (`GET /v1/topics/{topic}/partitions` pages them).' }),
  })
  .openapi('Topic');

/** The most items one page may ask for: bounds every paged answer. */
const MAX_PAGE = 1000;
const PageLimit = (description: string) =>
  z
    .string()
    .regex(/^\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE))
    .openapi({ type: 'integer', minimum: 1, maximum: MAX_PAGE, description });

const WithOffsets = z
  .enum(['true', 'false'])
  .optional()
  .openapi({ description: '`false` leaves out each partition’s bounds (`partitionOffsets`): the answer stays small for topics with thousands of partitions. Default `true`.' });

const ListTopicsQuery = z.object({
  limit: PageLimit('Most topics in the answer (paging). Without it every topic is listed in one answer.').optional(),
  cursor: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: 'Where the page starts: the `nextCursor` of the previous page (topics come in byte order of their names: capitals first).' }),
  contains: z.string().min(1).max(255).optional().openapi({ description: 'Only topics whose name contains this text, ignoring case.' }),
  partitionOffsets: WithOffsets,
});

const TopicPageSchema = z
  .object({
    topics: z.array(TopicSchema),
    total: safeInt().openapi({ description: 'Topics matching the query (`contains`, and what the caller may describe), over all pages.' }),
    nextCursor: z.string().optional().openapi({ description: 'Pass as `cursor` for the next page; absent on the last page.' }),
  })
  .openapi('TopicPage');

const PartitionSummarySchema = PartitionOffsetsSchema.extend({
  bytes: safeInt().openapi({ description: 'What the partition holds, in bytes (as the topic’s `bytes`).' }),
}).openapi('PartitionSummary');

const ListPartitionsQuery = z.object({
  from: z
    .string()
    .regex(/^\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(0).max(100_000))
    .optional()
    .openapi({ type: 'integer', minimum: 0, description: 'First partition of the page (partitions are numbered from 0, densely). Default 0.' }),
  limit: PageLimit('Most partitions in the answer. Default 100.').optional(),
});

/** At most the setting maxPartitions, which is itself at most 100000 (src/config.ts). */
const Partitions = z
  .number()
  .int()
  .min(1)
  .max(100_000)
  .openapi({ description: 'Partition count: at most the setting maxPartitions (default 10000, never over 100000).' });

const CreateTopicSchema = z
  .strictObject({
    name: TopicName,
    partitions: Partitions.optional().openapi({ description: 'Defaults to the server setting defaultPartitions.', example: 3 }),
    config: TopicConfigSchema.optional(),
  })
  .openapi('CreateTopic');

const UpdateTopicSchema = z
  .strictObject({
    partitions: Partitions.optional().openapi({ description: 'New partition count; it can only grow.' }),
    config: TopicConfigSchema.optional().openapi({ description: 'Fields to change; absent fields keep their value.' }),
  })
  .openapi('UpdateTopic');


const createTopic = apiRoute({
  method: 'post',
  path: '/v1/topics',
  tags: ['topics'],
  operationId: 'createTopic',
  summary: 'Create a topic',
  request: { body: jsonBody(CreateTopicSchema) },
  responses: {
    201: { ...jsonResponse(TopicSchema, 'Created'), headers: LOCATION },
    400: problem('Invalid name, partition count or config'),
    409: problem('A topic with this name exists'),
  },
});

const listTopics = apiRoute({
  method: 'get',
  path: '/v1/topics',
  tags: ['topics'],
  operationId: 'listTopics',
  summary: 'List topics with their partition counts, records and bytes, in pages',
  description:
    'Topics in name order, each with its partition count, records, records ever appended (for throughput) and bytes. With `limit`, one page at a time: pass `nextCursor` back as `cursor`. `partitionOffsets=false` leaves out the per-partition bounds, so a page stays small however many partitions its topics have.',
  request: { query: ListTopicsQuery },
  responses: { 200: jsonResponse(TopicPageSchema, 'Topics, by name'), 400: problem('Invalid query') },
});

const listPartitions = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}/partitions',
  tags: ['topics'],
  operationId: 'listPartitions',
  summary: 'A page of a topic’s partitions with their bounds and bytes',
  request: { params: TopicParam, query: ListPartitionsQuery },
  responses: {
    200: jsonResponse(
      z.object({ partitions: z.array(PartitionSummarySchema), total: safeInt().openapi({ description: 'The topic’s partition count.' }) }).openapi('PartitionPage'),
      'Partitions from `from`, at most `limit`',
    ),
    400: problem('Invalid topic name or query'),
    404: problem('No such topic'),
  },
});

const getTopic = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}',
  tags: ['topics'],
  operationId: 'getTopic',
  summary: 'Describe a topic, with each partition’s log start offset and high watermark',
  request: { params: TopicParam, query: z.object({ partitionOffsets: WithOffsets }) },
  responses: { 200: jsonResponse(TopicSchema, 'The topic'), 400: problem('Invalid topic name or query'), 404: problem('No such topic') },
});

const updateTopic = apiRoute({
  method: 'patch',
  path: '/v1/topics/{topic}',
  tags: ['topics'],
  operationId: 'updateTopic',
  summary: 'Change a topic’s config or raise its partition count',
  request: { params: TopicParam, body: jsonBody(UpdateTopicSchema) },
  responses: {
    200: jsonResponse(TopicSchema, 'The changed topic'),
    400: problem('Invalid change (e.g. fewer partitions, or no body)'),
    404: problem('No such topic'),
  },
});

const deleteTopic = apiRoute({
  method: 'delete',
  path: '/v1/topics/{topic}',
  tags: ['topics'],
  operationId: 'deleteTopic',
  summary: 'Delete a topic, its records and every group’s offsets for it',
  request: { params: TopicParam },
  responses: { 204: { description: 'Deleted' }, 400: problem('Invalid topic name'), 404: problem('No such topic') },
});

const view = (t: TopicSummary, withOffsets = true) => ({
  name: t.name,
  partitions: t.partitions,
  config: t.config,
  createdAt: t.createdAt,
  records: t.records,
  appendedRecords: t.appendedRecords,
  bytes: t.bytes,
  ...(withOffsets ? { partitionOffsets: t.partitionOffsets } : {}),
});

export function topicRoutes(log: Log) {
  return newRouter()
    .openapi(createTopic, async (c) => {
      const body = c.req.valid('json');
      const topic = await withFieldPrefix('body', () => log.createTopic(body.name, body.partitions, body.config ?? {}));
      return c.json(view(await log.topicSummary(topic.name)), 201, { location: `/v1/topics/${topic.name}` });
    })
    .openapi(listTopics, async (c) => {
      const principal = c.get('principal');
      const q = c.req.valid('query');
      const page = await log.topicPage({
        limit: q.limit,
        after: q.cursor,
        contains: q.contains,
        visible: (name) => principal.can({ kind: 'topic', name }, 'describe'),
      });
      const withOffsets = q.partitionOffsets !== 'false';
      return c.json({ topics: page.topics.map((t) => view(t, withOffsets)), total: page.total, ...(page.next === undefined ? {} : { nextCursor: page.next }) }, 200);
    })
    .openapi(getTopic, async (c) => c.json(view(await log.topicSummary(c.req.valid('param').topic), c.req.valid('query').partitionOffsets !== 'false'), 200))
    .openapi(listPartitions, async (c) => {
      const { from = 0, limit = 100 } = c.req.valid('query');
      return c.json(await log.partitionPage(c.req.valid('param').topic, from, limit), 200);
    })
    .openapi(updateTopic, async (c) => {
      const change = c.req.valid('json');
      const topic = await withFieldPrefix('body', () => log.updateTopic(c.req.valid('param').topic, change));
      return c.json(view(await log.topicSummary(topic.name)), 200);
    })
    .openapi(deleteTopic, async (c) => {
      await log.deleteTopic(c.req.valid('param').topic);
      return c.body(null, 204);
    });
}
