/**
 * Records checked against their topic's schemas: a topic with `valueSchemaValidation` (or
 * `keySchemaValidation`) is bound to the subject `<topic>-value` (`<topic>-key`), Confluent's
 * TopicNameStrategy. A JSON value (key: its text as a JSON string) must match the subject's
 * latest version; a binary value must be in Confluent's wire format, naming a schema id of the
 * subject, with a payload that schema reads. The parsed schema, with its compiled validator, is
 * cached by id in the registry, so a batch costs one validator call per record and no store read.
 *
 * Storage: JSON values on Avro and Protobuf topics are stored encoded, in the wire format with
 * the latest version's id; wire-format values are stored as they came. Reads decode them to JSON
 * (the default) or serve the wire format (see `view`); topics without a binding pay nothing.
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import { TOMBSTONE_VALUE, type StoredRecord, type TopicMeta } from '../../storage/log-store.js';
import type { ProduceRecord } from '../record-codec.js';
import type { CheckedRecords, RecordFormat, RecordProblem, RecordValidator } from '../record-validation.js';
import type { ParsedSchema } from './format.js';
import type { SchemaRegistry } from './registry.js';
import { fromWireFormat, toWireFormat } from './wire-format.js';

export const subjectOf = (topic: string, field: 'key' | 'value') => `${topic}-${field}`;

const compacted = (topic: TopicMeta) => topic.config.cleanupPolicy?.startsWith('compact') ?? false;

export class SchemaValidation implements RecordValidator {
  readonly #registry: SchemaRegistry;

  constructor(registry: SchemaRegistry) {
    this.#registry = registry;
  }

  async check(topic: TopicMeta, records: ProduceRecord[]): Promise<CheckedRecords> {
    const problems: RecordProblem[] = [];
    let stored = records;
    if (topic.config.valueSchemaValidation) {
      const subject = subjectOf(topic.name, 'value');
      const { id, schema } = await this.#latest(topic.name, 'value');
      const ids = await this.#registry.ids(subject);
      // On a compacted topic a keyed null deletes its key (a tombstone): it carries no value to check.
      const tombstones = compacted(topic);
      if (schema.storesBinary) stored = records.slice();
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!;
        const value = record.value;
        if (tombstones && value === TOMBSTONE_VALUE && record.key !== null) continue;
        if (typeof value !== 'string') {
          for (const p of await this.#wireProblems(value, subject, ids)) problems.push({ index: i, field: 'value', ...p });
          continue;
        }
        const parsed: unknown = JSON.parse(value);
        const found = schema.validate(parsed);
        for (const p of found) problems.push({ index: i, field: 'value', pointer: p.path, message: p.message });
        if (found.length === 0 && schema.storesBinary) stored[i] = { ...record, value: toWireFormat(id, schema.encode(parsed)) };
      }
    }
    if (topic.config.keySchemaValidation) {
      const { schema } = await this.#latest(topic.name, 'key');
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
    return { problems, records: stored };
  }

  /** Why a binary value is not a wire-format record of `subject`; [] when it is. */
  async #wireProblems(value: Uint8Array, subject: string, ids: Set<number>): Promise<{ pointer: string; message: string }[]> {
    const wire = fromWireFormat(value);
    if (typeof wire === 'string') return [{ pointer: '', message: `${wire} (a binary value on this topic must be in Confluent's wire format)` }];
    if (!ids.has(wire.id)) return [{ pointer: '', message: `names schema id ${wire.id}, which is not a version of subject '${subject}'` }];
    const schema = await this.#registry.parsed(wire.id);
    return schema.payloadProblems(wire.payload).map((p) => ({ pointer: p.path, message: p.message }));
  }

  async #latest(topic: string, field: 'key' | 'value'): Promise<{ id: number; schema: ParsedSchema }> {
    const subject = subjectOf(topic, field);
    const latest = await this.#registry.latest(subject);
    if (!latest) {
      throw new GatewayError(
        ErrorCode.RECORD_INVALID,
        `topic '${topic}' requires its ${field}s to match a schema (${field}SchemaValidation), and subject '${subject}' has none: register one at /registry/subjects/${subject}/versions`,
        { subject },
      );
    }
    return { id: latest.id, schema: await this.#registry.parsed(latest.id) };
  }

  view(topic: TopicMeta, format: RecordFormat): ((records: StoredRecord[]) => Promise<StoredRecord[]>) | undefined {
    if (!topic.config.valueSchemaValidation) return undefined;
    return format === 'json' ? (records) => this.#asJson(records) : (records) => this.#asWireFormat(topic, records);
  }

  /** Wire-format values decoded with the schema their id names; anything else as stored. */
  async #asJson(records: StoredRecord[]): Promise<StoredRecord[]> {
    let out: StoredRecord[] | undefined;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (typeof r.value === 'string') continue;
      const wire = fromWireFormat(r.value);
      if (typeof wire === 'string') continue;
      const json = await this.#decoded(wire.id, wire.payload);
      if (json === undefined) continue;
      out ??= records.slice();
      out[i] = { ...r, value: json };
    }
    return out ?? records;
  }

  /** A stored value that no longer decodes (its schema deleted for good) is served as stored. */
  async #decoded(id: number, payload: Uint8Array): Promise<string | undefined> {
    try {
      return (await this.#registry.parsed(id)).decodeToJson(payload);
    } catch {
      return undefined;
    }
  }

  /**
   * JSON text values (JSON Schema topics keep them as text) put in the wire format with the
   * subject's latest id, when they match it; binary values and tombstones as stored.
   */
  async #asWireFormat(topic: TopicMeta, records: StoredRecord[]): Promise<StoredRecord[]> {
    let out: StoredRecord[] | undefined;
    // null: the subject has no version (any more), so there is nothing to encode with.
    let latest: { id: number; schema: ParsedSchema } | null | undefined;
    const tombstones = compacted(topic);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (typeof r.value !== 'string' || (tombstones && r.value === TOMBSTONE_VALUE && r.key !== null)) continue;
      if (latest === undefined) latest = await this.#latest(topic.name, 'value').catch(() => null);
      if (latest === null) break;
      const value: unknown = JSON.parse(r.value);
      if (latest.schema.validate(value).length > 0) continue;
      out ??= records.slice();
      out[i] = { ...r, value: toWireFormat(latest.id, latest.schema.encode(value)) };
    }
    return out ?? records;
  }
}
