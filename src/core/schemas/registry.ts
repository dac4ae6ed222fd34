/**
 * The schema registry (Confluent's model): subjects hold numbered versions of schemas, each
 * distinct schema has a stable id, and a new version must keep the subject's compatibility level.
 * Knows no transport: src/http/registry.ts speaks Confluent's REST API over it. Errors carry
 * `details.registryCode`, the registry's own error code, for that API's answers.
 *
 * Parsed schemas are cached by id (an id's content never changes), and each subject's latest
 * live version is cached until this registry changes the subject, so produce validation costs
 * no store read per request. (A second gateway sharing the store would not see this one's new
 * versions until it restarts: the caches assume one writer, as the SQLite store does.)
 */
import { ErrorCode, GatewayError, invalid } from '../../errors.js';
import type { CompatibilityLevel, SchemaContent, SchemaReference, SchemaStore, SchemaType, StoredSchema, SubjectVersion } from '../../storage/schema-store.js';
import { compatibilityProblems, DEFAULT_COMPATIBILITY } from './compatibility.js';
import type { ParsedSchema, ResolvedReference } from './format.js';
import { FORMATS } from './formats.js';

export interface SchemaInput {
  schema: string;
  schemaType?: SchemaType | undefined;
  references?: SchemaReference[] | undefined;
}

