/**
 * Checks a JSON value against a message type's proto3 JSON mapping: objects for messages, the
 * field names protobufjs gives (lowerCamelCase), numbers for 32-bit integers and floats, numbers
 * or decimal strings for 64-bit integers, base64 strings for bytes, names or numbers for enums,
 * arrays for repeated fields, objects for maps; null for any field means its default. Unknown
 * fields are refused (the mapping's default).
 */
import protobuf from 'protobufjs';
import { pointerToken, type ValueProblem } from './format.js';

const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function protobufJsonProblems(type: protobuf.Type, value: unknown, path = '', problems: ValueProblem[] = []): ValueProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ path, message: `must be an object (message ${type.fullName.slice(1)})` });
    return problems;
  }
  for (const [name, v] of Object.entries(value)) {
    const field = type.fields[name] ?? type.fieldsArray.find((f) => f.name === name || snake(f.name) === name);
    const at = `${path}/${pointerToken(name)}`;
    if (!field) problems.push({ path: at, message: `is not a field of ${type.fullName.slice(1)}` });
    else if (v !== null) fieldProblems(field, v, at, problems);
  }
  return problems;
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function fieldProblems(field: protobuf.Field, value: unknown, at: string, problems: ValueProblem[]): void {
  field.resolve();
  if (field instanceof protobuf.MapField) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problems.push({ path: at, message: 'must be an object (map)' });
    for (const [k, v] of Object.entries(value)) scalarOrMessage(field, v, `${at}/${pointerToken(k)}`, problems);
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) return void problems.push({ path: at, message: 'must be an array (repeated field)' });
    value.forEach((v, i) => scalarOrMessage(field, v, `${at}/${i}`, problems));
    return;
  }
  scalarOrMessage(field, value, at, problems);
}

function scalarOrMessage(field: protobuf.Field, value: unknown, at: string, problems: ValueProblem[]): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return void protobufJsonProblems(resolved, value, at, problems);
  if (resolved instanceof protobuf.Enum) {
    const ok = typeof value === 'string' ? value in resolved.values : Number.isInteger(value) && Object.values(resolved.values).includes(value as number);
    if (!ok) problems.push({ path: at, message: `must be one of ${Object.keys(resolved.values).join(', ')} (enum ${resolved.name})` });
    return;
  }
  const t = field.type;
  if (!scalarMatches(t, value)) problems.push({ path: at, message: `must be ${SCALAR_WORDS[t] ?? 'a value'} (${t})` });
}

const SCALAR_WORDS: Record<string, string> = {
  string: 'a string',
  bool: 'a boolean',
  bytes: 'a base64 string',
  double: 'a number',
  float: 'a number',
  ...Object.fromEntries([...INT32].map((t) => [t, 'a 32-bit integer'])),
  ...Object.fromEntries([...INT64].map((t) => [t, 'an integer or a decimal string'])),
};

function scalarMatches(t: string, value: unknown): boolean {
  if (t === 'string') return typeof value === 'string';
  if (t === 'bool') return typeof value === 'boolean';
  if (t === 'bytes') return typeof value === 'string' && BASE64.test(value);
  if (t === 'double' || t === 'float') return typeof value === 'number' || ['NaN', 'Infinity', '-Infinity'].includes(value as string);
  if (INT32.has(t)) return Number.isInteger(value) && fits32(t, value as number);
  if (INT64.has(t)) return Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value));
  return true;
}

const fits32 = (t: string, n: number) => (t.startsWith('u') || t === 'fixed32' ? n >= 0 && n <= 0xffffffff : n >= -0x80000000 && n <= 0x7fffffff);
