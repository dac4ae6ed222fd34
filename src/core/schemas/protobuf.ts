/**
 * Protobuf schemas through protobufjs. The record type is the first message the schema declares
 * (Confluent's default, message index 0); referenced files are parsed into the same root, so
 * imports resolve by the names they declare. Field names are protobufjs's lowerCamelCase, which
 * is the proto3 JSON mapping's name.
 */
import protobuf from 'protobufjs';
import { protobufCompatibility } from './protobuf-compatibility.js';
import { protobufJsonProblems } from './protobuf-json.js';
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
