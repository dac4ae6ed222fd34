/**
 * Binds a `ws` socket to a Session through @hono/node-server's upgradeWebSocket:
 * the handshake is an ordinary Hono request (middleware runs on it), its query is
 * parsed before the upgrade, and problems with it are reported on the open socket
 * (an `error` message, then a 4xxx close) because browsers cannot read a refused
 * handshake's status.
 */
import type { WSEvents } from 'hono/ws';
import type { WebSocket } from 'ws';
import type { WebSocketLike } from '@hono/node-server';
import { checkTopicName } from '../core/log.js';
import type { RecordFormat } from '../core/record-validation.js';
import { invalid } from '../errors.js';
import { validationError } from '../api/validation-error.js';
import { CloseCode } from './close-codes.js';
import type { SocketHub, SocketRequest } from './hub.js';
import {
  GROUP_FROM_MESSAGE,
  groupFromAllowed,
  MultiplexQuery,
  parseFrom,
  parsePartitions,
  TopicSocketQuery,
  type StartPosition,
} from './protocol.js';
import type { Session } from './session.js';

/** Parses a handshake: `topic` for `/v1/topics/{topic}/ws`, absent for `/v1/ws`. */
export function parseSocketRequest(topic: string | undefined, query: Record<string, string>): SocketRequest {
  const schema = topic === undefined ? MultiplexQuery : TopicSocketQuery;
  const parsed = schema.safeParse(query);
  if (!parsed.success) return { error: validationError('query', parsed.error) };
  const credit = parsed.data.credit === undefined ? undefined : Number(parsed.data.credit);
  if (topic === undefined) return { credit };

  const reason = checkTopicName(topic);
  if (reason) return { error: invalid(`path/topic: ${reason}`, [{ path: 'path/topic', message: reason }]) };
  const q = parsed.data as { from?: string; partitions?: string; group?: string; format?: RecordFormat };
  if (q.group !== undefined && !groupFromAllowed(q.from, q.partitions)) {
    return { error: invalid(GROUP_FROM_MESSAGE, [{ path: 'query/group', message: 'allows only from=earliest|latest' }]) };
  }
  const start = q.from === undefined ? { kind: 'latest' as const } : (parseFrom(q.from) as StartPosition);
  const partitions = q.partitions === undefined ? undefined : (parsePartitions(q.partitions) as number[]);
  return { credit, subscribe: { topic, start, partitions, group: q.group, fromField: 'query/from', format: q.format } };
}

export function socketEvents(hub: SocketHub, request: SocketRequest): WSEvents<WebSocketLike> {
  let session: Session | undefined;
  return {
    onOpen(_event, ctx) {
      session = hub.attach(ctx.raw as unknown as WebSocket, request);
    },
    onMessage(event, ctx) {
      if (!session || session.closed) return;
      if (typeof event.data !== 'string') {
        session.close(CloseCode.UNSUPPORTED_DATA, 'send commands as JSON text frames, not binary');
        return;
      }
      const raw = ctx.raw as unknown as WebSocket;
      const s = session;
      const done = s.handleText(event.data);
      // Inbound backpressure: while a command waits behind another, stop reading the socket,
      // so a client flooding commands queues them in its own TCP buffers, not in ours.
      if (s.pendingCommands > 1 && !raw.isPaused) raw.pause();
      void done.then(() => {
        if (s.pendingCommands === 0 && raw.isPaused) raw.resume();
      });
    },
    onClose(_event, ctx) {
      hub.detach(ctx.raw as unknown as WebSocket);
    },
  };
}
