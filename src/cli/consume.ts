/**
 * `logway consume` without --follow: the records there are now, as NDJSON on stdout, from a
 * position (topic-level reads with a cursor) or as a consumer group member (join, poll, commit;
 * leave on exit or Ctrl-C). --follow streams over the WebSocket instead (follow.ts).
 */
import { ok, type LogwayClient } from './client.js';

export interface ConsumeOptions {
  from: string;
  group?: string;
  max?: number;
  /** Aborted by Ctrl-C: the loop ends after the request under way, a member leaves its group. */
  signal: AbortSignal;
  write: (line: string) => void;
}

export async function consume(client: LogwayClient, topic: string, options: ConsumeOptions): Promise<number> {
  return options.group ? consumeAsMember(client, topic, options.group, options) : consumeFromPosition(client, topic, options);
}

async function consumeFromPosition(client: LogwayClient, topic: string, options: ConsumeOptions): Promise<number> {
  let printed = 0;
  let cursor: string | undefined;
  while (!options.signal.aborted && printed < (options.max ?? Infinity)) {
    const limit = Math.min(1000, (options.max ?? Infinity) - printed);
    const query = { ...(cursor ? { cursor } : { from: options.from }), limit };
    const answer = await aborting(options.signal, () =>
      client.GET('/v1/topics/{topic}/records', { params: { path: { topic }, query }, signal: options.signal }),
    );
    if (!answer) break;
    const page = ok(answer);
    for (const record of page.records) options.write(JSON.stringify(record));
    printed += page.records.length;
    cursor = page.cursor;
    if (page.records.length === 0) break;
  }
  return printed;
}

async function consumeAsMember(client: LogwayClient, topic: string, group: string, options: ConsumeOptions): Promise<number> {
  const reset = options.from === 'latest' ? 'latest' : 'earliest';
  const joined = ok(await client.POST('/v1/groups/{group}/members', { params: { path: { group } }, body: { topics: [topic], autoOffsetReset: reset } }));
  const member = { group, memberId: joined.memberId };
  let epoch = joined.memberEpoch;
  let assignment = joined.assignment;
  let nextHeartbeat = Date.now() + joined.heartbeatIntervalMs;
  let printed = 0;
  try {
    while (!options.signal.aborted && printed < (options.max ?? Infinity)) {
      if (Date.now() >= nextHeartbeat) {
        const beat = ok(
          await client.POST('/v1/groups/{group}/members/{memberId}/heartbeat', {
            params: { path: member },
            body: { memberEpoch: epoch, ownedPartitions: assignment },
          }),
        );
        epoch = beat.memberEpoch;
        assignment = beat.assignment;
        nextHeartbeat = Date.now() + joined.heartbeatIntervalMs;
      }
      const left = (options.max ?? Infinity) - printed;
      // A short wait: a new member's partitions may take a moment to be assigned.
      const query = { limit: Math.min(1000, left), waitMs: 500 };
      const answer = await aborting(options.signal, () =>
        client.GET('/v1/groups/{group}/members/{memberId}/records', { params: { path: member, query }, signal: options.signal }),
      );
      if (!answer) break;
      const poll = ok(answer);
      epoch = poll.memberEpoch;
      assignment = poll.assignment;
      for (const record of poll.records) options.write(JSON.stringify(record));
      printed += poll.records.length;
      if (poll.records.length > 0) {
        // Printed is processed: commit where the poll says to continue.
        ok(await client.POST('/v1/groups/{group}/offsets', { params: { path: { group } }, body: { memberId: member.memberId, memberEpoch: epoch, offsets: poll.nextOffsets } }));
      } else break;
    }
  } finally {
    // Leave at once, so the partitions go to the other members now rather than at the session timeout.
    await client.DELETE('/v1/groups/{group}/members/{memberId}', { params: { path: member } }).catch(() => {});
  }
  return printed;
}

/** The request's answer, or undefined when `signal` aborted it (Ctrl-C). */
async function aborting<T>(signal: AbortSignal, request: () => Promise<T>): Promise<T | undefined> {
  try {
    return await request();
  } catch (err) {
    if (signal.aborted) return undefined;
    throw err;
  }
}
