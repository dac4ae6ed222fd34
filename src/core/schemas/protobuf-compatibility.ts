/**
 * Protobuf compatibility for the common cases, by field number (names may change freely, as on
 * the wire). For every message of the writer's schema that the reader also declares (by full name):
 * - a field number in both keeps a wire-compatible type: the same type, or one of a group that
 *   decodes the same varint/fixed bytes (int32/uint32/int64/uint64/bool; sint32/sint64;
 *   fixed32/sfixed32; fixed64/sfixed64; string/bytes); message and enum fields keep their type's name;
 * - repeated stays repeated (and singular singular); map stays map;
 * - a proto2 `required` field of the reader is one the writer wrote as required too.
 * And the writer's record message (the first it declares) must exist in the reader.
 * Adding and removing optional fields is compatible, as in proto3. Not checked: oneof membership
 * changes, enum values removed, reserved numbers reused.
 */
import protobuf from 'protobufjs';
import type { ProtobufSchema } from './protobuf.js';

const GROUPS = [['int32', 'uint32', 'int64', 'uint64', 'bool'], ['sint32', 'sint64'], ['fixed32', 'sfixed32'], ['fixed64', 'sfixed64'], ['string', 'bytes']];
const groupOf = (t: string) => GROUPS.findIndex((g) => g.includes(t));

function messages(ns: protobuf.NamespaceBase, into = new Map<string, protobuf.Type>()): Map<string, protobuf.Type> {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) into.set(nested.fullName, nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) messages(nested, into);
  }
  return into;
}

function typeName(f: protobuf.Field): string {
  f.resolve();
  return f.resolvedType ? f.resolvedType.fullName : f.type;
}

export function protobufCompatibility(reader: ProtobufSchema, writer: ProtobufSchema): string[] {
  const problems: string[] = [];
  const readerMessages = messages(reader.root);
  if (!readerMessages.has(writer.message.fullName)) problems.push(`message ${writer.message.fullName.slice(1)} was removed`);
  for (const [name, w] of messages(writer.root)) {
    const r = readerMessages.get(name);
    if (!r) continue;
    const label = name.slice(1);
    for (const rf of r.fieldsArray) {
      const wf = w.fieldsById[rf.id];
      if (!wf) {
        if (rf.required) problems.push(`${label}: required field ${rf.name} = ${rf.id} was added`);
        continue;
      }
      const [rt, wt] = [typeName(rf), typeName(wf)];
      const scalar = !rf.resolvedType && !wf.resolvedType;
      if (rt !== wt && !(scalar && groupOf(rt) >= 0 && groupOf(rt) === groupOf(wt))) {
        problems.push(`${label}: field ${rf.name} = ${rf.id} changed type from ${wt.replace(/^\./, '')} to ${rt.replace(/^\./, '')}`);
      }
      if (rf.repeated !== wf.repeated || (rf instanceof protobuf.MapField) !== (wf instanceof protobuf.MapField)) {
        problems.push(`${label}: field ${rf.name} = ${rf.id} changed between singular, repeated and map`);
      }
      if (rf.required && !wf.required) problems.push(`${label}: field ${rf.name} = ${rf.id} became required`);
    }
  }
  return problems;
}
