/**
 * The schema registry's REST API at /registry: the subset of Confluent Schema Registry's API that
 * its clients use (serializers, @kafkajs/confluent-schema-registry, the CLI tools), so a client
 * pointed at http://host:port/registry works unmodified. Bodies and errors are the registry's
 * (registry-errors.ts). Not in openapi.yaml: it is Confluent's API, documented by Confluent; its
 * access rules are REGISTRY_ACCESS_RULES in access.ts.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { SchemaRegistry } from '../core/schemas/registry.js';
import { ErrorCode, GatewayError } from '../errors.js';
import { COMPATIBILITY_LEVELS, type StoredSchema, type SubjectVersion } from '../storage/schema-store.js';
import { subjectResource } from './access.js';
import { registryJson } from './registry-errors.js';
import '../auth/hono-context.js';

const SchemaBody = z.object({
  schema: z.string(),
  schemaType: z.enum(['AVRO', 'JSON', 'PROTOBUF']).nullish(),
  references: z.array(z.object({ name: z.string(), subject: z.string(), version: z.number().int() })).nullish(),
});
const ConfigBody = z.object({ compatibility: z.enum(COMPATIBILITY_LEVELS) });

async function body<T>(c: Context, schema: z.ZodType<T>, registryCode = 42201): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new GatewayError(ErrorCode.INVALID_REQUEST, 'the request body is not valid JSON', { registryCode: 400 });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GatewayError(ErrorCode.INVALID_REQUEST, `${issue.path.join('.') || 'body'}: ${issue.message}`, { registryCode });
  }
  return parsed.data;
}

const flag = (c: Context, name: string) => c.req.query(name) === 'true';

/** Confluent omits schemaType for AVRO and references when there are none. */
function schemaView(s: StoredSchema) {
  return {
    schema: s.schema,
    ...(s.schemaType === 'AVRO' ? {} : { schemaType: s.schemaType }),
    ...(s.references.length ? { references: s.references } : {}),
  };
}
const versionView = (v: SubjectVersion) => ({ subject: v.subject, version: v.version, id: v.id, ...schemaView(v) });

const input = (b: z.infer<typeof SchemaBody>) => ({ schema: b.schema, schemaType: b.schemaType ?? undefined, references: b.references ?? undefined });

export function registryRoutes(registry: SchemaRegistry) {
  const subject = (c: Context) => c.req.param('subject')!;
  return new Hono()
    .get('/schemas/types', () => registryJson(['JSON', 'PROTOBUF', 'AVRO']))
    .get('/schemas/ids/:id', async (c) => registryJson(schemaView(await registry.schema(schemaId(c.req.param('id'))))))
    .get('/schemas/ids/:id/versions', async (c) => registryJson(await registry.schemaVersions(schemaId(c.req.param('id')))))
    .get('/subjects', async (c) => {
      const principal = c.get('principal');
      return registryJson((await registry.subjects(flag(c, 'deleted'))).filter((s) => principal.can(subjectResource(s), 'read')));
    })
    .get('/subjects/:subject/versions', async (c) => registryJson(await registry.versions(subject(c), flag(c, 'deleted'))))
    .get('/subjects/:subject/versions/:version', async (c) =>
      registryJson(versionView(await registry.version(subject(c), c.req.param('version'), flag(c, 'deleted')))),
    )
    .get('/subjects/:subject/versions/:version/schema', async (c) => {
      const v = await registry.version(subject(c), c.req.param('version'), flag(c, 'deleted'));
      return new Response(v.schema, { headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' } });
    })
    .post('/subjects/:subject/versions', async (c) => {
      const { id } = await registry.register(subject(c), input(await body(c, SchemaBody)));
      return registryJson({ id });
    })
    .post('/subjects/:subject', async (c) => registryJson(versionView(await registry.lookup(subject(c), input(await body(c, SchemaBody)), flag(c, 'deleted')))))
    .delete('/subjects/:subject/versions/:version', async (c) => registryJson(await registry.deleteVersion(subject(c), c.req.param('version'), flag(c, 'permanent'))))
    .delete('/subjects/:subject', async (c) => registryJson(await registry.deleteSubject(subject(c), flag(c, 'permanent'))))
    .get('/config', async () => registryJson({ compatibilityLevel: await registry.config(null, true) }))
    .put('/config', async (c) => {
      const { compatibility } = await body(c, ConfigBody, 42203);
      await registry.setConfig(null, compatibility);
      return registryJson({ compatibility });
    })
    .get('/config/:subject', async (c) => registryJson({ compatibilityLevel: await registry.config(subject(c), flag(c, 'defaultToGlobal')) }))
    .put('/config/:subject', async (c) => {
      const { compatibility } = await body(c, ConfigBody, 42203);
      await registry.setConfig(subject(c), compatibility);
      return registryJson({ compatibility });
    })
    .delete('/config/:subject', async (c) => registryJson({ compatibilityLevel: await registry.deleteConfig(subject(c)) }))
    .post('/compatibility/subjects/:subject/versions/:version', async (c) => {
      const messages = await registry.compatibility(subject(c), c.req.param('version'), input(await body(c, SchemaBody)));
      return registryJson({ is_compatible: messages.length === 0, ...(flag(c, 'verbose') ? { messages } : {}) });
    });
}

function schemaId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id)) throw new GatewayError(ErrorCode.SCHEMA_NOT_FOUND, `Schema ${text} not found`, { registryCode: 40403 });
  return id;
}
