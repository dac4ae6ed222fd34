/**
 * What a failed SQLite write means to an operator, in one place: the store's writes and its
 * readiness probe turn SQLite's "cannot commit" codes into UNAVAILABLE (HTTP 503 with
 * Retry-After: the request was fine, the disk is not), and start-up turns them into a message
 * naming the path and the fix. Any other error is left alone (a bug stays a 500).
 *
 * Codes: https://www.sqlite.org/rescode.html. A read-only file or folder shows as SQLITE_READONLY
 * (the file could only be opened read-only) or SQLITE_CANTOPEN (a file such as the WAL cannot be
 * created); a file whose writes the kernel refuses after it was opened (EPERM, EROFS, EIO) as
 * SQLITE_IOERR_*; a full disk as SQLITE_FULL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode, GatewayError } from '../../errors.js';

export const StoreFailureReason = {
  READ_ONLY: 'read-only',
  DISK_FULL: 'disk-full',
  IO_ERROR: 'io-error',
  CORRUPT: 'corrupt',
} as const;
export type StoreFailureReason = (typeof StoreFailureReason)[keyof typeof StoreFailureReason];

/** Seconds a client should wait before retrying a write the disk refused. */
export const STORE_RETRY_AFTER_SECONDS = 5;

function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** The failure's reason when `err` is SQLite saying it cannot commit; otherwise undefined. */
export function failureReason(err: unknown): StoreFailureReason | undefined {
  const code = sqliteCode(err);
  if (!code) return undefined;
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') return StoreFailureReason.READ_ONLY;
  if (code === 'SQLITE_FULL') return StoreFailureReason.DISK_FULL;
  if (code.startsWith('SQLITE_IOERR')) return StoreFailureReason.IO_ERROR;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return StoreFailureReason.CORRUPT;
  return undefined;
}

/** What each reason means, after "cannot write <file>: ". */
const EXPLANATION: Record<StoreFailureReason, string> = {
  'read-only': 'read-only: the file or its folder is not writable, or the file system is mounted read-only',
  'disk-full': 'disk full',
  'io-error': 'I/O error: a failing disk, or a file made immutable or read-only while open',
  corrupt: 'damaged, or not a SQLite database',
};

/**
 * UNAVAILABLE saying why, when `err` is a commit SQLite could not make; else undefined.
 * Clients see the reason, not the server's paths or SQLite's codes (those stay in `cause`).
 */
export function storeUnavailable(err: unknown): GatewayError | undefined {
  const reason = failureReason(err);
  if (!reason) return undefined;
  return new GatewayError(
    ErrorCode.UNAVAILABLE,
    `the database cannot commit: ${EXPLANATION[reason]}`,
    { reason, retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
    { cause: err },
  );
}

/** The gateway's user, for the fix: "the gateway runs as uid 1000" (the Docker image's user). */
function runningAs(): string {
  const uid = process.getuid?.();
  return uid === undefined ? '' : ` (the gateway runs as uid ${uid})`;
}

/**
 * A start-up failure of the store, as a message naming the path and the fix, e.g.
 * "cannot open /data/logway.db: read-only ...; make /data and its files writable by uid 1000".
 * Returns `err` itself when it is nothing this module knows.
 */
export function explainOpenFailure(err: unknown, dataDir: string, file: string): Error {
  const dir = path.resolve(dataDir);
  const errno = (err as { code?: unknown } | null)?.code;
  if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS') {
    return new Error(
      `cannot create the data directory ${dir}: ${errno === 'EROFS' ? 'read-only file system' : 'permission denied'}; ` +
        `create it writable by the gateway's user${runningAs()}, or set LOGWAY_DATA_DIR to a writable folder`,
      { cause: err },
    );
  }
  const reason = failureReason(err);
  const fix: Record<StoreFailureReason, string> = {
    'read-only': `make ${dir} and the files in it writable by the gateway's user${runningAs()} (e.g. chown -R), and mount it read-write`,
    'disk-full': `free space on the disk holding ${dir}`,
    'io-error': `check the disk and the file's attributes (lsattr), and the kernel log`,
    corrupt: `restore it from a backup (see "Backups" in the README) or move it away to start empty`,
  };
  if (!reason) return err instanceof Error ? err : new Error(String(err));
  return new Error(`cannot open ${file}: ${EXPLANATION[reason]} (${sqliteCode(err)}); fix: ${fix[reason]}`, { cause: err });
}

/**
 * Readiness after a full disk. A commit that failed with SQLITE_FULL rolls back, which can leave
 * room for a small commit (the WAL file keeps its size): the readiness probe's one-page commit then
 * succeeds although the disk is still full for real writes. So after SQLITE_FULL the store stays
 * unready until space on the data directory's file system has grown since the failure (an operator
 * freed some) or a record append has committed again (only the store's append tells it so).
 */
export class DiskFullWatch {
  readonly #dir: string;
  readonly #onChange: (full: boolean) => void;
  /** Free bytes when the last commit failed for want of space; undefined: no such failure pending. */
  #freeAtFailure: number | undefined;

  /** `onChange`: told when the disk turns full (a commit failed for want of space) and when it no longer is. */
  constructor(dir: string, onChange: (full: boolean) => void = () => undefined) {
    this.#dir = dir;
    this.#onChange = onChange;
  }

  /** Tells the watch of a write's outcome (`err` undefined: it committed). */
  observe(err: unknown): void {
    if (err === undefined) this.#set(undefined);
    else if (failureReason(err) === StoreFailureReason.DISK_FULL) this.#set(this.#freeBytes());
  }

  /** True while the disk is still as full as when a commit last failed for want of space. */
  stillFull(): boolean {
    if (this.#freeAtFailure === undefined) return false;
    if (this.#freeBytes() > this.#freeAtFailure) this.#set(undefined);
    return this.#freeAtFailure !== undefined;
  }

  #set(freeAtFailure: number | undefined): void {
    const wasFull = this.#freeAtFailure !== undefined;
    this.#freeAtFailure = freeAtFailure;
    if (wasFull !== (freeAtFailure !== undefined)) this.#onChange(!wasFull);
  }

  #freeBytes(): number {
    const stats = fs.statfsSync(this.#dir);
    return stats.bavail * stats.bsize;
  }
}

/** The UNAVAILABLE a full disk gives, for readiness while DiskFullWatch says it is still full. */
export function diskStillFull(): GatewayError {
  return new GatewayError(
    ErrorCode.UNAVAILABLE,
    `the database cannot commit: ${EXPLANATION[StoreFailureReason.DISK_FULL]} (no space has been freed since a write failed)`,
    { reason: StoreFailureReason.DISK_FULL, retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
  );
}
