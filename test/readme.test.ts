/**
 * The README tells the truth: its curl walk-through runs, in order, with the system curl
 * against a real gateway and answers what it shows; its consumer-group walk-through (curl
 * and jq in one shell) does what each step says; its problem-details examples are what
 * the server answers; the API table (docs/api.md) lists every operation in openapi.yaml; and the
 * configuration table is what src/config.ts generates.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { readmeWithConfigTable } from '../src/tools/gen-config-docs.js';
import { startGateway, tempDir } from './helpers/gateway.js';
import { REPO_ROOT } from './helpers/process.js';
import { until } from './helpers/until.js';
import WebSocket from 'ws';
import { openSocket } from './ws/ws-client.js';

const run = promisify(execFile);
const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
/** The API reference the README's "API overview" points to. */
const API_DOC = fs.readFileSync(path.join(REPO_ROOT, 'docs/api.md'), 'utf8');

/** The text from a `## heading` up to the next `## ` heading. */
function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}\n`);
  expect(start, `README section "## ${heading}"`).toBeGreaterThan(-1);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end === -1 ? undefined : end);
}

function fencedBlocks(text: string): { lang: string; body: string }[] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]!.trim() }));
}

/** Timestamps are the server's clock: compare everything else exactly. */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) =>
    (key === 'timestamp' || key === 'createdAt') && typeof v === 'number' ? '<epoch ms>' : v,
  );
}

interface CurlResult {
  command: string;
  status: number;
  headers: string;
  body: string;
}

/** Runs one README command with the system curl, pointed at `port`. */
async function curl(command: string, port: number): Promise<CurlResult> {
  expect(command, 'one curl command per block').toMatch(/^curl /);
  const local = command.replaceAll('localhost:8080', `127.0.0.1:${port}`);
  const instrumented = local.replace(/^curl /, `curl -sS -w '\\n%{http_code}' `);
  const { stdout } = await run('bash', ['-c', instrumented], { timeout: 40_000 });
  const newline = stdout.lastIndexOf('\n');
  const status = Number(stdout.slice(newline + 1));
  let output = stdout.slice(0, newline);
  let headers = '';
  if (/^curl (.* )?-i /.test(command)) {
    const split = output.indexOf('\r\n\r\n');
    headers = output.slice(0, split);
    output = output.slice(split + 4);
  }
  return { command, status, headers, body: output };
}

describe('README', () => {
  it('curl walk-through: every command succeeds and answers what the README shows', async () => {
    await run('curl', ['--version']).catch(() => {
      throw new Error('this test runs the README examples with the system curl: install curl (as root, npm test does it first: test/prerequisites.sh)');
    });
    const { gateway, port, json } = await startGateway();
    const blocks = fencedBlocks(section('Try it with curl'));
    const commands = blocks.filter((b) => b.lang === 'sh');
    const outputs = blocks.filter((b) => b.lang === 'json');
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(outputs.length).toBeGreaterThanOrEqual(5);

    let last: CurlResult | undefined;
    let longPoll: Promise<CurlResult> | undefined;
    let checked = 0;
    for (const block of blocks) {
      if (block.lang === 'json') {
        // A shown answer belongs to the command before it (for a long-poll, the one waiting).
        expect(last, `an answer shown before any command:\n${block.body}`).toBeDefined();
        expect(normalize(JSON.parse(last!.body)), `answer of:\n${last!.command}`).toEqual(normalize(JSON.parse(block.body)));
        checked++;
        continue;
      }
      expect(block.lang, 'code blocks in the curl section are sh or json').toBe('sh');
      if (block.body.includes('waitMs=')) {
        // A long-poll waits for the next command's record: start it, finish it after that command.
        const before = gateway.log.notifier.waiters.size;
        longPoll = curl(block.body, port);
        await until('the long-poll to reach the server', () => gateway.log.notifier.waiters.size > before);
        continue;
      }
      const result = await curl(block.body, port);
      expect(result.status, `${result.command}\n${result.body}`).toBeGreaterThanOrEqual(200);
      expect(result.status, `${result.command}\n${result.body}`).toBeLessThan(300);
      last = result;

      if (/idempotency-key/i.test(block.body)) {
        // "Run this twice": the same answer, marked as replayed, and nothing appended.
        const again = await curl(block.body, port);
        expect(again.status).toBe(result.status);
        expect(again.body).toBe(result.body);
        expect(again.headers).toMatch(/^idempotent-replayed: true$/im);
        expect(result.headers).not.toMatch(/^idempotent-replayed:/im);
      }
      if (longPoll) {
        last = await longPoll;
        longPoll = undefined;
        expect(last.status, `${last.command}\n${last.body}`).toBe(200);
        expect(JSON.parse(last.body).records.length, 'the long-poll answered with the record').toBe(1);
      }
    }
    expect(longPoll, 'a long-poll with no command after it').toBeUndefined();
    expect(checked).toBe(outputs.length);

    // docs/api.md's problem-details examples are what this server, after the walk-through, answers.
    const [outOfRange, badPartition] = fencedBlocks(API_DOC).filter((b) => b.lang === 'json');
    const fetched = await json('GET', '/v1/topics/orders/partitions/0/records?offset=99');
    expect(fetched.status).toBe(416);
    expect(fetched.headers.get('content-type')).toBe('application/problem+json');
    expect(fetched.body).toEqual(JSON.parse(outOfRange!.body));
    const produced = await json('POST', '/v1/topics/orders/records', { records: [{ partition: 7, value: 1 }] });
    expect(produced.status).toBe(400);
    expect(produced.body).toEqual(JSON.parse(badPartition!.body));
  });

  it('schemas walk-through: every command answers what the README shows (a refused record included), in order', async () => {
    const { port } = await startGateway();
    const blocks = fencedBlocks(section('Schemas and formats'));
    expect(blocks.filter((b) => b.lang === 'sh').length).toBeGreaterThanOrEqual(5);
    let last: CurlResult | undefined;
    let checked = 0;
    for (const block of blocks) {
      if (block.lang === 'json') {
        expect(last, `an answer shown before any command:\n${block.body}`).toBeDefined();
        expect(normalize(JSON.parse(last!.body)), `answer of:\n${last!.command}`).toEqual(normalize(JSON.parse(block.body)));
        // The refusal is shown as refused; everything else succeeded.
        const problem = JSON.parse(block.body) as { status?: unknown };
        expect(last!.status).toBe(typeof problem.status === 'number' ? problem.status : last!.status);
        checked++;
        continue;
      }
      expect(block.lang, 'code blocks in the schemas section are sh or json').toBe('sh');
      last = await curl(block.body, port);
      if (!/-d .*"amount":-1/.test(block.body)) expect(last.status, `${last.command}\n${last.body}`).toBeLessThan(300);
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('compacted topics walk-through: every command answers what the README shows (the tombstoned key refused), in order', async () => {
    const { port } = await startGateway();
    const blocks = fencedBlocks(section('Compacted topics'));
    expect(blocks.filter((b) => b.lang === 'sh').length).toBeGreaterThanOrEqual(6);
    let last: CurlResult | undefined;
    let checked = 0;
    for (const block of blocks) {
      if (block.lang === 'json') {
        expect(last, `an answer shown before any command:\n${block.body}`).toBeDefined();
        expect(normalize(JSON.parse(last!.body)), `answer of:\n${last!.command}`).toEqual(normalize(JSON.parse(block.body)));
        checked++;
        continue;
      }
      expect(block.lang, 'code blocks in the compacted topics section are sh or json').toBe('sh');
      last = await curl(block.body, port);
      expect(last.status, `${last.command}\n${last.body}`).toBeLessThan(300);
      if (block.body.endsWith('/keys/alice')) {
        // The prose says bob answers 404: its latest record is the tombstone.
        const bob = await curl(block.body.replace('alice', 'bob'), port);
        expect([bob.status, JSON.parse(bob.body).code]).toEqual([404, 'NOT_FOUND']);
      }
    }
    expect(checked).toBe(3);
  });

  it('consumer-group walk-through: runs as one shell session (curl + jq) and each step does what it says', async () => {
    for (const tool of ['curl', 'jq']) {
      await run(tool, ['--version']).catch(() => {
        throw new Error(`the README's consumer-group walk-through needs ${tool}: install it (as root, npm test does it first: test/prerequisites.sh)`);
      });
    }
    const { port } = await startGateway();
    const [script, ...others] = fencedBlocks(section('Consumer groups')).filter((b) => b.lang === 'sh');
    expect(script, 'a sh block in "## Consumer groups"').toBeDefined();
    expect(others).toEqual([]);
    const steps = await runSession(shellCommands(script!.body), port);
    const step = (pattern: RegExp): SessionStep => {
      const found = steps.filter((s) => pattern.test(s.command));
      expect(found.map((s) => s.command), `one walk-through command matching ${pattern}`).toHaveLength(1);
      return found[0]!;
    };
    for (const s of steps) {
      expect(s.exitCode, `${s.command}\n${s.stderr}`).toBe(0);
      if (s.status !== undefined) expect(s.status, `${s.command}\n${s.stdout}`).toBeLessThan(300);
    }

    expect(step(/POST \$G\/v1\/topics -H/).status).toBe(201);
    const produced = JSON.parse(step(/\/v1\/topics\/invoices\/records/).stdout);
    expect(produced.records).toHaveLength(2);

    const joined = JSON.parse(step(/\/members -H/).stdout);
    expect(joined).toMatchObject({ memberId: expect.any(String), memberEpoch: 1, heartbeatIntervalMs: 3000 });
    expect(joined.assignment).toEqual(
      expect.arrayContaining([
        { topic: 'invoices', partition: 0 },
        { topic: 'invoices', partition: 1 },
      ]),
    );
    const heartbeat = JSON.parse(step(/\/heartbeat /).stdout);
    expect(heartbeat).toMatchObject({ memberEpoch: joined.memberEpoch });
    expect(heartbeat.assignment).toHaveLength(2);

    // The poll returns the two produced records, and nextOffsets points past them.
    const polled = JSON.parse(step(/\/records\?/).stdout);
    expect(polled.records.map((r: { value: unknown }) => r.value)).toEqual(
      expect.arrayContaining([{ total: 1 }, { total: 2 }]),
    );
    expect(polled.records).toHaveLength(2);
    const expectedNext = [0, 1].map((partition) => ({
      topic: 'invoices',
      partition,
      offset: Math.max(-1, ...produced.records.filter((r: Position) => r.partition === partition).map((r: Position) => r.offset)) + 1,
    }));
    expect(polled.nextOffsets).toEqual(expect.arrayContaining(expectedNext));
    expect(polled.nextOffsets).toHaveLength(2);

    // The commit stores exactly the poll's nextOffsets, and the lag is then 0.
    const committed = JSON.parse(step(/\/offsets -H/).stdout);
    expect(committed.offsets.map(({ topic, partition, offset }: Position & { topic: string }) => ({ topic, partition, offset }))).toEqual(
      expect.arrayContaining(expectedNext),
    );
    const group = JSON.parse(step(/^curl -s \$G\/v1\/groups\/billing$/).stdout);
    expect(group.members).toHaveLength(1);
    const lag = JSON.parse(step(/^curl -s \$G\/v1\/groups\/billing\/offsets(\s|$)/).stdout);
    expect(lag.totalLag, 'lag after the commit').toBe(0);
    expect(JSON.parse(step(/^curl -s \$G\/v1\/groups(\s|$)/).stdout).groups.map((g: { group: string }) => g.group)).toContain('billing');
    expect(step(/-X DELETE \$G\/v1\/groups\/billing\/members\//).status).toBe(204);
    const reset = JSON.parse(step(/\/offsets\/reset/).stdout);
    expect(reset.offsets.map((o: { committedOffset: number }) => o.committedOffset)).toEqual([0, 0]);
    expect(step(/-X DELETE \$G\/v1\/groups\/billing$/).status).toBe(204);
  });

  it('Server-Sent Events and cursors: a REST read\'s cursor continues as an event stream, with nothing lost or repeated', async () => {
    for (const tool of ['curl', 'jq']) {
      await run(tool, ['--version']).catch(() => {
        throw new Error(`the README's cursor walk-through needs ${tool}: install it (as root, npm test does it first: test/prerequisites.sh)`);
      });
    }
    const { port } = await startGateway();
    const [script, js, group, ...others] = fencedBlocks(section('Server-Sent Events and cursors')).filter((b) => b.lang === 'sh' || b.lang === 'js');
    expect(script?.lang).toBe('sh');
    expect(js?.lang).toBe('js');
    expect(group?.lang).toBe('sh');
    expect(others).toEqual([]);
    const steps = await runSession(shellCommands(script!.body), port);
    const step = (pattern: RegExp): SessionStep => {
      const found = steps.filter((s) => pattern.test(s.command));
      expect(found, `one walk-through command matching ${pattern}`).toHaveLength(1);
      return found[0]!;
    };
    const events = step(/\/events\?/);
    for (const s of steps) {
      // The event stream runs until curl's --max-time (exit 28): it is a stream.
      expect(s.exitCode, `${s.command}\n${s.stderr}`).toBe(s === events ? 28 : 0);
      if (s.status !== undefined) expect(s.status, `${s.command}\n${s.stdout}`).toBeLessThan(300);
    }
    const page = JSON.parse(step(/limit=2/).stdout);
    expect(page.records).toHaveLength(2);
    const streamed = [...events.stdout.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
    expect(streamed).toHaveLength(1);
    const all = [...page.records, ...streamed].map((r: { value: number }) => r.value).sort();
    expect(all).toEqual([1, 2, 3]);
    // Each event's id is a cursor: after the last one, a REST read has nothing more.
    const ids = [...events.stdout.matchAll(/^id: (.*)$/gm)].map((m) => m[1]!);
    const after = await fetch(`http://127.0.0.1:${port}/v1/topics/clicks/records?cursor=${ids[ids.length - 1]}`);
    expect((await after.json()).records).toEqual([]);
    // The comment in the block shows the shape of what curl printed.
    expect(script!.body).toContain('# data: {"topic":"clicks","partition":' + streamed[0].partition);
  });

  it('Server-Sent Events and cursors: a group member\'s stream gets the records and commits them; the next member starts after them', async () => {
    for (const tool of ['curl', 'jq']) await run(tool, ['--version']);
    const { port, json } = await startGateway();
    const [script, , group] = fencedBlocks(section('Server-Sent Events and cursors')).filter((b) => b.lang === 'sh' || b.lang === 'js');
    // The walk-through before it makes the topic and its three records; this block continues its shell ($G).
    for (const s of await runSession(shellCommands(script!.body), port)) expect(s.exitCode === 0 || s.exitCode === 28, s.command).toBe(true);
    const runs = await runSession(['G=http://localhost:8080', ...shellCommands(group!.body)], port);
    expect(runs).toHaveLength(3);
    const [firstRun, secondRun] = runs.slice(1).map((s) => {
      // A stream runs until curl's --max-time (exit 28).
      expect(s.exitCode, `${s.command}\n${s.stderr}`).toBe(28);
      return s.stdout.split('\n\n').flatMap((block) => {
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = /^data: (.*)$/m.exec(block)?.[1];
        return data === undefined ? [] : [{ event, data: JSON.parse(data) }];
      });
    });
    const starts = (events: { event: string; data: any }[]) =>
      new Map<number, number>(events.filter((e) => e.event === 'assigned').flatMap((e) => e.data.partitions.map((p: Position) => [p.partition, p.offset])));
    expect(firstRun![0]!.event).toBe('joined');
    expect(starts(firstRun!)).toEqual(new Map([[0, 0], [1, 0]]));
    const records = firstRun!.filter((e) => e.event === 'message').map((e) => e.data);
    expect(records.map((r) => r.value).sort()).toEqual([1, 2, 3]);
    // Committed as sent: the next member is assigned at those offsets and gets nothing again.
    const perPartition = new Map([0, 1].map((p) => [p, records.filter((r) => r.partition === p).length]));
    expect(secondRun![0]!.event).toBe('joined');
    expect(starts(secondRun!)).toEqual(perPartition);
    expect(secondRun!.filter((e) => e.event === 'message')).toEqual([]);
    expect((await json('GET', '/v1/groups/audit')).body.members).toEqual([]);
  });

  it('security walk-through: an administrator key makes a write-only key and a read-only browser token that work as the README says', async () => {
    for (const tool of ['curl', 'jq']) {
      await run(tool, ['--version']).catch(() => {
        throw new Error(`the README's security walk-through needs ${tool}: install it (.ci/run does)`);
      });
    }
    const text = section('Security');
    const adminKey = /LOGWAY_ADMIN_KEY=(\S+) npm start/.exec(text)?.[1];
    expect(adminKey, 'the README starts the gateway with LOGWAY_ADMIN_KEY=...').toBeDefined();
    const { url, port, json } = await startGateway({ adminKey });
    const [script, ...others] = fencedBlocks(text).filter((b) => b.lang === 'sh');
    expect(others).toEqual([]);
    const lines = shellCommands(script!.body);
    // The last step saves the token for the page: print it so the test can play the page.
    const steps = await runSession([...lines, 'echo "$TOKEN"'], port);
    for (const s of steps) expect(s.exitCode, `${s.command}\n${s.stderr}`).toBe(0);
    const step = (pattern: RegExp) => steps.find((s) => pattern.test(s.command))!;
    expect(step(/-d '\{"name":"payments"\}'/).status).toBe(201);
    expect(JSON.parse(step(/\/payments\/records -H "Authorization: Bearer \$KEY"/).stdout).records).toHaveLength(1);
    const refused = step(/partitions\/0\/records -H "Authorization: Bearer \$KEY"/);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.stdout)).toMatchObject({ code: 'FORBIDDEN', resource: 'topic:payments', action: 'read' });
    const token = steps.at(-1)!.stdout.trim();
    expect(token).toMatch(/^eyJ/);

    const page = fencedBlocks(text).find((b) => b.lang === 'js')!.body;
    const wsPath = /ws:\/\/localhost:8080(\/[^`]+)/.exec(page)![1]!.replace('${token}', token);
    const socket = await openSocket(url, wsPath);
    expect((await socket.next('records')).records[0].value).toEqual({ amount: 42 });
    // The token reads, and only reads.
    socket.send({ type: 'produce', id: 1, topic: 'payments', records: [{ value: 1 }] });
    expect(await socket.next('error', (m) => m.id === 1)).toMatchObject({ code: 'FORBIDDEN' });
    expect((await json('GET', '/v1/topics/payments')).status).toBe(401);
  });

  it('WebSocket streaming: the cursor example resumes after a dropped socket with nothing lost or repeated', async () => {
    const { port, json } = await startGateway();
    expect((await json('POST', '/v1/topics', { name: 'orders', partitions: 3 })).status).toBe(201);
    let produced = 0;
    const produce = async (n: number) => {
      const records = Array.from({ length: n }, (_, i) => ({ key: `k${produced + i}`, value: produced + i }));
      produced += n;
      expect((await json('POST', '/v1/topics/orders/records', { records })).status).toBe(200);
    };
    await produce(6);
    const example = fencedBlocks(section('WebSocket streaming')).find((b) => b.lang === 'js' && b.body.includes('cursor:'));
    expect(example, 'the resume example').toBeDefined();
    // The page's globals, played by Node: the ws package's WebSocket (the one the browser has), show(), setTimeout().
    const sockets: WebSocket[] = [];
    const shown: { partition: number; offset: number; value: number }[] = [];
    let finished = false;
    class PageSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
        this.on('error', () => {});
      }
    }
    const later = (fn: () => void, ms: number) => void (finished || setTimeout(fn, ms));
    onTestFinished(() => {
      finished = true;
      for (const s of sockets) s.terminate();
    });
    new Function('WebSocket', 'show', 'setTimeout', example!.body.replaceAll('localhost:8080', `127.0.0.1:${port}`))(
      PageSocket,
      (records: typeof shown) => shown.push(...records),
      later,
    );
    await until('the page to show the records there', () => shown.length >= 6);
    // The connection drops; records are produced meanwhile.
    sockets.at(-1)!.terminate();
    await produce(6);
    await until('the page to reconnect and show the new records', () => sockets.length >= 2 && shown.length >= 12, { timeoutMs: 30_000 });
    expect(shown.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (let p = 0; p < 3; p++) {
      const offsets = shown.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets, `partition ${p}`).toEqual(offsets.map((_, i) => i));
    }
    expect(new URL(sockets[0]!.url).searchParams.get('from')).toBe('earliest');
    expect(new URL(sockets[1]!.url).searchParams.get('from')).toMatch(/^cursor:[\w-]+$/);
  });

  it('WebSocket commands: each is answered, without an error, on topics the walk-throughs create', async () => {
    const { url, json } = await startGateway();
    // The topics of the two walk-throughs above, with a record where the commit example points past it.
    expect((await json('POST', '/v1/topics', { name: 'orders', partitions: 3 })).status).toBe(201);
    expect((await json('POST', '/v1/topics', { name: 'invoices', partitions: 2 })).status).toBe(201);
    expect((await json('POST', '/v1/topics/invoices/records', { records: [{ partition: 0, value: 1 }] })).status).toBe(200);
    const block = fencedBlocks(section('WebSocket streaming')).find((b) => b.lang === 'json' && b.body.includes('"type":"subscribe"'));
    expect(block, 'the commands block').toBeDefined();
    const commands = block!.body.split('\n').map((line) => JSON.parse(line) as { type: string; id?: number; group?: string; topic?: string });
    expect(commands.map((c) => c.type)).toEqual(['subscribe', 'subscribe', 'unsubscribe', 'commit', 'produce', 'credit']);
    const socket = await openSocket(url, '/v1/ws');
    const replyType: Record<string, string> = { subscribe: 'subscribed', unsubscribe: 'unsubscribed', commit: 'committed', produce: 'ack' };
    for (const command of commands) {
      // A group member commits the partitions it was assigned: wait for the assignment first.
      if (command.type === 'commit') await socket.next('assigned', (m) => m.group === 'billing');
      socket.send(command);
      if (command.id !== undefined) await socket.next(replyType[command.type]!, (m) => m.id === command.id);
    }
    expect(socket.messages.filter((m) => m.type === 'error')).toEqual([]);
    expect((await json('GET', '/v1/groups/billing/offsets')).body.offsets).toEqual(
      expect.arrayContaining([expect.objectContaining({ topic: 'invoices', partition: 0, committedOffset: 1 })]),
    );
  });

  it('Operating Logway: the backup command saves a database that opens as a store with the records', async () => {
    const { json, port } = await startGateway();
    expect((await json('POST', '/v1/topics', { name: 'orders', partitions: 1 })).status).toBe(201);
    expect((await json('POST', '/v1/topics/orders/records', { records: [{ value: 'kept' }] })).status).toBe(200);
    const commands = fencedBlocks(section('Operating Logway')).filter((b) => b.lang === 'sh');
    expect(commands.map((c) => c.body)).toHaveLength(1);
    const cwd = tempDir('logway-readme-');
    await run('bash', ['-c', commands[0]!.body.replaceAll('localhost:8080', `127.0.0.1:${port}`)], { cwd, timeout: 60_000 });
    const restored = tempDir('logway-restored-');
    fs.copyFileSync(path.join(cwd, 'logway-backup.db'), path.join(restored, 'logway.db'));
    const { json: fromCopy } = await startGateway({}, { dataDir: restored });
    const fetched = await fromCopy('GET', '/v1/topics/orders/partitions/0/records?offset=0');
    expect(fetched.body.records.map((r: { value: unknown }) => r.value)).toEqual(['kept']);
  });

  it('links only to files inside the repository, and every one exists (the README ships without ../)', () => {
    const documents = ['README.md', ...fs.readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    for (const document of documents) {
      const text = fs.readFileSync(path.join(REPO_ROOT, document), 'utf8');
      // README.md sits at the root, so any `../` leaves the repository; docs/ may link up once, to the README.
      const outside = document === 'README.md' ? /\.\.\/|\/work\/|shared\/ARCHITECTURE/ : /\.\.\/\.\.\/|\.\.\/shared|\/work\/|shared\/ARCHITECTURE/;
      expect(text, `${document} mentions a path outside the repository`).not.toMatch(outside);
      for (const [, target] of text.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const resolved = path.resolve(REPO_ROOT, path.dirname(document), target!);
        expect(resolved.startsWith(REPO_ROOT + path.sep), `${document} links outside the repository: ${target}`).toBe(true);
        expect(fs.existsSync(resolved), `${document} links to a missing file: ${target}`).toBe(true);
      }
    }
  });

  it('LICENSE is the full Apache License 2.0 text that package.json names', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('Apache-2.0');
    const license = fs.readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license).toContain('9. Accepting Warranty or Additional Liability.');
  });

  it('table of contents lists every section, in order', () => {
    const headings = [...README.matchAll(/^## (.+)$/gm)].map((m) => m[1]!).filter((h) => h !== 'Contents');
    const listed = [...section('Contents').matchAll(/^- \[([^\]]+)\]\(#([^)]+)\)$/gm)];
    expect(listed.map((m) => m[1])).toEqual(headings);
    for (const [, title, anchor] of listed) expect(anchor).toBe(title!.toLowerCase().replace(/[^a-z0-9 -]/g, '').replaceAll(' ', '-'));
  });

  it('API table (docs/api.md) lists every operation in openapi.yaml', () => {
    const document = parse(fs.readFileSync(path.join(REPO_ROOT, 'openapi.yaml'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const listed = new Set(
      [...API_DOC.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE)` \| `([^`]+)` \|/gm)].map((m) => `${m[1]} ${m[2]}`),
    );
    const operations = Object.entries(document.paths).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(operations.filter((op) => !listed.has(op)), 'operations missing from the table in docs/api.md').toEqual([]);
    expect([...listed].filter((op) => !operations.includes(op)), 'docs/api.md rows with no operation').toEqual([]);
  });

  it('configuration table is what src/config.ts generates (run `npm run docs:config` when this fails)', () => {
    const reference = fs.readFileSync(path.join(REPO_ROOT, 'docs/configuration.md'), 'utf8');
    expect(readmeWithConfigTable(reference) === reference, 'docs/configuration.md table is stale').toBe(true);
  });
});

/** A shell block's commands: comments and blank lines dropped, `\` continuations joined. */
function shellCommands(block: string): string[] {
  const commands: string[] = [];
  let pending = '';
  for (const line of block.split('\n')) {
    if (!pending && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1);
      continue;
    }
    commands.push((pending + line).trim());
    pending = '';
  }
  expect(pending, 'a command continued past the end of the block').toBe('');
  return commands;
}

interface Position {
  partition: number;
  offset: number;
}

interface SessionStep {
  command: string;
  exitCode: number;
  /** The HTTP status of the command's curl, if it ran one. */
  status?: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `commands` in order in ONE bash session (so variables such as $M carry over, as in a
 * terminal), in a fresh temp directory (files such as member.json land there), with
 * localhost:8080 pointed at `port`. curl also reports each status on stderr, leaving stdout
 * as the reader sees it.
 */
async function runSession(commands: string[], port: number): Promise<SessionStep[]> {
  const cwd = tempDir('logway-readme-');
  const lines = [
    'set -o pipefail',
    `curl() { command curl -S -w '%{stderr}\\nHTTP %{http_code}\\n' "$@"; }`,
    ...commands.map(
      (command, i) => `{ ${command.replaceAll('localhost:8080', `127.0.0.1:${port}`)}\n} >.step${i}.out 2>.step${i}.err; echo $? >.step${i}.rc`,
    ),
  ];
  await run('bash', ['-c', lines.join('\n')], { cwd, timeout: 60_000 });
  return commands.map((command, i) => {
    const read = (ext: string) => fs.readFileSync(path.join(cwd, `.step${i}.${ext}`), 'utf8');
    const stderr = read('err');
    const status = /^HTTP (\d{3})$/m.exec(stderr)?.[1];
    return { command, exitCode: Number(read('rc')), status: status ? Number(status) : undefined, stdout: read('out'), stderr };
  });
}

describe('README: NDJSON and the command line', () => {
  it('every command runs against a real gateway and answers what the README shows; the tail -F pipeline streams lines as they are written', { timeout: 60_000 }, async () => {
    for (const tool of ['curl', 'jq']) await run(tool, ['--version']);
    const { port, json } = await startGateway();
    const cwd = tempDir('logway-readme-ndjson-');
    const local = (command: string) => command.replaceAll('localhost:8080', `127.0.0.1:${port}`);
    const values = async () =>
      ((await json('GET', '/v1/topics/logs/partitions/0/records?limit=1000')).body.records as { value: unknown }[]).map((r) => r.value);
    const blocks = fencedBlocks(section('NDJSON and the command line'));
    expect(blocks.filter((b) => b.lang === 'sh').length).toBeGreaterThanOrEqual(4);
    let last: { command: string; stdout: string } | undefined;
    let checked = 0;
    for (const block of blocks) {
      if (block.lang === 'json') {
        expect(last, `an answer shown before any command:\n${block.body}`).toBeDefined();
        expect(normalize(JSON.parse(last!.stdout)), `answer of:\n${last!.command}`).toEqual(normalize(JSON.parse(block.body)));
        checked++;
        continue;
      }
      if (block.lang === 'text') {
        // Output that is not one JSON document (NDJSON through jq): compared as text.
        expect(last!.stdout.trim(), `output of:\n${last!.command}`).toBe(block.body);
        checked++;
        continue;
      }
      expect(block.lang).toBe('sh');
      if (block.body.includes('tail -F')) {
        // A pipeline that never ends: each line written to app.log becomes a record while it runs.
        const before = (await values()).length;
        fs.writeFileSync(path.join(cwd, 'app.log'), '{"msg":"started"}\n');
        const pipeline = spawn('bash', ['-c', local(block.body)], { cwd, detached: true, stdio: 'ignore' });
        try {
          await until('the first log line to be a record', async () => (await values()).length === before + 1);
          fs.appendFileSync(path.join(cwd, 'app.log'), '{"msg":"stopping"}\n');
          await until('the second log line to be a record', async () => (await values()).length === before + 2);
          expect((await values()).slice(before)).toEqual([{ msg: 'started' }, { msg: 'stopping' }]);
        } finally {
          process.kill(-pipeline.pid!, 'SIGTERM');
        }
        last = undefined;
        continue;
      }
      const { stdout } = await run('bash', ['-c', `set -o pipefail; ${local(block.body)}`], { cwd, timeout: 40_000 });
      last = { command: block.body, stdout };
    }
    expect(checked).toBe(blocks.filter((b) => b.lang === 'json' || b.lang === 'text').length);
  });
});
