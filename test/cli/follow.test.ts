/**
 * `logway consume --follow`: the bin (bin/logway.js, from source: LOGWAY_CLI_FROM_SOURCE) streams
 * over the gateway's WebSocket as a child process, against a real gateway; Ctrl-C (SIGINT) stops it
 * cleanly: exit code 0, a group member commits every line it printed and leaves its group, and every
 * record was printed as NDJSON exactly once.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { freePorts } from '../../src/tools/free-ports.js';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { intercept } from '../helpers/intercept.js';
import { childEnv, REPO_ROOT } from '../helpers/process.js';
import { until } from '../helpers/until.js';

const BIN = path.join(REPO_ROOT, 'bin/logway.js');
const LONG = { timeoutMs: 60_000, intervalMs: 20 };

/** The bin as a child process of its own (node itself, so SIGINT reaches the CLI and nothing in between). */
function startCli(url: string, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv({ LOGWAY_URL: url, LOGWAY_CLI_FROM_SOURCE: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    stderr: () => stderr,
    /** The complete lines printed so far, parsed. */
    records: () => stdout.split('\n').slice(0, -1).map((line) => JSON.parse(line)),
    stdout: () => stdout,
  };
}

async function setup() {
  const gw = await startGateway();
  expect((await gw.json('POST', '/v1/topics', { name: 'live', partitions: 2 })).status).toBe(201);
  let produced = 0;
  const produce = async (n: number) => {
    const records = Array.from({ length: n }, (_, i) => ({ key: `k${(produced + i) % 7}`, value: { n: produced + i } }));
    produced += n;
    expect((await gw.json('POST', '/v1/topics/live/records', { records })).status).toBe(200);
  };
  return { ...gw, produce };
}

/** Every value 0..n-1 printed once, and each partition's offsets dense and in order. */
function expectExactlyOnce(records: { partition: number; offset: number; value: { n: number } }[], n: number) {
  expect(records.map((r) => r.value.n).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  const next = new Map<number, number>();
  for (const r of records) {
    expect(r.offset, `partition ${r.partition}`).toBe(next.get(r.partition) ?? 0);
    next.set(r.partition, r.offset + 1);
  }
}

describe('logway consume --follow (WebSocket)', () => {
  it('as a group member: prints records as they are produced; SIGINT exits 0, commits every printed line, leaves the group; a next run prints only what came after', { timeout: 180_000 }, async () => {
    const gw = await setup();
    await gw.produce(30);
    const cli = startCli(gw.url, ['consume', 'live', '--group', 'tail', '--follow']);
    await until('the member to print what was there', () => cli.records().length >= 30, LONG).catch((err) => {
      throw new Error(`${err.message}\nstderr: ${cli.stderr()}`);
    });
    // It follows: records produced now are printed too, over the socket the member holds.
    await gw.produce(25);
    await until('the member to print what was produced while it followed', () => cli.records().length >= 55, LONG);
    const during = await gw.json('GET', '/v1/groups/tail');
    expect(during.body.members).toHaveLength(1);
    // Over one WebSocket (the member is the socket), not REST polls.
    expect(gw.gateway.sockets.size).toBe(1);

    cli.child.kill('SIGINT');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stderr()).toBe('');
    expect(cli.stdout().endsWith('\n')).toBe(true);
    const printed = cli.records();
    expectExactlyOnce(printed, 55);
    // Left: the socket's close drops the member (the gateway does it as the socket closes).
    const after = await until('the group to have no member', async () => {
      const group = await gw.json('GET', '/v1/groups/tail');
      return group.body.members.length === 0 && group.body;
    }, LONG);
    // Committed exactly what it printed, per partition.
    for (const o of after.offsets as { partition: number; committedOffset: number }[]) {
      expect(o.committedOffset, `partition ${o.partition}`).toBe(printed.filter((r) => r.partition === o.partition).length);
    }

    // The next member of the group continues after the last line printed: nothing again, nothing lost.
    await gw.produce(5);
    const next = startCli(gw.url, ['consume', 'live', '--group', 'tail', '--follow', '--max', '5']);
    expect(await next.exited).toEqual({ code: 0, signal: null });
    expect(next.records().map((r) => r.value.n).sort((a, b) => a - b)).toEqual([55, 56, 57, 58, 59]);
    await until('the second member to leave', async () => (await gw.json('GET', '/v1/groups/tail')).body.members.length === 0, LONG);
  });

  it('from a position: streams from --from, stops by itself at --max, and on SIGINT exits 0', { timeout: 180_000 }, async () => {
    const gw = await setup();
    await gw.produce(12);
    const limited = startCli(gw.url, ['consume', 'live', '--follow', '--from', 'earliest', '--max', '7']);
    expect(await limited.exited).toEqual({ code: 0, signal: null });
    expect(limited.records()).toHaveLength(7);

    const cli = startCli(gw.url, ['consume', 'live', '--follow']);
    await until('the records there to be printed', () => cli.records().length >= 12, LONG);
    await gw.produce(8);
    await until('the new records to be printed', () => cli.records().length >= 20, LONG);
    expect(gw.gateway.sockets.size).toBe(1);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expectExactlyOnce(cli.records(), 20);
    await until('the socket to be closed', () => gw.gateway.sockets.size === 0, LONG);
    // No member was ever made.
    expect((await gw.json('GET', '/v1/groups')).body.groups).toEqual([]);
  });

  it('an unknown topic or a refused start prints the error and exits 1', { timeout: 120_000 }, async () => {
    const gw = await setup();
    const missing = startCli(gw.url, ['consume', 'nope', '--follow']);
    expect((await missing.exited).code).toBe(1);
    expect(missing.stderr()).toMatch(/^logway: TOPIC_NOT_FOUND: .*nope/);
    const refused = startCli(gw.url, ['consume', 'live', '--follow', '--group', 'g', '--from', 'time:0']);
    expect((await refused.exited).code).toBe(1);
    expect(refused.stderr()).toMatch(/^logway: INVALID_REQUEST: /);
    expect(refused.stdout()).toBe('');
  });

  it('as a group member sent to a gateway that does not coordinate the group: connects to the coordinator the refusal names', { timeout: 180_000 }, async () => {
    // Two gateways on one store told it is shared (its leases stand in for a cluster's); a coordinates the group.
    const store = intercept(openSqliteStore({ dataDir: tempDir(), synchronous: 'NORMAL' }), { singleGateway: () => false });
    const port = (await freePorts(1))[0]!;
    const a = await startGateway({ port, advertisedUrl: `http://127.0.0.1:${port}` }, { store });
    const b = await startGateway({}, { store });
    expect((await a.json('POST', '/v1/topics', { name: 'live', partitions: 2 })).status).toBe(201);
    expect((await a.json('POST', '/v1/topics/live/records', { records: [0, 1, 2, 3, 4].map((n) => ({ value: { n } })) })).status).toBe(200);
    expect((await a.json('POST', '/v1/groups/tail/offsets', { offsets: [{ topic: 'live', partition: 0, offset: 0 }] })).status).toBe(200);

    const cli = startCli(b.url, ['consume', 'live', '--group', 'tail', '--follow', '--from', 'earliest', '--max', '5']);
    expect(await cli.exited, cli.stderr()).toEqual({ code: 0, signal: null });
    expect(cli.records().map((r) => r.value.n).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4]);
    // The member was a's; b never held the group.
    expect(b.gateway.groups.list()).toEqual([]);
    const offsets = (await a.json('GET', '/v1/groups/tail/offsets')).body.offsets as { committedOffset: number | null }[];
    expect(offsets.reduce((sum, o) => sum + (o.committedOffset ?? 0), 0)).toBe(5);
  });
});
