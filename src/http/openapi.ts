/** The OpenAPI 3.1 document, generated from the route definitions (the same zod schemas that validate). */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'yaml';

export const API_INFO = {
  title: 'Logway',
  version: '0.1.0',
  description:
    "HTTP/WebSocket event gateway: Kafka's model (topics, partitions, offsets, consumer groups) over REST and WebSocket, stored in embedded SQLite. Errors are RFC 9457 problem details.",
  license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function openApiDocument(app: OpenAPIHono<any, any, any>) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: API_INFO,
    servers: [{ url: 'http://localhost:8080', description: 'Default local gateway' }],
    tags: [
      { name: 'topics', description: 'Topic administration' },
      { name: 'records', description: 'Produce and fetch' },
      { name: 'groups', description: 'Consumer groups' },
      { name: 'websocket', description: 'WebSocket streaming (upgrade endpoints)' },
      { name: 'health', description: 'Probes' },
      { name: 'operations', description: 'Running the gateway: backups' },
    ],
  });
}

export function toYaml(doc: unknown): string {
  return stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
}
