/**
 * The `logway` command (bin/logway.js) run as users run it, as a child process, against a real
 * gateway. LOGWAY_CLI_FROM_SOURCE: the bin runs src/cli through tsx, never a stale dist/.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startGateway, tempDir } from '../helpers/gateway.js';
import { childEnv, REPO_ROOT } from '../helpers/process.js';

const exec = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'bin/logway.js');

async function logway(url: string, args: string[], stdinFile?: string) {
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args.map((a) => `'${a}'`).join(' ')}${stdinFile ? ` < ${JSON.stringify(stdinFile)}` : ''}`;
  try {
    const { stdout, stderr } = await exec('bash', ['-c', command], { env: childEnv({ LOGWAY_URL: url, LOGWAY_CLI_FROM_SOURCE: '1' }), timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lines = (stdout: string) => stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));

describe('logway CLI', () => {
  it('produces a file, consumes with --max and as a group member (committing what it printed)', { timeout: 180_000 }, async () => {
    const { url, json } = await startGateway();
    expect((await logway(url, ['topics', 'create', 'events', '--partitions', '2'])).code).toBe(0);
    const file = path.join(tempDir(), 'events.ndjson');
    fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => JSON.stringify({ n: i })).join('\n') + '\n');
    const produced = await logway(url, ['produce', 'events', '--key', 'same'], file);
    expect(produced.code, produced.stderr).toBe(0);
    expect(JSON.parse(produced.stderr)).toMatchObject({ topic: 'events', lines: 10, appended: 10 });

    const some = await logway(url, ['consume', 'events', '--max', '4']);
    expect(some.code, some.stderr).toBe(0);
    // One key: one partition, in order.
    expect(lines(some.stdout).map((r) => r.value)).toEqual([0, 1, 2, 3].map((n) => ({ n })));

    const member = await logway(url, ['consume', 'events', '--group', 'readers']);
    expect(member.code, member.stderr).toBe(0);
    expect(lines(member.stdout).map((r) => r.value.n).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const group = await json('GET', '/v1/groups/readers');
    expect(group.body.members, 'the member left on exit').toEqual([]);
    expect(group.body.offsets.reduce((sum: number, o: { committedOffset: number }) => sum + o.committedOffset, 0)).toBe(10);
    // Committed: the group's next run prints nothing.
    expect(lines((await logway(url, ['consume', 'events', '--group', 'readers'])).stdout)).toEqual([]);

    const described = await logway(url, ['topics', 'describe', 'events']);
    expect(JSON.parse(described.stdout)).toMatchObject({ name: 'events', partitions: 2 });
  });

  it('prints the problem and exits non-zero; a wrong URL says it cannot reach the gateway', { timeout: 120_000 }, async () => {
    const { url } = await startGateway();
    const missing = await logway(url, ['topics', 'describe', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Topic not found: topic 'nope' does not exist");
    // A port nothing listens on: one the system just gave out and took back.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await logway(`http://127.0.0.1:${port}`, ['topics', 'list']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(`logway: cannot reach the gateway at http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
