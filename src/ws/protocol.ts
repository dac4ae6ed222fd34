/**
 * The WebSocket protocol: every frame is a JSON text frame with a `type`.
 *
 * Inbound commands are validated with these zod schemas (the same schemas describe
 * them in openapi.yaml). Outbound messages are written by session.ts; their schemas
 * here exist to document them, not to validate what the server sends.
 */
import { z } from '@hono/zod-openapi';
import { checkedString, GroupName, ProduceRecordSchema, RecordFormatQuery, RecordSchema, TopicName } from '../api/schemas.js';
import { PositionResetSchema } from '../api/topic-start.js';

/** Wire values of `type`, written once (ARCHITECTURE.md convention 11). */
export const MessageType = {
  // client -> server
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  commit: 'commit',
  produce: 'produce',
  credit: 'credit',
  // server -> client
  subscribed: 'subscribed',
  unsubscribed: 'unsubscribed',
  records: 'records',
  assigned: 'assigned',
  revoked: 'revoked',
  committed: 'committed',
  ack: 'ack',
  error: 'error',
} as const;

// ------------------------------------------------------------------ start positions

/** Where a subscription starts reading, after parsing `from`. */
export type StartPosition =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'time'; timestamp: number }
  /** Resume: the next offset per partition (only these partitions are read). */
  | { kind: 'offsets'; offsets: Map<number, number> }
  /** Resume from a cursor (core/cursor.ts) that any transport answered; checked against the topic on subscribe. */
  | { kind: 'cursor'; cursor: string };

const DIGITS = /^\d{1,16}$/;
const CURSOR_TEXT = /^[A-Za-z0-9_-]+$/;

/**
 * `earliest` | `latest` | `<offset>` | `time:<epoch-ms>` | `<partition>:<offset>,...` | `cursor:<c>`.
 * Returns a reason instead of throwing, so callers can name the field.
 */
export function parseFrom(text: string): StartPosition | string {
  if (text === 'earliest' || text === 'latest') return { kind: text };
  if (text.startsWith('cursor:')) {
    const cursor = text.slice(7);
    // Only the alphabet here: the contents are checked against the topic on subscribe (INVALID_CURSOR).
    if (!CURSOR_TEXT.test(cursor)) return 'cursor:<cursor> needs a cursor (base64url text) as a read answered it';
    return { kind: 'cursor', cursor };
  }
  if (DIGITS.test(text)) return safe(Number(text), (offset) => ({ kind: 'offset', offset }));
  if (text.startsWith('time:')) {
    const ms = text.slice(5);
    if (!DIGITS.test(ms)) return 'time:<epoch-ms> needs an integer number of milliseconds';
    return safe(Number(ms), (timestamp) => ({ kind: 'time', timestamp }));
  }
  if (/^\d+:\d+(,\d+:\d+)*$/.test(text)) {
    const offsets = new Map<number, number>();
    for (const pair of text.split(',')) {
      const [p, o] = pair.split(':').map(Number) as [number, number];
      if (!Number.isSafeInteger(p) || !Number.isSafeInteger(o)) return 'partition and offset must be safe integers';
      if (offsets.has(p)) return `partition ${p} is named twice`;
      offsets.set(p, o);
    }
    return { kind: 'offsets', offsets };
  }
  return "must be 'earliest', 'latest', an offset, 'time:<epoch-ms>', '<partition>:<offset>,...' or 'cursor:<cursor>'";
}

function safe(n: number, make: (n: number) => StartPosition): StartPosition | string {
  return Number.isSafeInteger(n) ? make(n) : 'must be a safe integer';
}

/** `0,2` -> [0, 2]. */
export function parsePartitions(text: string): number[] | string {
  if (!/^\d{1,9}(,\d{1,9})*$/.test(text)) return 'must be a comma-separated list of partition numbers, e.g. 0,2';
  const list = text.split(',').map(Number);
  if (new Set(list).size !== list.length) return 'must not name a partition twice';
  return list;
}

export const GROUP_FROM_MESSAGE =
  'a group member is assigned its partitions: with group, from may only be earliest or latest (where the group has no committed offset), and partitions is not allowed';

/** With a group, `from` may only choose the reset policy, and partitions are assigned. */
export function groupFromAllowed(from: unknown, partitions: unknown): boolean {
  return partitions === undefined && (from === undefined || from === 'earliest' || from === 'latest');
}

// ------------------------------------------------------------------ shared pieces

