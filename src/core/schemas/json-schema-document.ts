/**
 * The JSON Schema a topic's values are described by in its typed OpenAPI document (see
 * ParsedSchema.toJsonSchema): one schema whose named parts are in its top-level `$defs`, referred
 * to only as `#/$defs/<name>` (or `#`, the whole), so the transport can move them elsewhere.
 */
export type JsonSchemaObject = Record<string, unknown>;

/** A `$defs` name that is also a valid OpenAPI component name (letters, digits, `.`, `_`, `-`). */
export const defName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * A registered JSON Schema, flattened: its `$defs` and `definitions` become top-level `$defs`
 * with safe names, and so do the schemas its references import (under their reference name), with
 * `$ref`s to them rewritten. Not rewritten: `$ref`s into a referenced schema's own definitions,
 * to other URIs, and `$dynamicRef`; `$id` and `$schema` of the root are dropped (the document
 * is OpenAPI 3.1, whose dialect is 2020-12).
 */
export function flattenJsonSchema(schema: unknown, references: { name: string; schema: unknown }[]): JsonSchemaObject {
  const root: JsonSchemaObject = schema === true ? {} : schema === false ? { not: {} } : { ...(schema as JsonSchemaObject) };
  delete root.$schema;
  delete root.$id;
  const ownDefs = { ...(root.definitions as JsonSchemaObject | undefined), ...(root.$defs as JsonSchemaObject | undefined) };
  delete root.definitions;
  delete root.$defs;
  const imported = new Map(references.map((r) => [r.name, defName(r.name)]));
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (typeof node !== 'object' || node === null) return node;
    const out: JsonSchemaObject = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' ? refTo(v, imported) : rewrite(v);
    return out;
  };
  const defs: JsonSchemaObject = {};
  for (const r of references) defs[defName(r.name)] = rewrite(r.schema);
  for (const [name, def] of Object.entries(ownDefs)) defs[defName(name)] = rewrite(def);
  const flat = rewrite(root) as JsonSchemaObject;
  return Object.keys(defs).length > 0 ? { ...flat, $defs: defs } : flat;
}

function refTo(ref: string, imported: Map<string, string>): string {
  const own = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref);
  if (own) return `#/$defs/${defName(own[1]!.replace(/~1/g, '/').replace(/~0/g, '~'))}`;
  const name = imported.get(ref);
  return name === undefined ? ref : `#/$defs/${name}`;
}
