/**
 * An Avro schema as the JSON Schema of the JSON values the gateway takes and shows for it (what
 * avsc accepts as a record given as JSON, and what JSON reads decode to), for the topic's typed
 * OpenAPI document. Named records go to `$defs` under their full name (so recursive types work);
 * logical types are their underlying type.
 */
import avro from 'avsc';
import { defName, type JsonSchemaObject } from './json-schema-document.js';

const { ArrayType, BooleanType, BytesType, DoubleType, EnumType, FixedType, FloatType, IntType, LogicalType, LongType, MapType, NullType, RecordType, StringType, UnwrappedUnionType, WrappedUnionType } =
  avro.types;

const BYTES =
  'Avro bytes: one character (U+0000 to U+00FF) per byte, as JSON reads show them. A JSON record cannot carry bytes: produce records with bytes in the wire format.';

export function avroToJsonSchema(type: avro.Type): JsonSchemaObject {
  const defs: Record<string, JsonSchemaObject> = {};
  const root = convert(type, defs);
  return Object.keys(defs).length > 0 ? { ...root, $defs: defs } : root;
}

function convert(type: avro.Type, defs: Record<string, JsonSchemaObject>): JsonSchemaObject {
  if (type instanceof LogicalType) return convert(type.underlyingType, defs);
  if (type instanceof NullType) return { type: 'null' };
  if (type instanceof BooleanType) return { type: 'boolean' };
  if (type instanceof IntType) return { type: 'integer', minimum: -(2 ** 31), maximum: 2 ** 31 - 1 };
  // avsc reads and writes longs as JavaScript numbers: the safe integers.
  if (type instanceof LongType) return { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };
  if (type instanceof FloatType || type instanceof DoubleType) return { type: 'number' };
  if (type instanceof StringType) return { type: 'string' };
  if (type instanceof BytesType) return { type: 'string', description: BYTES };
  if (type instanceof FixedType) return { type: 'string', minLength: type.size, maxLength: type.size, description: BYTES };
  if (type instanceof EnumType) return { type: 'string', enum: [...type.symbols] };
  if (type instanceof ArrayType) return { type: 'array', items: convert(type.itemsType, defs) };
  if (type instanceof MapType) return { type: 'object', additionalProperties: convert(type.valuesType as avro.Type, defs) };
  if (type instanceof RecordType) return record(type, defs);
  // avsc's default: a union is its branch's bare value when the branches tell apart by JSON type...
  if (type instanceof UnwrappedUnionType) return { anyOf: type.types.map((t) => convert(t, defs)) };
  // ...else the value wrapped in an object named after its branch, {"<branch>": value} (null stays null).
  if (type instanceof WrappedUnionType) {
    return {
      anyOf: type.types.map((t) =>
        t instanceof NullType
          ? { type: 'null' }
          : { type: 'object', properties: { [t.branchName!]: convert(t, defs) }, required: [t.branchName!], additionalProperties: false },
      ),
    };
  }
  return {};
}

/** A record in `$defs` (once, so a recursive record refers to itself): its fields, those without a default required. */
function record(type: avro.types.RecordType, defs: Record<string, JsonSchemaObject>): JsonSchemaObject {
  const name = defName(type.name ?? 'record');
  if (!(name in defs)) {
    defs[name] = {};
    const properties: Record<string, JsonSchemaObject> = {};
    const required: string[] = [];
    for (const field of type.fields) {
      properties[field.name] = convert(field.type, defs);
      if (field.defaultValue() === undefined) required.push(field.name);
    }
    defs[name] = { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
  }
  return { $ref: `#/$defs/${name}` };
}
