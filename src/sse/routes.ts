/**
 * GET /v1/topics/{topic}/events: a topic as Server-Sent Events (event-stream.ts). A router that
 * gateway.ts mounts beside the REST resources, as it does the WebSocket endpoints: this transport
 * imports neither of the others.
 */
import { z } from '@hono/zod-openapi';
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import { TopicReader } from '../core/topic-reader.js';
import { ProblemSchema, RecordFormatQuery, TopicParam } from '../api/schemas.js';
import { problemWith, sharedResponses, withCommonHeaders } from '../api/responses.js';
import { parseTopicStart, TopicFromQuery, type StartOrCursor } from '../api/topic-start.js';
import { validationError } from '../api/validation-error.js';
import { OpenAPIHono } from '@hono/zod-openapi';
import { eventStream } from './event-stream.js';
import { ErrorCode, GatewayError, invalid } from '../errors.js';
import { GroupName } from '../api/schemas.js';
import type { GroupPort } from '../api/group-port.js';
import { groupEventStream } from './group-event-stream.js';
import { forwardable, forwardToCoordinator } from '../api/coordinator-forwarding.js';

const PartitionsQuery = z
  .string()
  .regex(/^\d{1,9}(,\d{1,9})*$/, 'must be a comma-separated list of partition numbers, e.g. 0,2')
  .refine((text) => new Set(text.split(',')).size === text.split(',').length, 'must not name a partition twice')
  .optional()
  .openapi({ description: 'Comma-separated partitions to stream (default: every partition, including partitions added later).', example: '0,2' });

export const EventsQuery = z.object({
  from: TopicFromQuery.optional().openapi({
    description:
      "Where to start: 'latest' (default), 'earliest', 'time:<epoch-ms>', or 'cursor:<cursor>'. A Last-Event-ID header (an EventSource reconnecting) overrides it. With group: only 'earliest' or 'latest', where partitions the group never committed start.",
    example: 'earliest',
  }),
  partitions: PartitionsQuery,
  format: RecordFormatQuery.optional(),
  group: GroupName.optional().openapi({
    description:
      'Read as a member of this consumer group: the stream is one member, streams the partitions assigned to it from the group\'s position, commits what it sent each time it reads again, and leaves the group when it ends. Not with partitions.',
  }),
});

const GROUP_FROM = "with group, from may only be 'earliest' or 'latest' (where partitions the group never committed start), and partitions is not allowed";

const EVENTS =
  'One event per record: `id:` the cursor after it (see Cursor), `data:` the record as JSON (Record), default event type, so `EventSource.onmessage` receives records. ' +
  'The stream starts with `retry:` and an `id:` without data (the start position). Other events: `reset` (data `{"partitions":[PositionReset]}`: the position was older than retention; reading resumed at the log start) and ' +
  '`problem` (data: problem details; the stream then ends, e.g. the topic was deleted). Idle streams get `: heartbeat` comments every sseHeartbeatMs. ' +
  'A reconnecting EventSource sends the last id as Last-Event-ID and continues with no gap and no duplicate. A slow reader is paused (the log is read only while fewer than sseHighWaterBytes wait to be sent). ' +
  'With group=: first `event: joined` (data `{group, memberId}`), then `assigned` and `revoked` events (data as the WebSocket messages of those names) and records without ids; commits are automatic (at-least-once); the member leaves when the stream ends.';

const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx buffers responses unless told not to; an event stream must flow.
  'x-accel-buffering': 'no',
};

export function sseRoutes(
  log: Log,
  config: Config,
  shutdown: AbortSignal,
  onUnexpectedError: (err: unknown) => void,
  /** Absent: group= is refused. */
  groups?: GroupPort,
) {
  const reader = new TopicReader(log);
  const router = new OpenAPIHono();
  router.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/topics/{topic}/events',
    tags: ['records'],
    operationId: 'streamTopicEvents',
    summary: 'Server-Sent Events: stream a topic, one event per record, resumable with Last-Event-ID',
    description: `\`new EventSource("/v1/topics/orders/events?from=earliest")\`. ${EVENTS}`,
    request: {
      params: TopicParam,
      query: EventsQuery,
      headers: z.object({
        'last-event-id': z.string().optional().openapi({ description: 'The cursor to resume from (what EventSource sends when it reconnects); overrides from.' }),
      }),
    },
    responses: withCommonHeaders({
      ...sharedResponses({ params: TopicParam }),
      200: { description: 'The event stream', content: { 'text/event-stream': { schema: z.string().openapi({ description: EVENTS }) } } },
      400: problemWith('Invalid query, or a cursor (from or Last-Event-ID) that is malformed or not of this topic (code INVALID_CURSOR)'),
      409: problemWith('group=: a new group beyond groupMaxGroups, or the group is full (groupMaxMembers)'),
      404: { description: 'No such topic or partition', content: { 'application/problem+json': { schema: ProblemSchema } } },
    }),
  });

  router.get('/v1/topics/:topic/events', async (c) => {
    const params = TopicParam.safeParse({ topic: c.req.param('topic') });
    if (!params.success) throw validationError('path', params.error);
    const query = EventsQuery.safeParse(c.req.query());
    if (!query.success) throw validationError('query', query.error);
    const group = query.data.group;
    if (group !== undefined) {
      const from = query.data.from;
      if ((from !== undefined && from !== 'earliest' && from !== 'latest') || query.data.partitions !== undefined) {
        throw invalid(`query/group: ${GROUP_FROM}`, [{ path: 'query/group', message: GROUP_FROM }]);
      }
      if (!groups) throw new GatewayError(ErrorCode.UNAVAILABLE, 'consumer groups are not available on this gateway');
      // On a cluster, the stream is served by the group's coordinator: forwarded there and relayed as it streams.
      const coordinator = await groups.whoCoordinates?.(group);
      if (coordinator && forwardable(c, coordinator)) return forwardToCoordinator(c, group, coordinator, config.advertisedUrl ?? '');
      // Last-Event-ID is ignored: a member resumes from its group's commits (its events carry no ids).
      const body = await groupEventStream({
        reader,
        log,
        groups,
        topic: await log.describeTopic(params.data.topic),
        group,
        autoOffsetReset: from === 'earliest' ? 'earliest' : 'latest',
        settings: config,
        signals: [c.req.raw.signal, shutdown],
        onUnexpectedError,
      });
      return new Response(body, { status: 200, headers: EVENT_STREAM_HEADERS });
    }
    const lastEventId = c.req.header('last-event-id');
    const start: StartOrCursor | undefined = lastEventId
      ? { kind: 'cursor', cursor: lastEventId }
      : query.data.from === undefined
        ? undefined
        : (parseTopicStart(query.data.from) as StartOrCursor);
    const partitions = query.data.partitions?.split(',').map(Number);
    const opened = await reader.open(params.data.topic, {
      cursor: start?.kind === 'cursor' ? start.cursor : undefined,
      start: start?.kind === 'cursor' ? undefined : (start ?? { kind: 'latest' }),
      partitions,
      field: lastEventId ? 'header/last-event-id' : 'query/from',
    });
    const body = eventStream({
      reader,
      cursor: opened.cursor,
      resets: opened.resets,
      settings: config,
      signals: [c.req.raw.signal, shutdown],
      format: query.data.format,
      onUnexpectedError,
    });
    return new Response(body, { status: 200, headers: EVENT_STREAM_HEADERS });
  });
  return router;
}
