/**
 * GET /v1/topics/{topic}/openapi.json (and .yaml): the gateway's document specialised for one
 * topic (topic-document.ts). A topic not bound to a schema gets the generic document itself.
 */
import { z } from '@hono/zod-openapi';
import type { Log } from '../core/log.js';
import type { SchemaRegistry } from '../core/schemas/registry.js';
import { topicValueSchema } from '../core/schemas/topic-value-schema.js';
import { problem, TopicParam } from '../api/schemas.js';
import type { ApiDocument } from './openapi.js';
import { toYaml } from './openapi.js';
import { apiRoute, newRouter } from './router.js';
import { topicDocument } from './topic-document.js';

const DESCRIPTION =
  "For a topic bound to a schema (valueSchemaValidation), the produce body's records and the records of fetch, topic read, key and snapshot answers carry the JSON Schema " +
  "of the latest version of subject `<topic>-value` (Avro and Protobuf converted: see docs/schemas.md), and those operations' `topic` parameter names this topic only: " +
  'openapi-typescript on it makes a client whose record values are typed. For any other topic, the generic document (GET /openapi.json).';

const answers = {
  400: problem('Invalid topic name'),
  404: problem('No such topic, or the topic is bound to a subject with no version (code SUBJECT_NOT_FOUND)'),
};

const getTopicOpenApi = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}/openapi.json',
  tags: ['topics'],
  operationId: 'getTopicOpenApi',
  summary: 'The OpenAPI document specialised for this topic: record values typed by its schema',
  description: DESCRIPTION,
  request: { params: TopicParam },
  responses: {
    200: { description: 'An OpenAPI 3.1 document', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
    ...answers,
  },
});

const getTopicOpenApiYaml = apiRoute({
  method: 'get',
  path: '/v1/topics/{topic}/openapi.yaml',
  tags: ['topics'],
  operationId: 'getTopicOpenApiYaml',
  summary: 'The same document as openapi.json, in YAML',
  description: DESCRIPTION,
  request: { params: TopicParam },
  responses: {
    200: { description: 'An OpenAPI 3.1 document', content: { 'application/yaml': { schema: z.string() } } },
    ...answers,
  },
});

export function topicOpenApiRoutes(log: Log, registry: SchemaRegistry, generic: ApiDocument) {
  /** The topic's document, or undefined when it is the generic one. */
  const specialised = async (topic: string) => {
    const meta = await log.topic(topic);
    const value = await topicValueSchema(registry, meta);
    if (!value) return undefined;
    return topicDocument(generic.object, topic, value, meta.config.cleanupPolicy?.startsWith('compact') ?? false);
  };
  return newRouter()
    .openapi(getTopicOpenApi, async (c) => {
      const doc = await specialised(c.req.valid('param').topic);
      return c.body(doc ? JSON.stringify(doc) : generic.json, 200, { 'content-type': 'application/json' }) as never;
    })
    .openapi(getTopicOpenApiYaml, async (c) => {
      const doc = await specialised(c.req.valid('param').topic);
      return c.body(doc ? toYaml(doc) : generic.yaml, 200, { 'content-type': 'application/yaml' }) as never;
    });
}
