/**
 * Where the schema registry keeps its schemas (src/core/schemas): subjects, their numbered
 * versions, the stable id of each distinct schema, and compatibility levels. A store of its own,
 * beside the log and not part of it, so any backend (SQLite today, JetStream next) implements it
 * on its own terms; the registry's rules (compatibility, what counts as the same schema) live in
 * the core, and storage keeps what it is given.
 *
 * Any implementation must pass test/storage/schema-store.conformance.ts.
 */
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** Another subject's version that a schema imports under `name` (Confluent's schema references). */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** A schema as registered: two contents are the same schema when all three fields are equal. */
export interface SchemaContent {
  schemaType: SchemaType;
  /** The schema's text, already in the core's canonical form. */
  schema: string;
  references: SchemaReference[];
}

export interface StoredSchema extends SchemaContent {
  /** Stable: the same content has this id under every subject, forever (never reused). */
  id: number;
}

export interface SubjectVersion extends StoredSchema {
  subject: string;
  /** 1, 2, ... per subject, never reused (a new version follows the highest ever stored). */
  version: number;
  /** Soft-deleted: kept (and its id still resolves) but no longer part of the subject. */
  deleted: boolean;
}

export interface SchemaStore {
  /**
   * Registers `content` under `subject` in one durable commit. If a live (not deleted) version of
   * the subject has this content, that version is returned and nothing is written (`created` false).
   * Otherwise a new version is added: its id is the one this content already has (from any
   * subject, deleted versions included), or a new id above every id ever given.
   */
  register(subject: string, content: SchemaContent): Promise<{ version: SubjectVersion; created: boolean }>;
  /** The schema with this id, whether or not any version still uses it. */
  schemaById(id: number): Promise<StoredSchema | undefined>;
  /** Every version of `subject`, soft-deleted ones included (flagged), by version ascending; [] if none. */
  versions(subject: string): Promise<SubjectVersion[]>;
  /** The subjects with at least one live version; with `includeDeleted`, also those with only deleted ones. Sorted. */
  subjects(includeDeleted: boolean): Promise<string[]>;
  /** Every version (of any subject, deleted ones flagged) whose schema is `id`. */
  versionsOfSchema(id: number): Promise<SubjectVersion[]>;
  /** Soft-deletes a version; resolves false when there was no such live version. */
  softDelete(subject: string, version: number): Promise<boolean>;
  /** Removes a version for good (the schema's id still resolves); resolves false when there was none. */
  hardDelete(subject: string, version: number): Promise<boolean>;
  /** The level set for `subject`, or for the whole registry with null; undefined when none is set. */
  compatibility(subject: string | null): Promise<CompatibilityLevel | undefined>;
  /** Sets (or with `level` null, clears) the level of `subject`, or of the registry with null. */
  setCompatibility(subject: string | null, level: CompatibilityLevel | null): Promise<void>;
}