const Id = z
  .union([z.string().max(256), z.number()])
  .optional()
  .openapi({ description: 'Any id the client chooses; the reply to this command echoes it.' });

/** parseFrom and parsePartitions answer a string when the text is invalid: that is the reason. */
const reasonOf = (parsed: unknown) => (typeof parsed === 'string' ? parsed : undefined);
const FromText = checkedString((text) => reasonOf(parseFrom(text)));

export const FromSchema = z
  .union([
    z.number().int().min(0),
    FromText,
    z.record(z.string().regex(/^\d+$/, 'keys must be partition numbers'), z.number().int().min(0)),
  ])
  .openapi('WsFrom', {
    description:
      "Start position: 'earliest', 'latest' (default), an offset, 'time:<epoch-ms>', 'cursor:<cursor>' (resume where a read over any transport left off), or per partition {\"0\": 42, \"1\": 17} (resume: only these partitions).",
    example: 'earliest',
  });

/** A validated `from` as a StartPosition (the schema has already rejected bad text). */
export function startPositionOf(from: z.infer<typeof FromSchema> | undefined): StartPosition {
  if (from === undefined) return { kind: 'latest' };
  if (typeof from === 'number') return { kind: 'offset', offset: from };
  if (typeof from === 'string') return parseFrom(from) as StartPosition;
  return { kind: 'offsets', offsets: new Map(Object.entries(from).map(([p, o]) => [Number(p), o])) };
}

const TopicPartitionOffset = z.object({
  topic: z.string(),
  partition: z.number().int().min(0),
  offset: z.number().int().min(0).openapi({ description: 'The next offset to read (Kafka convention).' }),
});

// ------------------------------------------------------------------ client -> server

export const SubscribeCommand = z
  .strictObject({
    type: z.literal(MessageType.subscribe),
    id: Id,
    topic: TopicName,
    from: FromSchema.optional(),
    partitions: z.array(z.number().int().min(0)).min(1).optional().openapi({ description: 'Default: every partition.' }),
    group: GroupName.optional().openapi({
      description:
        'Join this consumer group: the server assigns partitions (partitions is then not allowed, and from may only be earliest or latest: where to start partitions the group never committed).',
    }),
    format: RecordFormatQuery.optional(),
  })
  .openapi('WsSubscribe');

export const UnsubscribeCommand = z
  .strictObject({ type: z.literal(MessageType.unsubscribe), id: Id, topic: TopicName })
  .openapi('WsUnsubscribe');

export const CommitCommand = z
  .strictObject({
    type: z.literal(MessageType.commit),
    id: Id,
    group: GroupName.optional().openapi({ description: 'Needed only when the socket is in more than one group.' }),
    offsets: z.array(TopicPartitionOffset).min(1),
  })
  .openapi('WsCommit');

export const ProduceCommand = z
  .strictObject({
    type: z.literal(MessageType.produce),
    id: Id,
    topic: TopicName,
    records: z.array(ProduceRecordSchema).min(1),
    idempotencyKey: z.string().min(1).max(255).optional(),
  })
  .openapi('WsProduce');

export const CreditCommand = z
  .strictObject({
    type: z.literal(MessageType.credit),
    id: Id,
    records: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({
      description: 'Records the server may send on top of those already granted. The first credit switches the socket to explicit credit.',
    }),
  })
  .openapi('WsCredit');

export const CommandSchema = z
  .discriminatedUnion('type', [SubscribeCommand, UnsubscribeCommand, CommitCommand, ProduceCommand, CreditCommand])
  .openapi('WsCommand', { description: 'A command a client sends over /v1/ws (also accepted on /v1/topics/{topic}/ws).' });

export type Command = z.infer<typeof CommandSchema>;
export type SubscribeCommand = z.infer<typeof SubscribeCommand>;
export type CommitCommand = z.infer<typeof CommitCommand>;
export type ProduceCommand = z.infer<typeof ProduceCommand>;

// ------------------------------------------------------------------ server -> client (documentation)

const PartitionStart = z.object({ partition: z.number().int(), offset: z.number().int() });

const CursorField = z.string().openapi({
  description:
    'The cursor (see Cursor) of the position after this message: every partition of the subscription. Resume with from=cursor:<cursor> over WebSocket, Server-Sent Events or REST. Absent in group mode (a member resumes from its commits).',
});

