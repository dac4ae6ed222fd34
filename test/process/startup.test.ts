/**
 * Start-up (issue 17): signal handlers are installed before the store opens, so a SIGTERM
 * during start-up stops the gateway cleanly (exit 0, never listening) instead of waiting for
 * a SIGKILL, as a container's PID 1 without a handler would.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/gateway.js';
import { spawnMain, startServerProcess, watch } from '../helpers/process.js';
import { until } from '../helpers/until.js';

describe('start-up', () => {
  it('SIGTERM while the store is opening stops the gateway cleanly before it listens', async () => {
    const dataDir = tempDir('logway-startup-');
    // Hold SQLite's write lock on the database, so opening it (switching it to WAL) waits in
    // SQLite's busy handler (up to 5 s): start-up is then under way for as long as we hold it.
    // (An empty file needs no lock to read, so give it a page first.)
    const blocker = new Database(path.join(dataDir, 'logway.db'));
    blocker.exec('CREATE TABLE blocker (x); BEGIN EXCLUSIVE; INSERT INTO blocker VALUES (1)');

    const child = spawnMain({ LOGWAY_HOST: '127.0.0.1', LOGWAY_PORT: '0', LOGWAY_DATA_DIR: dataDir, LOGWAY_LOG_LEVEL: 'info' });
    const { output, exited } = watch(child);
    await until('the gateway to report it is starting', () => output().stdout.includes('logway starting'));
    child.kill('SIGTERM');
    blocker.exec('ROLLBACK');
    blocker.close();

    const exit = await exited;
    expect(exit, output().stderr).toEqual({ code: 0, signal: null });
    expect(output().stdout).toContain('signal during start-up: stopping before listening');
    expect(output().stdout).not.toContain('logway listening');
  });

  it('starts among the variables Kubernetes injects for a Service named logway, with one warning', async () => {
    const server = await startServerProcess(tempDir('logway-startup-'), {
      LOGWAY_PORT: 'tcp://10.0.0.7:8080',
      PORT: '0',
      LOGWAY_SERVICE_HOST: '10.0.0.7',
      LOGWAY_SERVICE_PORT: '8080',
      LOGWAY_PORT_8080_TCP: 'tcp://10.0.0.7:8080',
      LOGWAY_PORT_8080_TCP_PROTO: 'tcp',
      LOGWAY_PORT_8080_TCP_PORT: '8080',
      LOGWAY_PORT_8080_TCP_ADDR: '10.0.0.7',
    });
    expect((await fetch(server.url + '/readyz')).status).toBe(200);
    const warnings = server
      .output()
      .stdout.split('\n')
      .filter((line) => line.includes('service-link'));
    expect(warnings).toHaveLength(1);
    const warning = JSON.parse(warnings[0]!);
    expect(warning.msg).toContain('ignored 7 service-link variables');
    expect([40, 'warn']).toContain(warning.level);
  });
});
