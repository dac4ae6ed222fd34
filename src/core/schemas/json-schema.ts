/**
 * JSON Schema through ajv (draft 2020-12, with formats). A schema that names an older draft in
 * `$schema` is read as 2020-12 (the keywords records use mean the same). Referenced schemas are
 * added under the name the reference gives, so `$ref: "<name>"` finds them.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { flattenJsonSchema, type JsonSchemaObject } from './json-schema-document.js';
import { jsonSchemaCompatibility, type JsonSchemaNode } from './json-schema-compatibility.js';
import { invalidSchema, parseJsonSchemaText, type ParsedSchema, type SchemaFormat, type ValueProblem } from './format.js';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

export class JsonSchema implements ParsedSchema {
  readonly schemaType = 'JSON' as const;
  constructor(
    readonly schema: JsonSchemaNode,
    readonly check: ValidateFunction,
    /** The schemas its references import, by the name they are imported under. */
    readonly references: { name: string; schema: unknown }[] = [],
  ) {}

  validate(value: unknown): ValueProblem[] {
    if (this.check(value)) return [];
    return (this.check.errors ?? []).map(problemOf);
  }

  readonly storesBinary = false;

  encode(value: unknown): Uint8Array {
    return Buffer.from(JSON.stringify(value));
  }

  payloadProblems(payload: Uint8Array): ValueProblem[] {
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
    } catch (err) {
      return [{ path: '', message: `is not JSON: ${(err as Error).message}` }];
    }
    return this.validate(value);
  }

  /** Parsed and written again: the producer's text may hold newlines, which NDJSON reads cannot carry. */
  decodeToJson(payload: Uint8Array): string {
    return JSON.stringify(JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')));
  }

  toJsonSchema(): JsonSchemaObject {
    return flattenJsonSchema(this.schema, this.references);
  }

  canRead(writer: ParsedSchema): string[] {
    if (!(writer instanceof JsonSchema)) return [`the writer's schema is ${writer.schemaType}, not JSON`];
    return jsonSchemaCompatibility(this.schema, writer.schema);
  }
}

function problemOf(e: ErrorObject): ValueProblem {
  const extra = e.params as { additionalProperty?: string; missingProperty?: string };
  if (extra.additionalProperty !== undefined) return { path: `${e.instancePath}/${extra.additionalProperty}`, message: 'is not allowed by the schema' };
  if (extra.missingProperty !== undefined) return { path: `${e.instancePath}/${extra.missingProperty}`, message: 'is required' };
  return { path: e.instancePath, message: e.message ?? e.keyword };
}

/** The 2020-12 reading of a schema document: an older `$schema` is dropped, not refused. */
function asDraft2020(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const { $schema, ...rest } = schema as Record<string, unknown>;
  return $schema === undefined || $schema === DRAFT_2020 ? schema : rest;
}

export const jsonSchemaFormat: SchemaFormat = {
  canonical: (text) => JSON.stringify(parseJsonSchemaText(text, 'JSON')),
  parse(text, references) {
    const schema = asDraft2020(parseJsonSchemaText(text, 'JSON'));
    if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
      throw invalidSchema('a JSON Schema is an object or a boolean');
    }
    // strict: false, because registered schemas carry keywords of their own tools (javaType, ...).
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    addFormats.default(ajv);
    try {
      const imported = references.map((ref) => ({ name: ref.name, schema: asDraft2020(JSON.parse(ref.schema)) }));
      for (const ref of imported) ajv.addSchema(ref.schema as object, ref.name);
      return new JsonSchema(schema as JsonSchemaNode, ajv.compile(schema as object), imported);
    } catch (err) {
      throw invalidSchema(`invalid JSON Schema: ${(err as Error).message}`, err);
    }
  },
};
