/**
 * What a topic bound to a schema says its record values are, as JSON Schema: the latest version
 * of its value subject, converted (ParsedSchema.toJsonSchema). The typed OpenAPI document of a
 * topic is built from it.
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import type { SchemaType } from '../../storage/schema-store.js';
import type { TopicMeta } from '../../storage/log-store.js';
import type { JsonSchemaObject } from './json-schema-document.js';
import { subjectOf } from './record-validator.js';
import type { SchemaRegistry } from './registry.js';

export interface TopicValueSchema {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  /** Named parts in its `$defs` (json-schema-document.ts). */
  jsonSchema: JsonSchemaObject;
}

/** undefined for a topic not bound to a schema; throws SUBJECT_NOT_FOUND when it is bound and its subject has no version. */
export async function topicValueSchema(registry: SchemaRegistry, topic: TopicMeta): Promise<TopicValueSchema | undefined> {
  if (!topic.config.valueSchemaValidation) return undefined;
  const subject = subjectOf(topic.name, 'value');
  const latest = await registry.latest(subject);
  if (!latest) {
    throw new GatewayError(
      ErrorCode.SUBJECT_NOT_FOUND,
      `topic '${topic.name}' is bound to subject '${subject}' (valueSchemaValidation), which has no version: register one at /registry/subjects/${subject}/versions`,
      { subject },
    );
  }
  const parsed = await registry.parsed(latest.id);
  return { subject, version: latest.version, id: latest.id, schemaType: latest.schemaType, jsonSchema: parsed.toJsonSchema() };
}
