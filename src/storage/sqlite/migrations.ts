/**
 * Append-only schema migrations, tracked by `PRAGMA user_version`.
 * Never edit a shipped entry: add a new one.
 *
 * Design notes:
 * - `records` is WITHOUT ROWID keyed by (topic_id, partition, offset): the log is
 *   one B-tree ordered exactly as it is read, with no second index to maintain.
 * - `key` and `value` are declared BLOB, whose affinity never converts: a TEXT
 *   value stays TEXT (a UTF-8 key, or the JSON text of a JSON value) and a BLOB
 *   stays BLOB (binary), so the column's storage class records the encoding.
 * - `partitions.high_watermark` is written in the same transaction as the records,
 *   so the next offset survives retention deleting every record.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE topics (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    partitions  INTEGER NOT NULL,
    config      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
  );
  CREATE TABLE partitions (
    topic_id          INTEGER NOT NULL,
    partition         INTEGER NOT NULL,
    log_start_offset  INTEGER NOT NULL,
    high_watermark    INTEGER NOT NULL,
    PRIMARY KEY (topic_id, partition)
  ) WITHOUT ROWID;
  CREATE TABLE records (
    topic_id   INTEGER NOT NULL,
    partition  INTEGER NOT NULL,
    offset     INTEGER NOT NULL,
    timestamp  INTEGER NOT NULL,
    key        BLOB,
    value      BLOB    NOT NULL,
    headers    TEXT,
    PRIMARY KEY (topic_id, partition, offset)
  ) WITHOUT ROWID;
  CREATE TABLE idempotency_keys (
    topic_id     INTEGER NOT NULL,
    key          TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    positions    TEXT    NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (topic_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
  CREATE TABLE groups (
    name   TEXT PRIMARY KEY,
    state  TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE group_offsets (
    group_name    TEXT    NOT NULL,
    topic         TEXT    NOT NULL,
    partition     INTEGER NOT NULL,
    offset        INTEGER NOT NULL,
    committed_at  INTEGER NOT NULL,
    PRIMARY KEY (group_name, topic, partition)
  ) WITHOUT ROWID;
  `,
  // The largest record (key + value + headers, in bytes) ever appended to each partition, so a
  // read can take as many rows at once as fit its byte budget even if each were that large.
  // octet_length reads a value's size from the row header without loading the value.
  `
  ALTER TABLE partitions ADD COLUMN max_record_bytes INTEGER NOT NULL DEFAULT 0;
  UPDATE partitions SET max_record_bytes = coalesce((
    SELECT max(coalesce(octet_length(key), 0) + octet_length(value) + coalesce(octet_length(headers), 0))
    FROM records WHERE records.topic_id = partitions.topic_id AND records.partition = partitions.partition
  ), 0);
  `,
  // A sparse time index, as Kafka keeps one per segment: one row per partition per commit with
  // the largest timestamp appended so far. That running maximum only grows with the offset, so
  // the first row whose maximum reaches a time T starts the span holding the first record at or
  // after T, and offsetForTimestamp scans one commit's records instead of the whole partition.
  // Existing records are indexed in spans of 1000 offsets.
  `
  CREATE TABLE time_index (
    topic_id       INTEGER NOT NULL,
    partition      INTEGER NOT NULL,
    start_offset   INTEGER NOT NULL,
    max_timestamp  INTEGER NOT NULL,
    PRIMARY KEY (topic_id, partition, start_offset)
  ) WITHOUT ROWID;
  CREATE INDEX time_index_by_time ON time_index (topic_id, partition, max_timestamp);
  INSERT INTO time_index (topic_id, partition, start_offset, max_timestamp)
    SELECT topic_id, partition, min(offset), max(running)
    FROM (SELECT topic_id, partition, offset,
                 max(timestamp) OVER (PARTITION BY topic_id, partition ORDER BY offset) AS running
          FROM records)
    GROUP BY topic_id, partition, offset / 1000;
  `,
  // The largest record of each time-index span (one commit's records in a partition), so a read
  // can size its chunks by the records in its own range: one large record used to slow every
  // later read of its partition, even after retention had deleted it. Existing spans are measured.
  `
  ALTER TABLE time_index ADD COLUMN max_record_bytes INTEGER NOT NULL DEFAULT 0;
  UPDATE time_index SET max_record_bytes = coalesce((
    SELECT max(coalesce(octet_length(r.key), 0) + octet_length(r.value) + coalesce(octet_length(r.headers), 0))
    FROM records r
    WHERE r.topic_id = time_index.topic_id AND r.partition = time_index.partition
      AND r.offset >= time_index.start_offset
      AND r.offset < coalesce((
        SELECT min(n.start_offset) FROM time_index n
        WHERE n.topic_id = time_index.topic_id AND n.partition = time_index.partition AND n.start_offset > time_index.start_offset
      ), 9223372036854775807)
  ), 0);
  `,
  // Security (src/auth): API keys, of which only the secret's SHA-256 is kept, and named secrets
  // made once (the key that signs browser tokens, so tokens survive a restart). IF NOT EXISTS:
  // the upgrade tests roll user_version back on a newer file, and re-running this must be harmless.
  `
  CREATE TABLE IF NOT EXISTS api_keys (
    id           TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    secret_hash  TEXT    NOT NULL,
    grants       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS secrets (
    name   TEXT PRIMARY KEY,
    value  BLOB NOT NULL
  ) WITHOUT ROWID;
  `,
  // Per-commit bookkeeping by partition, not by record (issue 9). From this version on, a commit
  // writes its records and nothing else unless it opens a time-index span: spans close by size
  // (time-index.ts, SPAN_BYTES), a partition's last row is its open span, kept current in memory and
  // recomputed at open; partitions.high_watermark is written only when the log start moves, and at
  // open the high watermark is the larger of it and the last record's offset + 1;
  // partitions.max_record_bytes is no longer written. Existing rows are valid as they are (spans of one
  // commit each). The version moves so that an older build, which would take the stored high watermark
  // as it is and hand out offsets again, refuses this file.
  `
  SELECT 1;
  `,
  // Consumer groups in pieces (issue 9): a member's state in its own row, so a join or a heartbeat
  // writes the members it changed instead of the whole group as one JSON text (269 KB at 1,000
  // members, rewritten and fsynced per join). `groups.state` keeps the group-wide part. Existing
  // groups (the coordinator's version 1: {version, groupEpoch, members, fenced}) are split into
  // version 2, {version, groupEpoch, fenced}, plus one row per member with its place in the old
  // list as `joinSeq` (the list was in join order), in the same transaction. Re-running it is harmless
  // (IF NOT EXISTS; only version-1 rows are converted), as the upgrade tests that roll user_version back need.
  `
  CREATE TABLE IF NOT EXISTS group_members (
    group_name  TEXT NOT NULL,
    member_id   TEXT NOT NULL,
    state       TEXT NOT NULL,
    PRIMARY KEY (group_name, member_id)
  ) WITHOUT ROWID;
  INSERT INTO group_members (group_name, member_id, state)
    SELECT g.name, json_extract(m.value, '$.memberId'), json_set(m.value, '$.joinSeq', m.key + 1)
    FROM groups g, json_each(g.state, '$.members') m
    WHERE json_extract(g.state, '$.version') = 1;
  UPDATE groups SET state = json_set(json_remove(state, '$.members'), '$.version', 2)
    WHERE json_extract(state, '$.version') = 1;
  `,
  // The schema registry (issue 16): each distinct schema once, with its stable id (never reused:
  // rows are never deleted, so max(id) only grows) and a fingerprint of its content to find it
  // again; each subject's versions pointing at ids, soft-deleted ones flagged; compatibility levels,
  // the registry-wide one under the subject ''. IF NOT EXISTS: re-running it is harmless.
  `
  CREATE TABLE IF NOT EXISTS schemas (
    id           INTEGER PRIMARY KEY,
    fingerprint  TEXT    NOT NULL UNIQUE,
    schema_type  TEXT    NOT NULL,
    schema       TEXT    NOT NULL,
    refs         TEXT    NOT NULL
  );
  CREATE TABLE IF NOT EXISTS schema_versions (
    subject    TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    schema_id  INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, version)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS schema_versions_by_schema ON schema_versions (schema_id);
  CREATE TABLE IF NOT EXISTS schema_config (
    subject        TEXT PRIMARY KEY,
    compatibility  TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // Keys (issue 14): the latest record of a key, a snapshot of the latest record per key, and
  // compaction all look records up by key. A partial index on the records table (keyless records
  // stay out of it) rather than a table of latest offsets: a commit adds one index entry per keyed
  // record instead of an upsert (a lookup and a write), and the index also finds the latest version
  // below an offset, which a snapshot consistent with a past high watermark needs. Building it over
  // an existing log reads every record once, at the upgrade.
  `
  CREATE INDEX IF NOT EXISTS records_by_key ON records (topic_id, partition, key, offset) WHERE key IS NOT NULL;
  `,
];
