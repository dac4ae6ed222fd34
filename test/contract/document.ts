/**
 * openapi.yaml as the contract test reads it: its operations, and the checks of an answer
 * against what the document says of it (status listed, media type, body schema, headers), with
 * ajv for JSON Schema 2020-12, which is what OpenAPI 3.1 schemas are.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: any;
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  parameters: Parameter[];
  /** The JSON request body's schema, when the operation takes one. */
  body?: { required: boolean; schema: any };
  responses: Record<string, any>;
}

/** The headers every HTTP answer may carry without the document saying so (RFC 9110 / 9112 framing and dates). */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export class OpenApiDocument {
  readonly doc: any;
  readonly operations: Operation[];
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<unknown, ValidateFunction>();

  constructor(doc: any) {
    this.doc = doc;
    // strict: false because OpenAPI adds keywords of its own (example, discriminator, xml).
    this.#ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(this.#ajv);
    this.#ajv.addSchema(doc, 'openapi');
    this.operations = [];
    for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => this.resolve(p)) as Parameter[];
        const json = op.requestBody && this.resolve(op.requestBody).content?.['application/json'];
        this.operations.push({
          id: op.operationId ?? `${method} ${path}`,
          method: method.toUpperCase(),
          path,
          parameters,
          body: json ? { required: this.resolve(op.requestBody).required === true, schema: json.schema } : undefined,
          responses: op.responses,
        });
      }
    }
  }

  /** Follows a local `$ref` (`#/components/...`). */
  resolve<T = any>(node: any): T {
    let n = node;
    while (n && typeof n.$ref === 'string') {
      n = n.$ref
        .slice(2)
        .split('/')
        .map((p: string) => decodeURIComponent(p.replaceAll('~1', '/').replaceAll('~0', '~')))
        .reduce((at: any, key: string) => at?.[key], this.doc);
    }
    return n;
  }

  /** ajv errors of `value` against `schema` (whose `#/components` refs point into the document), or undefined. */
  errors(schema: any, value: unknown): string | undefined {
    let validate = this.#validators.get(schema);
    if (!validate) {
      validate = this.#ajv.compile({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...rebase(schema) });
      this.#validators.set(schema, validate);
    }
    return validate(value) ? undefined : this.#ajv.errorsText(validate.errors, { dataVar: 'value' });
  }

  /** Every way `answer` disagrees with what the operation's document says (empty when it agrees). */
  checkAnswer(op: Operation, answer: Answer, response = op.responses[String(answer.status)]): string[] {
    const problems: string[] = [];
    if (answer.status >= 500) problems.push(`answered ${answer.status}: a 5xx is never a right answer to a request`);
    if (!response) return [...problems, `status ${answer.status} is not listed (listed: ${Object.keys(op.responses).join(', ')})`];
    const declared = this.resolve(response);
    const type = answer.headers.get('content-type')?.split(';')[0]!.trim().toLowerCase();
    const content = declared.content as Record<string, { schema?: any }> | undefined;
    if (!content) {
      if (answer.text !== '') problems.push(`a body where the document declares none: ${answer.text.slice(0, 200)}`);
    } else if (!type || !(type in content)) {
      problems.push(`content type ${type} is not one of ${Object.keys(content).join(', ')}`);
    } else if (content[type]!.schema && type.endsWith('json')) {
      let body: unknown;
      try {
        body = JSON.parse(answer.text);
      } catch {
        problems.push(`body is not JSON: ${answer.text.slice(0, 200)}`);
      }
      if (body !== undefined) {
        const bodyErrors = this.errors(content[type]!.schema, body);
        if (bodyErrors) problems.push(`body does not match its schema: ${bodyErrors}; body: ${answer.text.slice(0, 300)}`);
        if (answer.status >= 400) problems.push(...problemDetails(answer.status, type, body));
      }
    }
    problems.push(...this.#checkHeaders(declared.headers ?? {}, answer.headers));
    return problems;
  }

  #checkHeaders(declared: Record<string, any>, actual: Headers): string[] {
    const problems: string[] = [];
    const names = new Map<string, any>(Object.keys(declared).map((name) => [name.toLowerCase(), this.resolve(declared[name])]));
    for (const [name, header] of names) {
      const value = actual.get(name);
      if (value === null) {
        if (header.required) problems.push(`required header ${name} is missing`);
        continue;
      }
      const errors = header.schema && this.errors(header.schema, headerValue(value, this.resolve(header.schema)));
      if (errors) problems.push(`header ${name}: ${value} does not match its schema: ${errors}`);
    }
    actual.forEach((_value, name) => {
      if (!TRANSPORT_HEADERS.has(name) && !names.has(name)) problems.push(`header ${name} is not declared for this answer`);
    });
    return problems;
  }
}

/** Every 4xx and 5xx is RFC 9457 problem details whose status is the answer's. */
function problemDetails(status: number, type: string, body: any): string[] {
  const problems: string[] = [];
  if (type !== 'application/problem+json') problems.push(`a ${status} as ${type}, not application/problem+json`);
  if (body?.status !== status) problems.push(`problem status ${body?.status} differs from the answer's ${status}`);
  return problems;
}

/** A header's text as the JSON value its schema describes. */
function headerValue(text: string, schema: any): unknown {
  return (schema?.type === 'integer' || schema?.type === 'number') && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** Local refs made absolute, so a schema compiled on its own still reaches the document's components. */
function rebase(schema: any): any {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `openapi${v}` : rebase(v);
  return out;
}
