/**
 * fast-check arbitraries derived from the JSON Schemas in openapi.yaml, and the mutations the
 * contract test applies to what they build. The values need not be valid: whether a request
 * obeys the document is decided afterwards by ajv, so the generator only has to land near the
 * boundaries often (minimum, maximum, 2^53-1, empty, over-long) and reach known resources (hints).
 */
import fc from 'fast-check';

export type JsonSchema = boolean | { [keyword: string]: any };

/** Values to prefer for a field or parameter of this name (an existing topic, group, member...). */
export type Hints = (name: string) => fc.Arbitrary<unknown> | undefined;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Strings that have broken parsers and databases before: odd unicode, lookalikes, prototype keys. */
export const ODD_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '\u0000',
  '\uD800',
  '\uDC00x',
  '𝌆',
  'e\u0301',
  '\u202Eevil',
  '\uFEFF',
  'ｏｒｄｅｒｓ',
  '%2F',
  '%',
  'a/b',
  '-1',
  '1.5',
  '1e3',
  '0x10',
  '9007199254740992',
  'null',
  'true',
  '{}',
  '[]',
  'x'.repeat(250),
  "'; DROP TABLE records; --",
];

/** Values of every JSON type, and numbers at and past the boundaries the document states. */
export const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0.5,
  MAX_SAFE,
  MAX_SAFE + 1,
  -MAX_SAFE - 2,
  1e308,
  '',
  '0',
  '\uD800',
  '𝌆',
  'x'.repeat(300),
  [],
  [null],
  {},
  { a: { b: [1, 'c'] } },
];

export class SchemaArbitraries {
  readonly #doc: any;
  readonly #hints: Hints;

  constructor(doc: any, hints: Hints) {
    this.#doc = doc;
    this.#hints = hints;
  }

  /** `#/components/schemas/X` -> the schema it names. */
  resolve(schema: JsonSchema): JsonSchema {
    let s = schema;
    while (typeof s === 'object' && typeof s.$ref === 'string') {
      s = s.$ref
        .slice(2)
        .split('/')
        .map((p: string) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce((node: any, key: string) => node?.[key], this.#doc);
    }
    return s;
  }

  of(schema: JsonSchema, name?: string, depth = 0): fc.Arbitrary<unknown> {
    const own = this.#of(this.resolve(schema), depth);
    const hint = name === undefined ? undefined : this.#hints(name);
    return hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: own, weight: 1 }) : own;
  }

  #of(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    if (schema === true || (typeof schema === 'object' && Object.keys(schema).length === 0)) return fc.jsonValue({ maxDepth: 2 });
    if (schema === false) return fc.constant(null);
    const s = schema;
    if ('const' in s) return fc.constant(s.const);
    if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
    const alternatives = s.anyOf ?? s.oneOf;
    if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((a: JsonSchema) => this.of(a, undefined, depth + 1)));
    if (Array.isArray(s.allOf)) return this.#of(this.#merge(s), depth);
    if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type: string) => this.#of({ ...s, type }, depth)));
    switch (s.type) {
      case 'string':
        return this.#string(s);
      case 'integer':
        return this.#integer(s);
      case 'number':
        return fc.oneof(this.#integer(s), fc.double({ noNaN: true, noDefaultInfinity: true }));
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(this.of(s.items ?? true, undefined, depth + 1), {
          minLength: s.minItems ?? 0,
          maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)),
        });
      case 'object':
        return this.#object(s, depth);
      default:
        return s.properties ? this.#object(s, depth) : fc.jsonValue({ maxDepth: 2 });
    }
  }

  /** allOf as one schema: properties and required lists joined (if/then and not are left to ajv). */
  #merge(s: any): any {
    const merged: any = { ...s, allOf: undefined };
    for (const part of s.allOf.map((p: JsonSchema) => this.resolve(p))) {
      if (typeof part !== 'object' || part.if) continue;
      const inner = part.allOf ? this.#merge(part) : part;
      merged.type ??= inner.type;
      merged.properties = { ...inner.properties, ...merged.properties };
      merged.required = [...new Set([...(merged.required ?? []), ...(inner.required ?? [])])];
      for (const k of ['pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'items', 'enum', 'const']) merged[k] ??= inner[k];
    }
    delete merged.allOf;
    return merged;
  }

  #string(s: any): fc.Arbitrary<string> {
    const min = s.minLength ?? 0;
    const max = s.maxLength ?? 40;
    const fit = (text: string) => (text.length > max ? text.slice(0, max) : text);
    const sized = fc.string({ minLength: min, maxLength: Math.min(max, min + 20) });
    let typical: fc.Arbitrary<string> = sized;
    if (typeof s.pattern === 'string') {
      try {
        typical = fc.stringMatching(new RegExp(s.pattern)).map(fit).filter((t) => t.length >= min);
      } catch {
        typical = sized;
      }
    }
    const edges = [min > 0 ? 'x'.repeat(min) : '', 'y'.repeat(Math.min(max, 300)), 'z'.repeat(Math.min(max + 1, 301))];
    return fc.oneof({ arbitrary: typical, weight: 6 }, { arbitrary: fc.constantFrom(...edges), weight: 1 });
  }

  #integer(s: any): fc.Arbitrary<number> {
    const lo = Math.max(s.minimum ?? -1000, -MAX_SAFE);
    const hi = Math.min(s.maximum ?? MAX_SAFE, MAX_SAFE);
    const near = fc.integer({ min: lo, max: Math.min(hi, lo + 20) });
    const bounds = fc.constantFrom(lo, hi, lo - 1, hi + 1);
    return fc.oneof({ arbitrary: near, weight: 6 }, { arbitrary: bounds, weight: 1 });
  }

  #object(s: any, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const properties: Record<string, JsonSchema> = s.properties ?? {};
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, sub] of Object.entries(properties)) model[key] = this.of(sub, key, depth + 1);
    const required = (s.required ?? []).filter((k: string) => k in model);
    const declared = fc.record(model, { requiredKeys: required });
    const extra = s.additionalProperties;
    if (typeof extra !== 'object' || depth > 3) return declared;
    const dictionary = fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...ODD_STRINGS)), this.of(extra, undefined, depth + 1), {
      maxKeys: 3,
    });
    return fc.tuple(declared, dictionary).map(([a, b]) => withOwnKeys(b, a));
  }
}

/**
 * Copies `source`'s entries onto `target` as own enumerable properties, `__proto__` included
 * (plain assignment would set the prototype instead), so JSON.stringify sends every key.
 */
export function withOwnKeys(source: Record<string, unknown>, target: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return target;
}

/** Every place in a JSON value where a value sits: [] is the root, ['records', 0, 'key'] a leaf. */
export function jsonPaths(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => jsonPaths(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) jsonPaths(v, [...path, k], out);
  return out;
}

/** A deep copy with the value at `path` replaced (or, with `remove`, its key deleted). */
export function replaceAt(value: unknown, path: (string | number)[], next: unknown, remove = false): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (remove && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = replaceAt(copy[head as number], rest, next, remove);
    return copy;
  }
  const copy = withOwnKeys(value as Record<string, unknown>);
  if (remove && rest.length === 0) delete copy[head as string];
  else withOwnKeys({ [head as string]: replaceAt(copy[head as string], rest, next, remove) }, copy);
  return copy;
}

/** Objects in a JSON value, by path (where a `__proto__` or `constructor` key can be slipped in). */
export function objectPaths(value: unknown): (string | number)[][] {
  return jsonPaths(value).filter((p) => {
    const v = p.reduce<any>((node, key) => node?.[key], value);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
}
