/**
 * The bench's read floor must be the least work that yields the records: the faster of the
 * gateway's two reads (rows, and SQLite's encoded JSON), run with the same malloc settings as
 * the gateway it is compared with. A floor the gateway beats says nothing about the gateway.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureReadFloor } from '../../bench/floors/read.js';
import { GATEWAY_GLIBC_TUNABLES } from '../../bench/lib/child.js';
import { REPO_ROOT } from '../helpers/process.js';

describe('bench read floor', () => {
  it('reads every record, with whichever of the two reads was faster', () => {
    const floor = measureReadFloor({ records: 20_000, pageSize: 1_000 });
    expect(floor.records).toBe(20_000);
    expect(['rows', 'encoded']).toContain(floor.kind);
    expect(floor.rowsPerSec).toBeGreaterThan(0);
    expect(floor.latency.count).toBe(20);
  });

  it('npm run bench runs the bench process (its floors) with the malloc tunables the gateway gets', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.bench).toContain(`GLIBC_TUNABLES=\${BENCH_GLIBC_TUNABLES-${GATEWAY_GLIBC_TUNABLES}}`);
  });
});
