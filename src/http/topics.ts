/** Topic administration: create, list, describe, change, delete. */
import { z } from '@hono/zod-openapi';
import { apiRoute, jsonBody, jsonResponse, newRouter } from './router.js';
import type { Log, TopicDescription } from '../core/log.js';
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
    partitionOffsets: z.array(PartitionOffsetsSchema),
  })
  .openapi('Topic');

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
  summary: 'List topics',
  responses: { 200: jsonResponse(z.object({ topics: z.array(TopicSchema) }), 'All topics, by name') },
});

const getTopic = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}',
  tags: ['topics'],
  operationId: 'getTopic',
  summary: 'Describe a topic, with each partition’s log start offset and high watermark',
  request: { params: TopicParam },
  responses: { 200: jsonResponse(TopicSchema, 'The topic'), 400: problem('Invalid topic name'), 404: problem('No such topic') },
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

const view = (t: TopicDescription) => ({
  name: t.name,
  partitions: t.partitions,
  config: t.config,
  createdAt: t.createdAt,
  partitionOffsets: t.partitionOffsets,
});

export function topicRoutes(log: Log) {
  return newRouter()
    .openapi(createTopic, async (c) => {
      const body = c.req.valid('json');
      const topic = await withFieldPrefix('body', () => log.createTopic(body.name, body.partitions, body.config ?? {}));
      return c.json(view(topic), 201, { location: `/v1/topics/${topic.name}` });
    })
    .openapi(listTopics, async (c) => {
      const principal = c.get('principal');
      const topics = (await log.listTopics()).filter((t) => principal.can({ kind: 'topic', name: t.name }, 'describe'));
      return c.json({ topics: topics.map(view) }, 200);
    })
    .openapi(getTopic, async (c) => c.json(view(await log.describeTopic(c.req.valid('param').topic)), 200))
    .openapi(updateTopic, async (c) => {
      const change = c.req.valid('json');
      const topic = await withFieldPrefix('body', () => log.updateTopic(c.req.valid('param').topic, change));
      return c.json(view(topic), 200);
    })
    .openapi(deleteTopic, async (c) => {
      await log.deleteTopic(c.req.valid('param').topic);
      return c.body(null, 204);
    });
}
