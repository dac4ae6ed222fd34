/** The database's files on disk, read when Prometheus scrapes (a stat each). */
import fs from 'node:fs/promises';
import { Gauge, type Registry } from 'prom-client';

export interface StorageFiles {
  database: string;
  /** SQLite's write-ahead log: grows between checkpoints. */
  wal: string;
}

export function storageGauges(registry: Registry, files: StorageFiles): void {
  const size = (file: string) =>
    fs.stat(file).then(
      (s) => s.size,
      // The WAL is absent after a clean close and before the first write.
      () => 0,
    );
  new Gauge({
    name: 'logway_database_bytes',
    help: 'Size of the SQLite database file.',
    registers: [registry],
    async collect() {
      this.set(await size(files.database));
    },
  });
  new Gauge({
    name: 'logway_wal_bytes',
    help: "Size of SQLite's write-ahead log file.",
    registers: [registry],
    async collect() {
      this.set(await size(files.wal));
    },
  });
}
