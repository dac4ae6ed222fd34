/**
 * One gateway per data directory: the first to open it holds a lock for its whole life, and
 * a second refuses to start, naming the directory and the holder's pid.
 *
 * Why a SQLite lock file: the lock must be released by the kernel when its holder dies, so a
 * SIGKILL or an OOM kill never leaves a stale lock. A pid file or an O_EXCL lock file does not
 * have that property (a dead holder's file stays, and a reused pid looks alive), and flock(2)
 * is not reachable from Node without another native addon. better-sqlite3 is already here, and
 * SQLite takes POSIX advisory locks (fcntl) on its files: with `locking_mode=EXCLUSIVE` the lock
 * taken by a write transaction is kept until the connection closes or the process dies.
 * The lock is on its own file (`logway.lock`), not on logway.db, so the database itself keeps its
 * normal WAL locking and can still be read by other tools (a backup, the sqlite3 shell).
 *
 * The holder's pid is stored as the lock file's `user_version` (bytes 60-63 of the SQLite header,
 * https://www.sqlite.org/fileformat.html#user_version_number) in the transaction that takes the
 * lock. A refused process cannot read it through SQLite (the lock excludes readers), so it reads
 * those four bytes directly: advisory locks do not stop a plain read.
 *
 * A POSIX lock is dropped when its process closes ANY descriptor of the file, so this process
 * never opens a lock file it holds other than through its one SQLite connection: a second
 * attempt in the same process (two gateways in one test process, say) is refused from `held`.
 *
 * Limits: POSIX locks hold between processes and containers of one kernel that share the
 * directory (a Docker volume or bind mount); they are not reliable on network file systems (NFS).
 * The pid is as seen in the holder's pid namespace (1 in a container).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE = 'logway.lock';

/** Marks the lock file as Logway's (`application_id`, header bytes 68-71): "LgWy". */
const APPLICATION_ID = 0x4c675779;

export interface DataDirLock {
  readonly file: string;
  /** Releases the lock (closing the connection drops SQLite's POSIX locks). Idempotent. */
  release(): void;
}

/** The data directory is held by another process. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    /** The holder's pid, when it could be read. */
    readonly pid: number | undefined,
  ) {
    super(
      `data directory ${dataDir} is in use by another Logway gateway` +
        (pid ? ` (pid ${pid})` : '') +
        `: stop that one first, or give this one its own LOGWAY_DATA_DIR`,
    );
  }
}

/** Lock files this process holds (see above: they must not be opened again here). */
const held = new Set<string>();

/** Takes the data directory's lock, or throws DataDirInUseError at once (it never waits). */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  if (held.has(file)) throw new DataDirInUseError(dir, process.pid);
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of after better-sqlite3's default 5 s.
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // A write transaction takes the EXCLUSIVE lock; in this locking mode it is kept after COMMIT.
    db.transaction(() => {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${process.pid}`);
    }).exclusive();
  } catch (err) {
    db.close();
    if (isBusy(err)) throw new DataDirInUseError(dir, holderPid(file));
    throw err;
  }
  held.add(file);
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      db.close();
      held.delete(file);
    },
  };
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Reads the holder's pid from the lock file's header, if it is there yet. */
function holderPid(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const header = Buffer.alloc(72);
    if (fs.readSync(fd, header, 0, header.length, 0) < header.length) return undefined;
    if (header.readUInt32BE(68) !== APPLICATION_ID) return undefined;
    return header.readUInt32BE(60) || undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