const subjectNotFound = (subject: string) => new GatewayError(ErrorCode.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`, { registryCode: 40401 });
const versionNotFound = (subject: string, version: string | number) =>
  new GatewayError(ErrorCode.VERSION_NOT_FOUND, `Version ${version} not found for subject '${subject}'.`, { registryCode: 40402 });
const schemaNotFound = (message: string) => new GatewayError(ErrorCode.SCHEMA_NOT_FOUND, message, { registryCode: 40403 });

export class SchemaRegistry {
  readonly #store: SchemaStore | undefined;
  readonly #parsed = new Map<number, Promise<ParsedSchema>>();
  readonly #latest = new Map<string, Promise<SubjectVersion | undefined>>();
  readonly #ids = new Map<string, Promise<Set<number>>>();
  /** Registrations and deletions one at a time, so a compatibility check sees the versions it is checked against. */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(store: SchemaStore | undefined) {
    this.#store = store;
  }

  get #schemas(): SchemaStore {
    if (!this.#store) throw new GatewayError(ErrorCode.UNAVAILABLE, 'this gateway’s store keeps no schemas', { registryCode: 50302 });
    return this.#store;
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(work, work);
    this.#writes = run.catch(() => {});
    return run;
  }

  /** Registers `input` under `subject` (or finds it there): its id. Throws INCOMPATIBLE_SCHEMA naming what broke. */
  register(subject: string, input: SchemaInput): Promise<{ id: number; version: number }> {
    checkSubject(subject);
    return this.#serially(async () => {
      const { content, parsed } = await this.#prepare(input);
      const live = (await this.#schemas.versions(subject)).filter((v) => !v.deleted);
      const same = live.find((v) => sameContent(v, content));
      if (same) return { id: same.id, version: same.version };
      const problems = compatibilityProblems(await this.#level(subject), parsed, await this.#parsedVersions(live));
      if (problems.length) throw incompatible(problems);
      const { version } = await this.#schemas.register(subject, content);
      this.#parsed.set(version.id, Promise.resolve(parsed));
      this.#forget(subject);
      return { id: version.id, version: version.version };
    });
  }

  /** The version of `subject` whose schema is `input`. */
  async lookup(subject: string, input: SchemaInput, includeDeleted: boolean): Promise<SubjectVersion> {
    const { content } = await this.#prepare(input);
    const versions = (await this.#schemas.versions(subject)).filter((v) => includeDeleted || !v.deleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    const found = versions.find((v) => sameContent(v, content));
    if (!found) throw schemaNotFound('Schema not found.');
    return found;
  }

  subjects(includeDeleted: boolean): Promise<string[]> {
    return this.#schemas.subjects(includeDeleted);
  }

  async versions(subject: string, includeDeleted: boolean): Promise<number[]> {
    const versions = (await this.#schemas.versions(subject)).filter((v) => includeDeleted || !v.deleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    return versions.map((v) => v.version);
  }

  /** `version`: a number, or "latest" / -1 for the latest live version. */
  async version(subject: string, version: string, includeDeleted = false): Promise<SubjectVersion> {
    const wanted = parseVersion(version);
    const all = await this.#schemas.versions(subject);
    const versions = all.filter((v) => includeDeleted || !v.deleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    const found = wanted === 'latest' ? versions.at(-1) : versions.find((v) => v.version === wanted);
    if (!found) throw versionNotFound(subject, version);
    return found;
  }

  async schema(id: number): Promise<StoredSchema> {
    const found = await this.#schemas.schemaById(id);
    if (!found) throw schemaNotFound(`Schema ${id} not found`);
    return found;
  }

  async schemaVersions(id: number): Promise<{ subject: string; version: number }[]> {
    await this.schema(id);
    return (await this.#schemas.versionsOfSchema(id)).filter((v) => !v.deleted).map((v) => ({ subject: v.subject, version: v.version }));
  }

  /** Soft delete, or with `permanent` removal of a version already soft-deleted (Confluent's two steps). */
  deleteVersion(subject: string, version: string, permanent: boolean): Promise<number> {
    return this.#serially(async () => {
      const found = await this.version(subject, version, permanent);
      if (permanent) {
        if (!found.deleted) {
          throw new GatewayError(ErrorCode.INVALID_REQUEST, `Subject '${subject}' Version ${found.version} was not deleted first before being permanently deleted`, { registryCode: 40407 });
        }
        await this.#schemas.hardDelete(subject, found.version);
      } else await this.#schemas.softDelete(subject, found.version);
      this.#forget(subject);
      return found.version;
    });
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.#serially(async () => {
      const all = await this.#schemas.versions(subject);
      if (all.length === 0) throw subjectNotFound(subject);
      const live = all.filter((v) => !v.deleted);
      if (permanent) {
        if (live.length > 0) throw new GatewayError(ErrorCode.INVALID_REQUEST, `Subject '${subject}' was not deleted first before being permanently deleted`, { registryCode: 40405 });
        for (const v of all) await this.#schemas.hardDelete(subject, v.version);
        await this.#schemas.setCompatibility(subject, null);
      } else {
        if (live.length === 0) throw new GatewayError(ErrorCode.SUBJECT_NOT_FOUND, `Subject '${subject}' was soft deleted.`, { registryCode: 40404 });
        for (const v of live) await this.#schemas.softDelete(subject, v.version);
      }
      this.#forget(subject);
      return (permanent ? all : live).map((v) => v.version);
    });
  }

  /** The level of `subject` (null: the registry's); unset on a subject: 40408, or with `defaultToGlobal` the registry's. */
  async config(subject: string | null, defaultToGlobal: boolean): Promise<CompatibilityLevel> {
    const own = await this.#schemas.compatibility(subject);
    if (own) return own;
    if (subject !== null && !defaultToGlobal) {
      throw new GatewayError(ErrorCode.NOT_FOUND, `Subject '${subject}' does not have subject-level compatibility configured`, { registryCode: 40408 });
    }
    return (await this.#schemas.compatibility(null)) ?? DEFAULT_COMPATIBILITY;
  }

  async setConfig(subject: string | null, level: CompatibilityLevel): Promise<void> {
    if (subject !== null) checkSubject(subject);
    await this.#schemas.setCompatibility(subject, level);
  }

  /** Clears a subject's own level (it follows the registry's again): the level it had. */
  async deleteConfig(subject: string): Promise<CompatibilityLevel> {
    const level = await this.config(subject, false);
    await this.#schemas.setCompatibility(subject, null);
    return level;
  }

  /** Why `input` could not be registered as the next version after `version` ("latest" or a number); [] when it could. */
  async compatibility(subject: string, version: string, input: SchemaInput): Promise<string[]> {
    const { parsed } = await this.#prepare(input);
    const level = await this.#level(subject);
    const live = (await this.#schemas.versions(subject)).filter((v) => !v.deleted);
    if (live.length === 0 && version === 'latest') return [];
    const target = await this.version(subject, version);
    const against = level.endsWith('_TRANSITIVE') ? live.filter((v) => v.version <= target.version) : [target];
    return compatibilityProblems(level, parsed, await this.#parsedVersions(against));
  }

  /** The subject's latest live version (cached), for produce validation. */
  latest(subject: string): Promise<SubjectVersion | undefined> {
    let found = this.#latest.get(subject);
    if (!found) {
      found = this.#schemas.versions(subject).then((vs) => vs.filter((v) => !v.deleted).at(-1));
      found.catch(() => this.#latest.delete(subject));
      this.#latest.set(subject, found);
    }
    return found;
  }

  /** The ids of the subject's versions, soft-deleted ones included (cached), for wire-format records. */
  ids(subject: string): Promise<Set<number>> {
    let found = this.#ids.get(subject);
    if (!found) {
      found = this.#schemas.versions(subject).then((vs) => new Set(vs.map((v) => v.id)));
      found.catch(() => this.#ids.delete(subject));
      this.#ids.set(subject, found);
    }
    return found;
  }

  #forget(subject: string): void {
    this.#latest.delete(subject);
    this.#ids.delete(subject);
  }

  /** The parsed schema with this id (cached: an id's content never changes). */
  parsed(id: number): Promise<ParsedSchema> {
    let found = this.#parsed.get(id);
    if (!found) {
      found = this.schema(id).then((s) => this.#parse(s));
      found.catch(() => this.#parsed.delete(id));
      this.#parsed.set(id, found);
    }
    return found;
  }

  async #level(subject: string): Promise<CompatibilityLevel> {
    return (await this.#schemas.compatibility(subject)) ?? (await this.#schemas.compatibility(null)) ?? DEFAULT_COMPATIBILITY;
  }

  async #parsedVersions(versions: SubjectVersion[]): Promise<{ version: number; schema: ParsedSchema }[]> {
    return Promise.all(versions.map(async (v) => ({ version: v.version, schema: await this.parsed(v.id) })));
  }

  /** Validates and canonicalises a schema from a request, resolving its references. */
  async #prepare(input: SchemaInput): Promise<{ content: SchemaContent; parsed: ParsedSchema }> {
    const schemaType = input.schemaType ?? 'AVRO';
    const format = FORMATS[schemaType];
    const content: SchemaContent = { schemaType, schema: format.canonical(input.schema), references: input.references ?? [] };
    return { content, parsed: await this.#parse(content) };
  }

  async #parse(content: SchemaContent): Promise<ParsedSchema> {
    return FORMATS[content.schemaType].parse(content.schema, await this.#resolve(content.references, new Set()));
  }

  /** The referenced schemas, transitively, dependencies first, each once. */
  async #resolve(references: SchemaReference[], seen: Set<string>): Promise<ResolvedReference[]> {
    const resolved: ResolvedReference[] = [];
    for (const ref of references) {
      const key = `${ref.subject}\u0000${ref.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const found = (await this.#schemas.versions(ref.subject)).find((v) => v.version === ref.version);
      if (!found) {
        throw new GatewayError(ErrorCode.INVALID_SCHEMA, `reference '${ref.name}': subject '${ref.subject}' has no version ${ref.version}`, { registryCode: 42201 });
      }
      resolved.push(...(await this.#resolve(found.references, seen)), { name: ref.name, schemaType: found.schemaType, schema: found.schema });
    }
    return resolved;
  }
}

function sameContent(a: SchemaContent, b: SchemaContent): boolean {
  return a.schemaType === b.schemaType && a.schema === b.schema && JSON.stringify(a.references) === JSON.stringify(b.references);
}

function incompatible(problems: string[]): GatewayError {
  return new GatewayError(ErrorCode.INCOMPATIBLE_SCHEMA, `Schema being registered is incompatible with an earlier schema for subject: ${problems.join('; ')}`, {
    registryCode: 409,
    messages: problems,
  });
}

function checkSubject(subject: string): void {
  // eslint-disable-next-line no-control-regex
  if (subject.length === 0 || subject.length > 255 || /[\u0000-\u001f]/.test(subject)) {
    throw invalid('a subject is 1 to 255 characters, none of them control characters', [{ path: 'subject', message: 'is not a valid subject name' }]);
  }
}

function parseVersion(version: string): number | 'latest' {
  if (version === 'latest' || version === '-1') return 'latest';
  const n = Number(version);
  if (!/^\d+$/.test(version) || n < 1 || n > 2 ** 31 - 1) {
    throw new GatewayError(ErrorCode.INVALID_REQUEST, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`, { registryCode: 42202 });
  }
  return n;
}
