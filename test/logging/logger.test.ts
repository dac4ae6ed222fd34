/**
 * The gateway's log on stdout: JSON lines written asynchronously (src/logging/logger.ts), so
 * every line must still arrive whole, in order, and nothing logged before exit may be lost.
 * A real gateway process; its stdout is read whole at exit.
 */
import { expect, it } from 'vitest';
import { requestJson, tempDir } from '../helpers/gateway.js';
import { startServerProcess } from '../helpers/process.js';

it('every request line reaches stdout as one JSON line, the last ones too when the process exits at once after them', async () => {
  const server = await startServerProcess(tempDir());
  const count = 100;
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) => requestJson(`${server.url}/v1/topics/t${i}`, 'GET')),
  );
  for (const res of answers) expect(res.status).toBe(404);
  // Shutdown exits the process as soon as the gateway is closed: the lines must not be left behind.
  server.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
  const lines = server.output().stdout.split('\n').filter((l) => l !== '');
  const parsed = lines.map((l) => JSON.parse(l) as { msg: string; url?: string; status?: number });
  const requestLines = parsed.filter((l) => l.msg === 'GET /v1/topics/:topic 404');
  expect(requestLines.map((l) => l.url).sort()).toEqual(Array.from({ length: count }, (_, i) => `/v1/topics/t${i}`).sort());
  // In order: the shutdown line after the requests it followed.
  expect(parsed.findIndex((l) => l.msg === 'shutting down')).toBeGreaterThan(parsed.lastIndexOf(requestLines.at(-1)!));
});
