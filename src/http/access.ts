/**
 * What each operation needs, in one table: the permission checks that run after authentication
 * and before validation, so a caller without the grant learns nothing from the validator and
 * changes nothing. test/http/access.test.ts checks that every operation in openapi.yaml has a row
 * here or is public, so a new route cannot be left open by forgetting it.
 *
 * Kafka's meaning: read = fetch/subscribe/consume/commit, write = produce, describe = metadata,
 * offsets and lag, admin = create/alter/delete (on `cluster`: keys and tokens). A consumer-group
 * call needs read on the group and on each topic it names (join and commit name them; a poll
 * needs read on each topic of the member, whoever joined it).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Action, Resource } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { Security } from '../auth/security.js';
import { checkName } from '../core/names.js';
import { isGatewayError } from '../errors.js';
import { isNdjson } from './ndjson.js';

export interface AccessRule {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Hono path pattern. */
  path: string;
  /** What the caller needs, in words (shown in openapi.yaml). */
  needs: string;
  check(c: Context, principal: Principal, security: Security, lookup: AccessLookup): void | Promise<void>;
}

/** What some checks need to know of the state (read only, never throwing). */
export interface AccessLookup {
  /** The topics a group member joined for; empty when there is no such member (the handler then answers why). */
  memberTopics(group: string, memberId: string): readonly string[];
}

/** Operations anyone may call, with or without a credential. */
export const PUBLIC_OPERATIONS: ReadonlySet<string> = new Set(['healthz', 'readyz']);
/** Paths outside the API that need no credential (the document itself). */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/openapi.yaml', '/openapi.json']);

const topic = (name: unknown): Resource => ({ kind: 'topic', name: String(name) });
const group = (name: unknown): Resource => ({ kind: 'group', name: String(name) });
const CLUSTER: Resource = { kind: 'cluster' };

const one = (resource: (c: Context) => Resource, action: Action) => (c: Context, p: Principal) => p.require(resource(c), action);
const pathTopic = (c: Context) => topic(c.req.param('topic'));
const pathGroup = (c: Context) => group(c.req.param('group'));

