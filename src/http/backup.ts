/**
 * GET /v1/backup: a consistent copy of the whole store, taken while the gateway serves, streamed
 * as one file (for the SQLite store: a SQLite database that can replace logway.db to restore).
 *
 * The store writes the copy to a temporary file in the data directory (same disk, no size limit
 * of /tmp); the file is unlinked as soon as it is open for streaming, so a client going away
 * leaves nothing behind. A process that dies while the copy is written leaves the file; the
 * store deletes it when it next opens the directory. One copy is taken (and streamed) at a time.
 * With authentication on it needs admin on `cluster` (src/http/access.ts): the copy holds every record.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { z } from '@hono/zod-openapi';
import { problem } from '../api/schemas.js';
import { ErrorCode, GatewayError } from '../errors.js';
import { BACKUP_FILE_PREFIX, type LogStore } from '../storage/log-store.js';
import { apiRoute, newRouter } from './router.js';

const SQLITE_TYPE = 'application/vnd.sqlite3';

const backup = apiRoute({
  method: 'get',
  path: '/v1/backup',
  tags: ['operations'],
  operationId: 'backup',
  summary: 'A consistent copy of the database, taken online',
  description:
    'Streams a consistent snapshot of everything stored (SQLite online backup API), taken while the gateway keeps serving. ' +
    'Restore: stop the gateway, replace logway.db in the data directory with this file (removing logway.db-wal and logway.db-shm), start it. ' +
    'One backup runs at a time; another request meanwhile gets 503 OVERLOADED with Retry-After.',
  responses: {
    200: {
      description: 'The database file',
      headers: {
        'Content-Disposition': { description: 'attachment, with a file name', required: true, schema: { type: 'string' } },
      },
      content: { [SQLITE_TYPE]: { schema: z.string().openapi({ format: 'binary' }) } },
    },
    503: problem('The store cannot make a copy now (a backup is already running, or the disk refused it)'),
  },
});

export function backupRoutes(store: LogStore, dataDir: string) {
  let running = false;
  return newRouter().openapi(backup, async () => {
    if (!store.backup) throw new GatewayError(ErrorCode.UNAVAILABLE, 'this store cannot make backups');
    if (running) {
      throw new GatewayError(ErrorCode.OVERLOADED, 'a backup is already being taken; retry when it is done', { retryAfterSeconds: 5 });
    }
    running = true;
    const takenAt = new Date();
    const file = path.join(path.resolve(dataDir), `${BACKUP_FILE_PREFIX}${randomUUID()}.db`);
    let handle: fs.promises.FileHandle | undefined;
    let copy: fs.ReadStream;
    let size: number;
    try {
      await store.backup(file);
      handle = await fs.promises.open(file, 'r');
      size = (await handle.stat()).size;
      // The unlinked copy takes room on the data disk until it is closed: the next backup may start
      // only then (the stream ends or the client goes away; autoClose closes the handle either way).
      copy = fs.createReadStream('', { fd: handle });
      copy.once('close', () => {
        running = false;
      });
    } catch (err) {
      await handle?.close();
      running = false;
      throw err;
    } finally {
      // Open (or failed): either way the name can go; an open file stays readable until closed.
      await fs.promises.rm(file, { force: true });
    }
    const body = Readable.toWeb(copy) as ReadableStream<Uint8Array>;
    const name = `logway-${takenAt.toISOString().replace(/[:.]/g, '-')}.db`;
    return new Response(body, {
      status: 200,
      headers: { 'content-type': SQLITE_TYPE, 'content-length': String(size), 'content-disposition': `attachment; filename="${name}"` },
    }) as never;
  });
}
