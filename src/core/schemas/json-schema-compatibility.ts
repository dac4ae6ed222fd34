/**
 * JSON Schema compatibility for the common cases: can every value the writer's schema accepts
 * also be accepted by the reader's? Checked, recursively through `properties`, `items` and
 * `additionalProperties` schemas:
 * - `type`: the reader accepts every type the writer does ("integer" is within "number");
 * - `required`: the reader requires no property the writer did not;
 * - a property the writer allows (declared, or any, when the writer is open) that the reader
 *   forbids (`additionalProperties: false` without declaring it) or types differently;
 * - `enum` and `const`: the reader's values include the writer's;
 * - bounds: `minimum`, `exclusiveMinimum`, `minLength`, `minItems`, `minProperties` may not rise
 *   and their maximum counterparts may not fall; `pattern` and `format` may not be added or changed.
 * Not checked (accepted as compatible): `$ref`, `allOf`/`anyOf`/`oneOf`/`not`, conditionals,
 * `patternProperties`, `dependentSchemas` and `uniqueItems`.
 */
export type JsonSchemaNode = boolean | { [keyword: string]: unknown };

type Node = { [keyword: string]: unknown };
const MINIMUMS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const MAXIMUMS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

export function jsonSchemaCompatibility(reader: JsonSchemaNode, writer: JsonSchemaNode): string[] {
  const problems: string[] = [];
  compare(reader, writer, '#', problems);
  return problems;
}

const asNode = (s: JsonSchemaNode | undefined): Node | boolean => (s === undefined ? true : s);

function types(s: Node): Set<string> | undefined {
  const t = s.type;
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === 'string'));
  return undefined;
}

function compare(readerIn: JsonSchemaNode | undefined, writerIn: JsonSchemaNode | undefined, at: string, problems: string[]): void {
  const reader = asNode(readerIn);
  const writer = asNode(writerIn);
  if (reader === true || writer === false) return;
  if (reader === false) return void problems.push(`${at}: the reader accepts nothing where the writer accepts values`);
  if (writer === true) {
    if (Object.keys(reader).length > 0) problems.push(`${at}: the reader constrains what the writer leaves open`);
    return;
  }
  const rt = types(reader);
  const wt = types(writer);
  if (rt) {
    if (!wt) problems.push(`${at}: the reader requires type ${[...rt].join('|')} where the writer allows any type`);
    else {
      for (const t of wt) {
        if (!rt.has(t) && !(t === 'integer' && rt.has('number'))) problems.push(`${at}: type ${t} written is not accepted by the reader (${[...rt].join('|')})`);
      }
    }
  }
  compareValues(reader, writer, at, problems);
  compareBounds(reader, writer, at, problems);
  compareObject(reader, writer, at, problems);
  if (reader.items !== undefined || writer.items !== undefined) compare(reader.items as JsonSchemaNode, writer.items as JsonSchemaNode, `${at}/items`, problems);
}

function compareValues(reader: Node, writer: Node, at: string, problems: string[]): void {
  const allowed = reader.enum ?? (reader.const !== undefined ? [reader.const] : undefined);
  if (!Array.isArray(allowed)) return;
  const written = writer.enum ?? (writer.const !== undefined ? [writer.const] : undefined);
  if (!Array.isArray(written)) return void problems.push(`${at}: the reader allows only ${JSON.stringify(allowed)} where the writer has no such limit`);
  const known = new Set(allowed.map((v) => JSON.stringify(v)));
  for (const v of written) if (!known.has(JSON.stringify(v))) problems.push(`${at}: value ${JSON.stringify(v)} written is not in the reader's enum`);
}

function compareBounds(reader: Node, writer: Node, at: string, problems: string[]): void {
  for (const k of MINIMUMS) {
    const r = reader[k];
    if (typeof r !== 'number') continue;
    const w = writer[k];
    if (typeof w !== 'number' || w < r) problems.push(`${at}: ${k} ${r} in the reader is stricter than the writer's (${w ?? 'none'})`);
  }
  for (const k of MAXIMUMS) {
    const r = reader[k];
    if (typeof r !== 'number') continue;
    const w = writer[k];
    if (typeof w !== 'number' || w > r) problems.push(`${at}: ${k} ${r} in the reader is stricter than the writer's (${w ?? 'none'})`);
  }
  for (const k of ['pattern', 'format'] as const) {
    if (reader[k] !== undefined && reader[k] !== writer[k]) problems.push(`${at}: ${k} ${JSON.stringify(reader[k])} in the reader is not the writer's (${JSON.stringify(writer[k] ?? null)})`);
  }
}

function compareObject(reader: Node, writer: Node, at: string, problems: string[]): void {
  const rProps = (reader.properties ?? {}) as Record<string, JsonSchemaNode>;
  const wProps = (writer.properties ?? {}) as Record<string, JsonSchemaNode>;
  const rRequired = new Set(Array.isArray(reader.required) ? (reader.required as string[]) : []);
  const wRequired = new Set(Array.isArray(writer.required) ? (writer.required as string[]) : []);
  for (const name of rRequired) {
    if (!wRequired.has(name)) problems.push(`${at}/properties/${name}: required by the reader but not by the writer (a record written without it would be refused)`);
  }
  const rAdditional = reader.additionalProperties as JsonSchemaNode | undefined;
  const wAdditional = writer.additionalProperties as JsonSchemaNode | undefined;
  for (const [name, w] of Object.entries(wProps)) {
    const r = name in rProps ? rProps[name] : rAdditional;
    if (r === false) problems.push(`${at}/properties/${name}: written by the writer but not allowed by the reader`);
    else compare(r, w, `${at}/properties/${name}`, problems);
  }
  // Properties the open writer may carry that the reader declares or forbids.
  if (wAdditional !== false) {
    for (const [name, r] of Object.entries(rProps)) {
      if (!(name in wProps)) compare(r, wAdditional, `${at}/properties/${name}`, problems);
    }
    if (rAdditional !== undefined && rAdditional !== true) {
      if (rAdditional === false) problems.push(`${at}: the reader forbids properties the writer allows (additionalProperties)`);
      else compare(rAdditional, wAdditional, `${at}/additionalProperties`, problems);
    }
  }
}
