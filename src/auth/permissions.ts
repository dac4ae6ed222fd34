/**
 * Permissions, after Kafka's ACLs: a grant names a resource pattern and the actions it allows;
 * anything not granted is denied.
 *
 * - Resources: `cluster`, `topic:<name>`, `group:<name>`. A name ending in `*` is a prefix
 *   pattern (Kafka's PREFIXED): `topic:logs.*` matches `logs.app` but not `logsX`; `topic:*`
 *   matches every topic. A `*` anywhere else is refused.
 * - Actions: read (fetch, subscribe, consume in a group, commit), write (produce), describe
 *   (metadata, offsets, lag, listing), admin (create, alter, delete; on `cluster`: keys and tokens).
 *   As in Kafka, read, write and admin each imply describe; nothing else is implied.
 *
 * Pure functions over plain data: the transports ask `allows`, the key and token routes ask `missingFrom`.
 */
export const ACTIONS = ['read', 'write', 'describe', 'admin'] as const;
export type Action = (typeof ACTIONS)[number];

export const RESOURCE_KINDS = ['topic', 'group', 'cluster'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export interface Permission {
  /** `cluster`, `topic:<name or prefix*>`, `group:<name or prefix*>`. */
  resource: string;
  actions: Action[];
}

/** A concrete thing a request touches: a named topic or group, or the cluster. */
export interface Resource {
  kind: ResourceKind;
  /** Absent for `cluster`. */
  name?: string;
}

interface Pattern {
  kind: ResourceKind;
  /** The literal name, or the prefix when `prefix` is true ('' matches all). */
  name: string;
  prefix: boolean;
}

const NAME_CHARS = /^[a-zA-Z0-9._-]*$/;

/** Why a resource pattern is malformed, or undefined when it is well formed. */
export function checkResourcePattern(text: string): string | undefined {
  const parsed = parsePattern(text);
  return typeof parsed === 'string' ? parsed : undefined;
}

function parsePattern(text: string): Pattern | string {
  if (text === 'cluster') return { kind: 'cluster', name: '', prefix: false };
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  if (colon === -1 || (kind !== 'topic' && kind !== 'group')) {
    return "must be 'cluster', 'topic:<name>' or 'group:<name>' (a trailing * makes a prefix)";
  }
  let name = text.slice(colon + 1);
  const prefix = name.endsWith('*');
  if (prefix) name = name.slice(0, -1);
  if (!NAME_CHARS.test(name) || name.length > 249) {
    return 'the name must be 1-249 characters of [a-zA-Z0-9._-], optionally ending in *';
  }
  if (!prefix && name.length === 0) return 'the name must not be empty (use * for every name)';
  return { kind, name, prefix };
}

function pattern(text: string): Pattern | undefined {
  const parsed = parsePattern(text);
  return typeof parsed === 'string' ? undefined : parsed;
}

function patternMatches(p: Pattern, resource: Resource): boolean {
  if (p.kind !== resource.kind) return false;
  if (p.kind === 'cluster') return true;
  const name = resource.name ?? '';
  return p.prefix ? name.startsWith(p.name) : name === p.name;
}

/** `held` covers `wanted` when every resource `wanted` can match, `held` matches too. */
function patternCovers(held: Pattern, wanted: Pattern): boolean {
  if (held.kind !== wanted.kind) return false;
  if (held.kind === 'cluster') return true;
  if (!held.prefix) return !wanted.prefix && held.name === wanted.name;
  return wanted.name.startsWith(held.name);
}

function actionCovers(held: readonly Action[], wanted: Action): boolean {
  return held.includes(wanted) || (wanted === 'describe' && held.length > 0);
}

/** Whether any grant allows `action` on `resource`. Deny by default. */
export function allows(grants: readonly Permission[], resource: Resource, action: Action): boolean {
  for (const grant of grants) {
    const p = pattern(grant.resource);
    if (p && patternMatches(p, resource) && actionCovers(grant.actions, action)) return true;
  }
  return false;
}

/**
 * The parts of `requested` that `held` does not cover (empty: `requested` grants nothing more
 * than `held`). Keys and tokens are never minted with more than their creator holds.
 */
export function missingFrom(requested: readonly Permission[], held: readonly Permission[]): { resource: string; action: Action }[] {
  const missing: { resource: string; action: Action }[] = [];
  for (const want of requested) {
    const wanted = pattern(want.resource);
    for (const action of want.actions) {
      const covered =
        wanted !== undefined &&
        held.some((grant) => {
          const p = pattern(grant.resource);
          return p !== undefined && patternCovers(p, wanted) && actionCovers(grant.actions, action);
        });
      if (!covered) missing.push({ resource: want.resource, action });
    }
  }
  return missing;
}

/** Every action on every resource: the administrator key's grants. */
export const ALL_PERMISSIONS: readonly Permission[] = Object.freeze([
  { resource: 'cluster', actions: [...ACTIONS] },
  { resource: 'topic:*', actions: [...ACTIONS] },
  { resource: 'group:*', actions: [...ACTIONS] },
]);

/** `topic:orders` / `group:ui` / `cluster`: how a resource is named in answers and audit lines. */
export function resourceName(resource: Resource): string {
  return resource.kind === 'cluster' ? 'cluster' : `${resource.kind}:${resource.name ?? ''}`;
}

/** Permissions from untrusted JSON (a JWT claim), or the reason they are not. */
export function parsePermissions(value: unknown): Permission[] | string {
  if (!Array.isArray(value)) return 'must be a list of permissions';
  const result: Permission[] = [];
  for (const [i, item] of value.entries()) {
    const { resource, actions } = (item ?? {}) as { resource?: unknown; actions?: unknown };
    if (typeof resource !== 'string') return `item ${i}: resource must be a string`;
    const problem = checkResourcePattern(resource);
    if (problem) return `item ${i}: resource ${problem}`;
    if (!Array.isArray(actions) || !actions.every((a) => (ACTIONS as readonly unknown[]).includes(a))) {
      return `item ${i}: actions must be a list of ${ACTIONS.join(', ')}`;
    }
    result.push({ resource, actions: actions as Action[] });
  }
  return result;
}
