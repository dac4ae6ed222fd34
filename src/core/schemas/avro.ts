/**
 * Avro schemas through avsc: parsing (named types from references first), validation of a
 * record given as JSON (avsc's own value checks, which report each bad field's path), and
 * compatibility by avsc's schema resolution (the reader's resolver for the writer's type
 * fails exactly when Avro's resolution rules do).
 */
import avro from 'avsc';
import { avroToJsonSchema } from './avro-json-schema.js';
import type { JsonSchemaObject } from './json-schema-document.js';
import { invalidSchema, parseJsonSchemaText, pointerToken, type ParsedSchema, type SchemaFormat, type ValueProblem } from './format.js';

export class AvroSchema implements ParsedSchema {
  readonly schemaType = 'AVRO' as const;
  constructor(readonly type: avro.Type) {}

  validate(value: unknown): ValueProblem[] {
    const problems: ValueProblem[] = [];
    this.type.isValid(value, {
      errorHook: (path: string[], _value: unknown, type: avro.Type) => {
        problems.push({ path: path.map((p) => `/${pointerToken(p)}`).join(''), message: `must be ${describe(type)}` });
      },
    });
    return problems;
  }

  readonly storesBinary = true;

  encode(value: unknown): Uint8Array {
    return this.type.toBuffer(value);
  }

  payloadProblems(payload: Uint8Array): ValueProblem[] {
    try {
      this.type.fromBuffer(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
      return [];
    } catch (err) {
      return [{ path: '', message: `is not Avro data of this schema: ${(err as Error).message}` }];
    }
  }

  decodeToJson(payload: Uint8Array): string {
    const value: unknown = this.type.fromBuffer(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
    // bytes and fixed as Avro's JSON encoding writes them: one character per byte.
    return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
      const raw = this[key];
      return Buffer.isBuffer(raw) ? raw.toString('latin1') : v;
    });
  }

  toJsonSchema(): JsonSchemaObject {
    return avroToJsonSchema(this.type);
  }

  canRead(writer: ParsedSchema): string[] {
    if (!(writer instanceof AvroSchema)) return [`the writer's schema is ${writer.schemaType}, not AVRO`];
    try {
      this.type.createResolver(writer.type);
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  }
}

function describe(type: avro.Type): string {
  const name = type.name ?? type.typeName;
  return type.name ? `a ${type.typeName} ${name}` : `of type ${name}`;
}

export const avroFormat: SchemaFormat = {
  canonical: (text) => JSON.stringify(parseJsonSchemaText(text, 'Avro')),
  parse(text, references) {
    const registry: Record<string, avro.Type> = {};
    try {
      for (const ref of references) avro.Type.forSchema(JSON.parse(ref.schema) as avro.Schema, { registry });
      return new AvroSchema(avro.Type.forSchema(parseJsonSchemaText(text, 'Avro') as avro.Schema, { registry }));
    } catch (err) {
      if ((err as { code?: string }).code === 'INVALID_SCHEMA') throw err;
      throw invalidSchema(`invalid Avro schema: ${(err as Error).message}`, err);
    }
  },
};
