/**
 * Issue 17: "no stderr output from 20 concurrent long-polls". Every parked long-poll used to add
 * a listener to the one process-wide shutdown signal, and past ten Node printed a non-JSON
 * `MaxListenersExceededWarning ... memory leak` on stderr (a false alarm operators would chase).
 * The waiter registry now holds one listener on that signal however many polls wait.
 * A real gateway process; its stderr is read whole at exit.
 */
import { expect, it } from 'vitest';
import { requestJson, tempDir } from '../helpers/gateway.js';
import { startServerProcess } from '../helpers/process.js';

it('20+ concurrent long-polls (fetches and group polls), woken, timed out and ended by shutdown, print nothing on stderr', async () => {
  const server = await startServerProcess(tempDir());
  const { url } = server;
  expect((await requestJson(`${url}/v1/topics`, 'POST', { name: 't', partitions: 1 })).status).toBe(201);
  const member = await requestJson(`${url}/v1/groups/g/members`, 'POST', { topics: ['t'], autoOffsetReset: 'latest' });
  expect(member.status).toBe(201);
  const poll = `${url}/v1/groups/g/members/${member.body.memberId}/records`;
  const fetchAt0 = `${url}/v1/topics/t/partitions/0/records?offset=0`;

  // 25 that a produce will wake, 25 that run out of time, 5 group polls that shutdown ends.
  const woken = Array.from({ length: 25 }, () => requestJson(`${fetchAt0}&waitMs=30000`, 'GET'));
  const started = Date.now();
  const timedOut = Array.from({ length: 25 }, () => requestJson(`${fetchAt0}&waitMs=2000`, 'GET'));
  const grouped = Array.from({ length: 5 }, () => requestJson(`${poll}?waitMs=30000`, 'GET'));

  // Answered empty, each after waiting (a generous lower bound, never a bound on speed): they were parked.
  for (const res of await Promise.all(timedOut)) expect(res.body.records).toEqual([]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);

  expect((await requestJson(`${url}/v1/topics/t/records`, 'POST', { records: [{ value: 'wake' }] })).status).toBe(200);
  for (const res of await Promise.all(woken)) expect(res.body.records.map((r: { value: unknown }) => r.value)).toEqual(['wake']);

  // The group polls were woken by the record too, or are parked again; either way shutdown ends them.
  server.kill('SIGTERM');
  for (const res of await Promise.all(grouped)) expect(res.status).toBe(200);
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.output().stderr).toBe('');
});
