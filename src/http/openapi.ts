/** The OpenAPI 3.1 document, generated from the route definitions (the same zod schemas that validate). */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'yaml';
import { ACCESS_RULES, PUBLIC_OPERATIONS } from './access.js';

export const API_INFO = {
  title: 'Logway',
  version: '0.1.0',
  description:
    "HTTP/WebSocket event gateway: Kafka's model (topics, partitions, offsets, consumer groups) over REST and WebSocket, stored in embedded SQLite. Errors are RFC 9457 problem details.",
  license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function openApiDocument(app: OpenAPIHono<any, any, any>) {
  return withSecurity(app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: API_INFO,
    servers: [{ url: 'http://localhost:8080', description: 'Default local gateway' }],
    tags: [
      { name: 'topics', description: 'Topic administration' },
      { name: 'records', description: 'Produce and fetch' },
      { name: 'groups', description: 'Consumer groups' },
      { name: 'websocket', description: 'WebSocket streaming (upgrade endpoints)' },
      { name: 'health', description: 'Probes' },
      { name: 'security', description: 'API keys and browser tokens' },
      { name: 'operations', description: 'Running the gateway: backups' },
    ],
  }));
}

type Document = ReturnType<OpenAPIHono['getOpenAPI31Document']>;
type Operation = { operationId?: string; description?: string; security?: unknown; responses?: Record<string, unknown> };

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const AUTH_RESPONSES: Record<string, unknown> = {
  401: {
    description: 'No credential, or one that is unknown, revoked, expired or badly signed (only when authentication is on)',
    headers: { 'WWW-Authenticate': { description: 'Bearer challenge (RFC 6750)', schema: { type: 'string' } } },
    content: PROBLEM,
  },
  403: { description: 'The credential lacks the permission named in the problem (`resource`, `action`)', content: PROBLEM },
  429: {
    description: "Over the principal's quota: nothing was done",
    headers: {
      'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
      'RateLimit-Policy': { description: 'The quota (IETF RateLimit fields)', schema: { type: 'string' } },
      RateLimit: { description: 'What is left of it', schema: { type: 'string' } },
    },
    content: PROBLEM,
  },
};

/**
 * The security scheme, and on every operation what it needs (from the one table in access.ts)
 * and the answers a refused credential gets. Public operations say they need nothing.
 */
function withSecurity(doc: Document): Document {
  const needs = new Map(ACCESS_RULES.map((r) => [r.operationId, r.needs]));
  doc.components = {
    ...doc.components,
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key (`lwk_...`), a token minted by POST /v1/tokens, or an identity provider\'s JWT. Needed when the gateway has an administrator key or JWT settings. WebSocket handshakes may carry it as `?access_token=` or the subprotocol `bearer.<token>`.',
      },
    },
  };
  doc.security = [{ bearer: [] }];
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item as Record<string, Operation>)) {
      if (typeof op !== 'object' || op === null || op.operationId === undefined) continue;
      if (PUBLIC_OPERATIONS.has(op.operationId)) {
        op.security = [];
        continue;
      }
      const need = needs.get(op.operationId);
      if (need) op.description = `${op.description ? `${op.description}\n\n` : ''}**Requires:** ${need}.`;
      op.responses = { ...op.responses, ...AUTH_RESPONSES, ...op.responses };
    }
  }
  return doc;
}

/** The document, built once on first use (the routes are fixed by then), as an object, JSON and YAML. */
export class ApiDocument {
  readonly #build: () => Document;
  #object: Document | undefined;
  #json: string | undefined;
  #yaml: string | undefined;

  constructor(build: () => Document) {
    this.#build = build;
  }

  /** Shared: never change it (copy it first). */
  get object(): Document {
    return (this.#object ??= this.#build());
  }

  get json(): string {
    return (this.#json ??= JSON.stringify(this.object));
  }

  get yaml(): string {
    return (this.#yaml ??= toYaml(this.object));
  }
}

export function toYaml(doc: unknown): string {
  return stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
}