export const RecordsMessage = z
  .object({ type: z.literal(MessageType.records), records: z.array(RecordSchema), cursor: CursorField.optional() })
  .openapi('WsRecords', { description: 'Records of one partition, in offset order; no gap and no duplicate within a socket.' });

export const SubscribedMessage = z
  .object({
    type: z.literal(MessageType.subscribed),
    id: Id,
    topic: z.string(),
    partitions: z.array(PartitionStart).openapi({ description: 'Where each partition starts (empty in group mode).' }),
    cursor: CursorField.optional().openapi({
      description: 'The cursor of the start position (absent in group mode): a socket dropped before its first records resumes from it with no gap.',
    }),
    resets: z.array(PositionResetSchema).optional().openapi({
      description: 'Partitions whose cursor position was older than retention: streaming starts at their log start instead.',
    }),
    group: z.string().optional(),
    memberId: z.string().optional(),
  })
  .openapi('WsSubscribed');

export const UnsubscribedMessage = z
  .object({ type: z.literal(MessageType.unsubscribed), id: Id, topic: z.string() })
  .openapi('WsUnsubscribed');

export const AssignedMessage = z
  .object({
    type: z.literal(MessageType.assigned),
    group: z.string(),
    memberId: z.string(),
    memberEpoch: z.number().int(),
    partitions: z.array(TopicPartitionOffset).openapi({ description: 'Newly granted partitions and where streaming starts.' }),
  })
  .openapi('WsAssigned');

export const RevokedMessage = z
  .object({
    type: z.literal(MessageType.revoked),
    group: z.string(),
    memberId: z.string(),
    partitions: z.array(z.object({ topic: z.string(), partition: z.number().int() })),
  })
  .openapi('WsRevoked', { description: 'No more records of these partitions will be sent on this socket.' });

export const CommittedMessage = z
  .object({ type: z.literal(MessageType.committed), id: Id, group: z.string(), offsets: z.array(TopicPartitionOffset) })
  .openapi('WsCommitted');

export const AckMessage = z
  .object({
    type: z.literal(MessageType.ack),
    id: Id,
    topic: z.string(),
    records: z.array(z.object({ partition: z.number().int(), offset: z.number().int(), timestamp: z.number().int() })),
  })
  .openapi('WsAck', { description: 'The produced records are on disk; where each landed, in command order.' });

export const ErrorMessage = z
  .object({
    type: z.literal(MessageType.error),
    id: Id,
    code: z.string().openapi({ description: 'The GatewayError code, as in REST problem details.', example: 'TOPIC_NOT_FOUND' }),
    message: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .openapi('WsError');

export const ServerMessageSchema = z
  .union([
    RecordsMessage,
    SubscribedMessage,
    UnsubscribedMessage,
    AssignedMessage,
    RevokedMessage,
    CommittedMessage,
    AckMessage,
    ErrorMessage,
  ])
  .openapi('WsServerMessage', { description: 'A message the server sends.' });

// ------------------------------------------------------------------ handshake query

const CreditParam = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a non-negative integer')
  .optional()
  .openapi({
    type: 'integer',
    description:
      'Explicit credit: the server sends this many records, then only what `credit` commands grant. Absent: automatic credit (wsDefaultCreditRecords records in flight).',
  });

const AccessTokenParam = z.string().optional().openapi({
  description: 'Reserved for authentication (browsers cannot set headers on a WebSocket); ignored today.',
});

/** Query of `GET /v1/ws`. Unknown parameters are ignored. */
export const MultiplexQuery = z.object({ credit: CreditParam, access_token: AccessTokenParam });

/** Query of `GET /v1/topics/{topic}/ws`. */
export const TopicSocketQuery = MultiplexQuery.extend({
  from: FromText.optional().openapi({
      description:
        "'earliest', 'latest' (default), an offset (every selected partition), 'time:<epoch-ms>', '<partition>:<offset>,...' to resume exactly those partitions, or 'cursor:<cursor>' to resume where a read over any transport left off (a records frame's cursor, an SSE event id, a REST topic read's cursor).",
      example: 'earliest',
    }),
  partitions: checkedString((text) => reasonOf(parsePartitions(text)))
    .optional()
    .openapi({ description: 'Comma-separated partitions to read (default: all, including partitions added later).', example: '0,2' }),
  group: GroupName.optional().openapi({
    description:
      'Join this consumer group as a member: the server assigns partitions, streaming each from the committed offset (not with partitions; from may only be earliest or latest, for partitions never committed).',
  }),
  format: RecordFormatQuery.optional(),
});
