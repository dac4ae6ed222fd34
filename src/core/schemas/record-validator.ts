/**
 * Records checked against their topic's schemas: a topic with `valueSchemaValidation` (or
 * `keySchemaValidation`) is bound to the subject `<topic>-value` (`<topic>-key`), Confluent's
 * TopicNameStrategy, and each JSON value (key: its text as a JSON string) must match the
 * subject's latest version. The parsed schema, with its compiled validator, is cached by id in
 * the registry, so a batch costs one validator call per record and no store read.
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import { TOMBSTONE_VALUE, type TopicMeta } from '../../storage/log-store.js';
import type { ProduceRecord } from '../record-codec.js';
import type { RecordProblem, RecordValidator } from '../record-validation.js';
import type { ParsedSchema } from './format.js';
import type { SchemaRegistry } from './registry.js';

export const subjectOf = (topic: string, field: 'key' | 'value') => `${topic}-${field}`;

export class SchemaValidation implements RecordValidator {
  readonly #registry: SchemaRegistry;

  constructor(registry: SchemaRegistry) {
    this.#registry = registry;
  }

  async check(topic: TopicMeta, records: ProduceRecord[]): Promise<RecordProblem[]> {
    const problems: RecordProblem[] = [];
    if (topic.config.valueSchemaValidation) {
      const schema = await this.#schema(topic.name, 'value');
      // On a compacted topic a keyed null deletes its key (a tombstone): it carries no value to check.
      const tombstones = topic.config.cleanupPolicy?.startsWith('compact') ?? false;
      for (let i = 0; i < records.length; i++) {
        const value = records[i]!.value;
        if (tombstones && value === TOMBSTONE_VALUE && records[i]!.key !== null) continue;
        if (typeof value !== 'string') {
          problems.push({ index: i, field: 'value', pointer: '', message: 'a binary value cannot be checked against the topic’s schema; send JSON' });
          continue;
        }
        for (const p of schema.validate(JSON.parse(value))) problems.push({ index: i, field: 'value', pointer: p.path, message: p.message });
      }
    }
    if (topic.config.keySchemaValidation) {
      const schema = await this.#schema(topic.name, 'key');
      for (let i = 0; i < records.length; i++) {
        const key = records[i]!.key;
        if (key === null) continue;
        if (typeof key !== 'string') {
          problems.push({ index: i, field: 'key', pointer: '', message: 'a binary key cannot be checked against the topic’s schema; send text' });
          continue;
        }
        for (const p of schema.validate(key)) problems.push({ index: i, field: 'key', pointer: p.path, message: p.message });
      }
    }
    return problems;
  }

  async #schema(topic: string, field: 'key' | 'value'): Promise<ParsedSchema> {
    const subject = subjectOf(topic, field);
    const latest = await this.#registry.latest(subject);
    if (!latest) {
      throw new GatewayError(
        ErrorCode.RECORD_INVALID,
        `topic '${topic}' requires its ${field}s to match a schema (${field}SchemaValidation), and subject '${subject}' has none: register one at /registry/subjects/${subject}/versions`,
        { subject },
      );
    }
    return this.#registry.parsed(latest.id);
  }
}
