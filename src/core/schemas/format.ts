/**
 * What the registry needs of each schema type (AVRO, JSON, PROTOBUF): one file per format
 * (avro.ts, json-schema.ts, protobuf.ts) implements it, so the registry and produce validation
 * never branch on the type.
 */
import { ErrorCode, GatewayError } from '../../errors.js';
import type { SchemaType } from '../../storage/schema-store.js';
import type { JsonSchemaObject } from './json-schema-document.js';

/** Why one value does not match its schema: a JSON Pointer into the value, and the reason. */
export interface ValueProblem {
  path: string;
  message: string;
}

/** A referenced schema, as the schema that imports it names it (transitive ones included, dependencies first). */
export interface ResolvedReference {
  name: string;
  schemaType: SchemaType;
  schema: string;
}

export interface ParsedSchema {
  readonly schemaType: SchemaType;
  /** Why a JSON value is not a record of this schema; [] when it is. */
  validate(value: unknown): ValueProblem[];
  /**
   * Why data written with `writer` cannot be read with this schema as the reader; [] when it can.
   * Each entry names what broke (a field, a type).
   */
  canRead(writer: ParsedSchema): string[];
  /** True when a JSON record is stored encoded (Avro, Protobuf), false when kept as JSON text (JSON Schema). */
  readonly storesBinary: boolean;
  /** The payload (no wire-format header) of a value `validate` accepted. */
  encode(value: unknown): Uint8Array;
  /** Why a payload (no header) is not a value of this schema; [] when it is. */
  payloadProblems(payload: Uint8Array): ValueProblem[];
  /** A payload this schema accepted, as JSON text (what JSON reads show). */
  decodeToJson(payload: Uint8Array): string;
  /**
   * The JSON Schema of the values JSON produce takes and JSON reads show, named parts in its
   * top-level `$defs` (json-schema-document.ts): the topic's typed OpenAPI document uses it.
   */
  toJsonSchema(): JsonSchemaObject;
}

export interface SchemaFormat {
  /** The text that identifies the schema: the same schema written differently maps to the same text. Throws INVALID_SCHEMA. */
  canonical(text: string): string;
  /** Throws INVALID_SCHEMA naming what is wrong. */
  parse(text: string, references: ResolvedReference[]): ParsedSchema;
}

export function invalidSchema(message: string, cause?: unknown): GatewayError {
  return new GatewayError(ErrorCode.INVALID_SCHEMA, message, { registryCode: 42201 }, { cause });
}

/** One JSON Pointer token (RFC 6901). */
export const pointerToken = (s: string | number) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');

export function parseJsonSchemaText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalidSchema(`the ${what} schema is not JSON: ${(err as Error).message}`, err);
  }
}
