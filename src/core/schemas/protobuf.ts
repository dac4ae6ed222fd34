/**
 * Protobuf schemas through protobufjs. The record type is the first message the schema declares
 * (Confluent's default, message index 0); referenced files are parsed into the same root, so
 * imports resolve by the names they declare. Field names are protobufjs's lowerCamelCase, which
 * is the proto3 JSON mapping's name.
 */
import protobuf from 'protobufjs';
import { protobufCompatibility } from './protobuf-compatibility.js';
import { protobufJsonProblems } from './protobuf-json.js';
import { protobufToJsonSchema } from './protobuf-json-schema.js';
import type { JsonSchemaObject } from './json-schema-document.js';
import { invalidSchema, type ParsedSchema, type SchemaFormat, type ValueProblem } from './format.js';

export class ProtobufSchema implements ParsedSchema {
  readonly schemaType = 'PROTOBUF' as const;
  constructor(
    readonly root: protobuf.Root,
    readonly message: protobuf.Type,
  ) {}

  validate(value: unknown): ValueProblem[] {
    return protobufJsonProblems(this.message, value);
  }

  readonly storesBinary = true;

  /** Confluent's message indexes for the first message ([0], written as the single byte 0), then the message. */
  encode(value: unknown): Uint8Array {
    const message = this.message.encode(this.message.fromObject(value as Record<string, unknown>)).finish();
    const out = new Uint8Array(message.length + 1);
    out.set(message, 1);
    return out;
  }

  payloadProblems(payload: Uint8Array): ValueProblem[] {
    try {
      this.#decode(payload);
      return [];
    } catch (err) {
      return [{ path: '', message: `is not Protobuf data of message ${this.message.name}: ${(err as Error).message}` }];
    }
  }

  decodeToJson(payload: Uint8Array): string {
    // The proto3 JSON mapping: 64-bit integers as strings, enums by name, bytes in base64.
    return JSON.stringify(this.message.toObject(this.#decode(payload), { longs: String, enums: String, bytes: String }));
  }

  /**
   * Message indexes [0] (the byte 0) are skipped; a payload without them (what
   * @kafkajs/confluent-schema-registry writes) is read as the message itself. Only the first
   * message of the schema is a record type, so other indexes are not supported.
   */
  #decode(payload: Uint8Array): protobuf.Message {
    return this.message.decode(payload[0] === 0 ? payload.subarray(1) : payload);
  }

  toJsonSchema(): JsonSchemaObject {
    return protobufToJsonSchema(this.message);
  }

  canRead(writer: ParsedSchema): string[] {
    if (!(writer instanceof ProtobufSchema)) return [`the writer's schema is ${writer.schemaType}, not PROTOBUF`];
    return protobufCompatibility(this, writer);
  }
}

/** The first message type declared in `ns`, depth first (a package is nested namespaces). */
function firstMessage(ns: protobuf.NamespaceBase): protobuf.Type | undefined {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) return nested;
    if (nested instanceof protobuf.Namespace) {
      const found = firstMessage(nested);
      if (found) return found;
    }
  }
  return undefined;
}

export const protobufFormat: SchemaFormat = {
  canonical: (text) => text.trim(),
  parse(text, references) {
    try {
      // Its own root first, to find the first message of this file and not of an import.
      const own = protobuf.parse(text).root;
      const first = firstMessage(own);
      if (!first) throw invalidSchema('the Protobuf schema declares no message');
      const root = new protobuf.Root();
      for (const ref of references) protobuf.parse(ref.schema, root);
      protobuf.parse(text, root);
      root.resolveAll();
      return new ProtobufSchema(root, root.lookupType(first.fullName));
    } catch (err) {
      if ((err as { code?: string }).code === 'INVALID_SCHEMA') throw err;
      throw invalidSchema(`invalid Protobuf schema: ${(err as Error).message}`, err);
    }
  },
};
