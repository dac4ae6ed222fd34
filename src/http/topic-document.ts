/**
 * The gateway's OpenAPI document specialised for one topic bound to a schema: the records its
 * produce body takes and its reads answer (fetch, topic read, key, snapshot) carry the topic's value
 * schema, so openapi-typescript makes a client whose record values are typed. The rest of the
 * document is the generic one. Pure: the route (topic-openapi.ts) gives it the schema.
 */
import type { JsonSchemaObject } from '../core/schemas/json-schema-document.js';
import type { TopicValueSchema } from '../core/schemas/topic-value-schema.js';

type Schemas = Record<string, JsonSchemaObject>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Document = { info: Record<string, unknown>; paths?: Record<string, any>; components?: { schemas?: Schemas } & Record<string, unknown> } & Record<string, unknown>;

/** Component names of the typed parts (none of the generic document's begins with them). */
export const VALUE_COMPONENT = 'TopicValue';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The operations whose records are typed, and where their record schemas are. */
const TYPED_OPERATIONS: Record<string, { body?: string; answer?: string }> = {
  produceRecords: { body: 'TypedProduceRequest' },
  fetchRecords: { answer: 'TypedFetchResponse' },
  readTopic: { answer: 'TypedTopicReadResponse' },
  getKey: { answer: 'TypedRecord' },
  getSnapshot: { answer: 'TypedSnapshot' },
};

export function topicDocument<D extends object>(generic: D, topic: string, value: TopicValueSchema, compacted: boolean): D {
  const doc = structuredClone(generic) as unknown as Document;
  const schemas = (doc.components!.schemas ??= {});
  const wire = {
    type: 'string',
    contentEncoding: 'base64',
    description: `Confluent's wire format (magic byte 0, the schema id, the payload), base64: a version of subject ${value.subject}.`,
  };
  // A tombstone (a keyed null) deletes its key on a compacted topic, whatever the schema.
  const typedValue = compacted ? { anyOf: [ref(VALUE_COMPONENT), { type: 'null' }] } : ref(VALUE_COMPONENT);

  Object.assign(schemas, valueComponents(value.jsonSchema));
  const produceRecord = schemas.ProduceRecord!;
  const keyRules = ((produceRecord.allOf as JsonSchemaObject[] | undefined) ?? []).filter((rule) => !JSON.stringify(rule.if ?? {}).includes('valueEncoding'));
  const produceBranch = (properties: Schemas, required: string[]) => {
    const branch: JsonSchemaObject = { ...produceRecord, properties: { ...(produceRecord.properties as Schemas), ...properties }, required };
    delete branch.allOf;
    return keyRules.length > 0 ? { ...branch, allOf: keyRules } : branch;
  };
  schemas.TypedProduceRecord = {
    description: `A record of topic ${topic}: its value as JSON of the topic's schema, or already encoded in the wire format.`,
    oneOf: [
      produceBranch({ value: typedValue, valueEncoding: { type: 'string', enum: ['json'] } }, ['value']),
      produceBranch({ value: wire, valueEncoding: { type: 'string', enum: ['base64'] } }, ['value', 'valueEncoding']),
    ],
  };
  schemas.TypedProduceRequest = withItems(schemas.ProduceRequest!, 'records', 'TypedProduceRecord');
  const record = schemas.Record!;
  const recordProperties = record.properties as Schemas;
  schemas.TypedRecord = {
    description: `A record of topic ${topic}: its value decoded to JSON (format=json, the default), or in the wire format (format=binary).`,
    oneOf: [
      { ...record, properties: { ...recordProperties, value: typedValue, valueEncoding: false }, required: [...(record.required as string[]), 'value'] },
      {
        ...record,
        properties: { ...recordProperties, value: wire, valueEncoding: { type: 'string', enum: ['base64'] } },
        required: [...(record.required as string[]), 'value', 'valueEncoding'],
      },
    ],
  };
  schemas.TypedFetchResponse = withItems(schemas.FetchResponse!, 'records', 'TypedRecord');
  schemas.TypedTopicReadResponse = withItems(schemas.TopicReadResponse!, 'records', 'TypedRecord');
  schemas.TypedSnapshot = withItems(schemas.Snapshot!, 'records', 'TypedRecord');

  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item as Record<string, JsonSchemaObject>)) {
      const typed = TYPED_OPERATIONS[op.operationId as string];
      if (!typed) continue;
      onlyThisTopic(op, topic);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const o = op as any;
      if (typed.body) o.requestBody.content['application/json'].schema = ref(typed.body);
      if (typed.answer) o.responses['200'].content['application/json'].schema = ref(typed.answer);
    }
  }
  doc.info = {
    ...doc.info,
    title: `${doc.info.title as string}: topic ${topic}`,
    description: `${doc.info.description as string}\n\nSpecialised for topic \`${topic}\`: record values are typed by subject \`${value.subject}\` version ${value.version} (schema id ${value.id}, ${value.schemaType}), its latest. Records written with an earlier version read in that version's shape.`,
    'x-logway-topic': { topic, subject: value.subject, version: value.version, id: value.id, schemaType: value.schemaType },
  };
  return doc as unknown as D;
}

/** The value schema as components: its root as TopicValue, each of its `$defs` as TopicValue.<name>, references rewritten. */
function valueComponents(jsonSchema: JsonSchemaObject): Schemas {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (typeof node !== 'object' || node === null) return node;
    const out: JsonSchemaObject = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const def = /^#\/\$defs\/([^/]+)$/.exec(v);
        out[k] = v === '#' ? `#/components/schemas/${VALUE_COMPONENT}` : def ? `#/components/schemas/${VALUE_COMPONENT}.${def[1]}` : v;
      } else out[k] = rewrite(v);
    }
    return out;
  };
  const { $defs, ...root } = jsonSchema;
  const components: Schemas = { [VALUE_COMPONENT]: rewrite(root) as JsonSchemaObject };
  for (const [name, def] of Object.entries(($defs as Schemas | undefined) ?? {})) components[`${VALUE_COMPONENT}.${name}`] = rewrite(def) as JsonSchemaObject;
  return components;
}

/** `schema` with its array property `field` holding `item`s (without its example, whose values are not this topic's). */
function withItems(schema: JsonSchemaObject, field: string, item: string): JsonSchemaObject {
  const properties = schema.properties as Schemas;
  const typed: JsonSchemaObject = { ...schema, properties: { ...properties, [field]: { ...properties[field], items: ref(item) } } };
  delete typed.example;
  return typed;
}

/** The operation's topic path parameter can name only this topic (the types are this topic's). */
function onlyThisTopic(op: JsonSchemaObject, topic: string): void {
  for (const p of (op.parameters as JsonSchemaObject[] | undefined) ?? []) {
    if (p.in === 'path' && p.name === 'topic') p.schema = { type: 'string', enum: [topic] };
  }
}
