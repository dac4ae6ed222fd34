/**
 * A Protobuf message as the JSON Schema of its proto3 JSON mapping, as the gateway takes and
 * shows it (protobuf-json.ts), for the topic's typed OpenAPI document: field names as protobufjs
 * gives them (lowerCamelCase), every field optional (defaults are left out of reads), no unknown
 * field; messages go to `$defs` under their full name (so recursive messages work). Looser on
 * produce than written here: null for a field (its default), enum numbers, snake_case names, and
 * "NaN"/"Infinity" for floats are accepted too.
 */
import protobuf from 'protobufjs';
import { defName, type JsonSchemaObject } from './json-schema-document.js';

const INT32: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
};
const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

export function protobufToJsonSchema(message: protobuf.Type): JsonSchemaObject {
  const defs: Record<string, JsonSchemaObject> = {};
  return { ...messageRef(message, defs), $defs: defs };
}

function messageRef(type: protobuf.Type, defs: Record<string, JsonSchemaObject>): JsonSchemaObject {
  const name = defName(type.fullName.replace(/^\./, ''));
  if (!(name in defs)) {
    defs[name] = {};
    const properties: Record<string, JsonSchemaObject> = {};
    for (const field of type.fieldsArray) properties[field.name] = fieldSchema(field.resolve(), defs);
    defs[name] = { type: 'object', properties, additionalProperties: false };
  }
  return { $ref: `#/$defs/${name}` };
}

function fieldSchema(field: protobuf.Field, defs: Record<string, JsonSchemaObject>): JsonSchemaObject {
  if (field instanceof protobuf.MapField) return { type: 'object', additionalProperties: single(field, defs) };
  if (field.repeated) return { type: 'array', items: single(field, defs) };
  return single(field, defs);
}

function single(field: protobuf.Field, defs: Record<string, JsonSchemaObject>): JsonSchemaObject {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageRef(resolved, defs);
  if (resolved instanceof protobuf.Enum) return { type: 'string', enum: Object.keys(resolved.values) };
  const t = field.type;
  const range = INT32[t];
  if (range) return { type: 'integer', minimum: range[0], maximum: range[1] };
  // Reads show 64-bit integers as decimal strings (they may not fit a JSON number); produce takes either.
  if (INT64.has(t)) return { type: ['integer', 'string'], pattern: '^-?[0-9]+$' };
  if (t === 'double' || t === 'float') return { type: 'number' };
  if (t === 'bool') return { type: 'boolean' };
  if (t === 'bytes') return { type: 'string', contentEncoding: 'base64' };
  return { type: 'string' };
}
