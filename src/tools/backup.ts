/**
 * `npm run backup -- [--url http://127.0.0.1:8080] [--out <file>] [--token <admin credential>]`: takes a consistent online copy
 * of a running gateway's database through GET /v1/backup, checks that the copy is a sound Logway
 * database (SQLite quick_check, schema version), and only then gives it its name.
 * In the container image: `node dist/tools/backup.js --url ... --out ...`.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import Database from 'better-sqlite3';

function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i !== -1 && args[i + 1] ? args[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const url = option('--url', 'http://127.0.0.1:8080').replace(/\/$/, '');
  const out = option('--out', `logway-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.db`);
  const partial = `${out}.partial`;
  // With authentication on, an administrator's credential: --token, else LOGWAY_TOKEN.
  const token = option('--token', process.env.LOGWAY_TOKEN ?? '');
  const res = await fetch(`${url}/v1/backup`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (res.status !== 200 || !res.body) throw new Error(`GET ${url}/v1/backup answered ${res.status}: ${await res.text()}`);
  await pipeline(Readable.fromWeb(res.body as ReadableStream<Uint8Array>), fs.createWriteStream(partial));
  try {
    const db = new Database(partial, { readonly: true, fileMustExist: true });
    try {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy failed SQLite's quick_check: ${String(check)}`);
      const version = db.pragma('user_version', { simple: true }) as number;
      if (!(version > 0)) throw new Error('the copy is not a Logway database (schema version 0)');
    } finally {
      db.close();
    }
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
  fs.renameSync(partial, out);
  process.stdout.write(`${out}: ${fs.statSync(out).size} bytes, a consistent copy of ${url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`logway backup: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