/** The JSON body, when there is one that parses (otherwise the validator answers 400 after the check). */
async function jsonBody(c: Context): Promise<Record<string, unknown> | undefined> {
  if (!/json/i.test(c.req.header('content-type') ?? '')) return undefined;
  try {
    const body: unknown = await c.req.json();
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export const ACCESS_RULES: readonly AccessRule[] = [
  { operationId: 'listTopics', method: 'GET', path: '/v1/topics', needs: 'describe on each topic listed; the others are left out', check: () => {} },
  {
    operationId: 'createTopic',
    method: 'POST',
    path: '/v1/topics',
    needs: 'admin on topic:{name}',
    async check(c, p) {
      const name = (await jsonBody(c))?.name;
      if (typeof name === 'string') p.require(topic(name), 'admin');
      else p.require(topic(''), 'admin'); // no name: only a grant on every topic passes, then validation answers
    },
  },
  { operationId: 'listPartitions', method: 'GET', path: '/v1/topics/:topic/partitions', needs: 'describe on topic:{topic}', check: one(pathTopic, 'describe') },
  { operationId: 'getTopic', method: 'GET', path: '/v1/topics/:topic', needs: 'describe on topic:{topic}', check: one(pathTopic, 'describe') },
  { operationId: 'updateTopic', method: 'PATCH', path: '/v1/topics/:topic', needs: 'admin on topic:{topic}', check: one(pathTopic, 'admin') },
  // Read, as for the topic's subject in the registry: the document shows the topic's schema.
  {
    operationId: 'getTopicOpenApi',
    method: 'GET',
    path: '/v1/topics/:topic/openapi.json',
    needs: 'read on topic:{topic} (the document shows its schema)',
    check: one(pathTopic, 'read'),
  },
  {
    operationId: 'getTopicOpenApiYaml',
    method: 'GET',
    path: '/v1/topics/:topic/openapi.yaml',
    needs: 'read on topic:{topic} (the document shows its schema)',
    check: one(pathTopic, 'read'),
  },
  { operationId: 'deleteTopic', method: 'DELETE', path: '/v1/topics/:topic', needs: 'admin on topic:{topic}', check: one(pathTopic, 'admin') },
  {
    operationId: 'produceRecords',
    method: 'POST',
    path: '/v1/topics/:topic/records',
    needs: 'write on topic:{topic}; the body counts against the produce-bytes quota',
    check(c, p, security) {
      p.require(pathTopic(c), 'write');
      // An NDJSON body is charged chunk by chunk as it is read, and paced rather than refused (src/http/ndjson-ingest.ts).
      if (!isNdjson(c.req.header('content-type'))) security.chargeProduceBytes(p, Number(c.req.header('content-length') ?? 0) || 0);
    },
  },
  {
    operationId: 'fetchRecords',
    method: 'GET',
    path: '/v1/topics/:topic/partitions/:partition/records',
    needs: 'read on topic:{topic}',
    check: one(pathTopic, 'read'),
  },
  { operationId: 'getSnapshot', method: 'GET', path: '/v1/topics/:topic/snapshot', needs: 'read on topic:{topic}', check: one(pathTopic, 'read') },
  { operationId: 'getKey', method: 'GET', path: '/v1/topics/:topic/keys/:key', needs: 'read on topic:{topic}', check: one(pathTopic, 'read') },
  { operationId: 'readTopic', method: 'GET', path: '/v1/topics/:topic/records', needs: 'read on topic:{topic}', check: one(pathTopic, 'read') },
  {
    operationId: 'getPartitionOffsets',
    method: 'GET',
    path: '/v1/topics/:topic/partitions/:partition/offsets',
    needs: 'describe on topic:{topic}',
    check: one(pathTopic, 'describe'),
  },
  {
    operationId: 'streamTopic',
    method: 'GET',
    path: '/v1/topics/:topic/ws',
    needs: 'read on topic:{topic}; with ?group=, read on group:{group} too',
    check(c, p) {
      p.require(pathTopic(c), 'read');
      const g = c.req.query('group');
      if (g !== undefined) p.require(group(g), 'read');
    },
  },
  {
    operationId: 'streamTopicEvents',
    method: 'GET',
    path: '/v1/topics/:topic/events',
    needs: 'read on topic:{topic}; with ?group=, read on group:{group} too',
    check(c, p) {
      p.require(pathTopic(c), 'read');
      const g = c.req.query('group');
      if (g !== undefined) p.require(group(g), 'read');
    },
  },
  { operationId: 'multiplexSocket', method: 'GET', path: '/v1/ws', needs: 'a credential; each command is checked as its REST counterpart', check: () => {} },
  { operationId: 'listGroups', method: 'GET', path: '/v1/groups', needs: 'describe on each group listed; the others are left out', check: () => {} },
  {
    operationId: 'getGroup',
    method: 'GET',
    path: '/v1/groups/:group',
    needs: 'describe on group:{group}; offsets are shown only for topics the caller may describe',
    check: one(pathGroup, 'describe'),
  },
  { operationId: 'deleteGroup', method: 'DELETE', path: '/v1/groups/:group', needs: 'admin on group:{group}', check: one(pathGroup, 'admin') },
  {
    operationId: 'joinGroup',
    method: 'POST',
    path: '/v1/groups/:group/members',
    needs: 'read on group:{group} and on each topic in `topics`',
    async check(c, p) {
      p.require(pathGroup(c), 'read');
      for (const name of strings((await jsonBody(c))?.topics)) p.require(topic(name), 'read');
    },
  },
  {
    operationId: 'heartbeat',
    method: 'POST',
    path: '/v1/groups/:group/members/:memberId/heartbeat',
    needs: 'read on group:{group}',
    check: one(pathGroup, 'read'),
  },
  { operationId: 'leaveGroup', method: 'DELETE', path: '/v1/groups/:group/members/:memberId', needs: 'read on group:{group}', check: one(pathGroup, 'read') },
  {
    operationId: 'pollGroup',
    method: 'GET',
    path: '/v1/groups/:group/members/:memberId/records',
    needs: "read on group:{group} and on each of the member's topics",
    check(c, p, _security, lookup) {
      p.require(pathGroup(c), 'read');
      // Checked at every poll, not only at join: member ids are listed to anyone who may describe
      // the group, and a poll reads the member's topics whoever sends it.
      for (const name of lookup.memberTopics(c.req.param('group') ?? '', c.req.param('memberId') ?? '')) p.require(topic(name), 'read');
    },
  },
  {
    operationId: 'commitOffsets',
    method: 'POST',
    path: '/v1/groups/:group/offsets',
    needs: 'read on group:{group} and on each topic committed',
    async check(c, p) {
      p.require(pathGroup(c), 'read');
      const offsets = (await jsonBody(c))?.offsets;
      if (Array.isArray(offsets)) {
        for (const o of offsets) if (typeof o?.topic === 'string') p.require(topic(o.topic), 'read');
      }
    },
  },
  {
    operationId: 'getGroupOffsets',
    method: 'GET',
    path: '/v1/groups/:group/offsets',
    needs: 'describe on group:{group}; offsets are shown only for topics the caller may describe',
    check: one(pathGroup, 'describe'),
  },
  {
    operationId: 'resetGroupOffsets',
    method: 'POST',
    path: '/v1/groups/:group/offsets/reset',
    needs: 'admin on group:{group}',
    check: one(pathGroup, 'admin'),
  },
  // Prometheus scrapers send a bearer token too (bearer_token / authorization in scrape configs).
  { operationId: 'metrics', method: 'GET', path: '/metrics', needs: 'describe on cluster', check: one(() => CLUSTER, 'describe') },
  {
    operationId: 'backup',
    method: 'GET',
    path: '/v1/backup',
    needs: 'admin on cluster (the copy holds every record)',
    check: one(() => CLUSTER, 'admin'),
  },
  { operationId: 'createKey', method: 'POST', path: '/v1/keys', needs: 'admin on cluster, and every permission the key is given', check: one(() => CLUSTER, 'admin') },
  { operationId: 'listKeys', method: 'GET', path: '/v1/keys', needs: 'admin on cluster', check: one(() => CLUSTER, 'admin') },
  { operationId: 'deleteKey', method: 'DELETE', path: '/v1/keys/:id', needs: 'admin on cluster', check: one(() => CLUSTER, 'admin') },
  {
    operationId: 'createToken',
    method: 'POST',
    path: '/v1/tokens',
    needs: 'admin on cluster, and every permission the token is given',
    check: one(() => CLUSTER, 'admin'),
  },
];

/**
 * The schema registry's subjects belong to a topic under Confluent's TopicNameStrategy
 * (`<topic>-key`, `<topic>-value`), so whoever may consume a topic may read its schemas and whoever
 * administers it may change them; any other subject is the cluster's.
 */
export function subjectResource(subject: string): Resource {
  const match = /^(.+)-(?:key|value)$/.exec(subject);
  return match && checkName(match[1]!) === undefined ? topic(match[1]) : CLUSTER;
}
const pathSubject = (c: Context) => subjectResource(c.req.param('subject') ?? '');
const credential = 'a credential (a schema is what every producer and consumer needs to encode or decode)';

/**
 * The schema registry's operations (src/http/registry.ts, Confluent's API, outside openapi.yaml):
 * reads need read on the subject's topic (see subjectResource; describe on the cluster for the
 * registry-wide level), writes need admin on it, or on the cluster for other subjects. A producer
 * whose serializer registers schemas itself needs admin on its topic; register them ahead instead.
 */
export const REGISTRY_ACCESS_RULES: readonly AccessRule[] = [
  { operationId: 'registryListTypes', method: 'GET', path: '/registry/schemas/types', needs: credential, check: () => {} },
  { operationId: 'registryGetSchema', method: 'GET', path: '/registry/schemas/ids/:id', needs: credential, check: () => {} },
  { operationId: 'registryGetSchemaVersions', method: 'GET', path: '/registry/schemas/ids/:id/versions', needs: credential, check: () => {} },
  { operationId: 'registryListSubjects', method: 'GET', path: '/registry/subjects', needs: 'a credential; subjects the caller may not read are left out', check: () => {} },
  { operationId: 'registryListVersions', method: 'GET', path: '/registry/subjects/:subject/versions', needs: 'read on the subject’s topic', check: one(pathSubject, 'read') },
  { operationId: 'registryGetVersion', method: 'GET', path: '/registry/subjects/:subject/versions/:version', needs: 'read on the subject’s topic', check: one(pathSubject, 'read') },
  {
    operationId: 'registryGetVersionSchema',
    method: 'GET',
    path: '/registry/subjects/:subject/versions/:version/schema',
    needs: 'read on the subject’s topic',
    check: one(pathSubject, 'read'),
  },
  { operationId: 'registryRegister', method: 'POST', path: '/registry/subjects/:subject/versions', needs: 'admin on the subject’s topic', check: one(pathSubject, 'admin') },
  { operationId: 'registryLookup', method: 'POST', path: '/registry/subjects/:subject', needs: 'read on the subject’s topic', check: one(pathSubject, 'read') },
  { operationId: 'registryDeleteVersion', method: 'DELETE', path: '/registry/subjects/:subject/versions/:version', needs: 'admin on the subject’s topic', check: one(pathSubject, 'admin') },
  { operationId: 'registryDeleteSubject', method: 'DELETE', path: '/registry/subjects/:subject', needs: 'admin on the subject’s topic', check: one(pathSubject, 'admin') },
  { operationId: 'registryGetConfig', method: 'GET', path: '/registry/config', needs: 'describe on cluster', check: one(() => CLUSTER, 'describe') },
  { operationId: 'registrySetConfig', method: 'PUT', path: '/registry/config', needs: 'admin on cluster', check: one(() => CLUSTER, 'admin') },
  { operationId: 'registryGetSubjectConfig', method: 'GET', path: '/registry/config/:subject', needs: 'read on the subject’s topic', check: one(pathSubject, 'read') },
  { operationId: 'registrySetSubjectConfig', method: 'PUT', path: '/registry/config/:subject', needs: 'admin on the subject’s topic', check: one(pathSubject, 'admin') },
  { operationId: 'registryDeleteSubjectConfig', method: 'DELETE', path: '/registry/config/:subject', needs: 'admin on the subject’s topic', check: one(pathSubject, 'admin') },
  {
    operationId: 'registryTestCompatibility',
    method: 'POST',
    path: '/registry/compatibility/subjects/:subject/versions/:version',
    needs: 'read on the subject’s topic',
    check: one(pathSubject, 'read'),
  },
];

/** Route middleware running one rule: refusals are audited and answered 403 by the error handler. */
export function accessCheck(rule: AccessRule, security: Security, lookup: AccessLookup): MiddlewareHandler {
  // Not async: most checks are synchronous (produce and fetch among them), and a long-poll parked
  // behind this middleware would hold a suspended frame of it until answered (issue 9). A check that
  // reads the body returns a promise, and is waited for.
  return (c, next) => {
    const principal = c.get('principal');
    const refused = (err: unknown): never => {
      if (isGatewayError(err)) {
        security.audit({
          principal: principal.id,
          action: rule.operationId,
          resource: String(err.details.resource ?? c.req.path),
          outcome: 'refused',
          reason: err.code,
        });
      }
      throw err;
    };
    let checked: void | Promise<void> = undefined;
    try {
      checked = rule.check(c, principal, security, lookup);
    } catch (err) {
      refused(err);
    }
    const allowed = (): Promise<void> => {
      if (!AUDITED.has(rule.operationId)) return next();
      return next().then(() => {
        if (c.res.status >= 400) return;
        const resource = rule.operationId === 'deleteTopic' ? `topic:${c.req.param('topic')}` : `group:${c.req.param('group')}`;
        security.audit({ principal: principal.id, action: rule.operationId, resource, outcome: 'allowed' });
      });
    };
    return checked instanceof Promise ? checked.then(allowed, refused) : allowed();
  };
}

/** Deletions are audited when they succeed (key and token changes are audited by their routes, refusals here). */
const AUDITED: ReadonlySet<string> = new Set(['deleteTopic', 'deleteGroup']);
