/**
 * The upgrade endpoints, a router that gateway.ts mounts beside the REST resources
 * (the REST app does not know this transport, nor this one the REST app). WebSocket has
 * no OpenAPI operation type, so the handshakes are registered as GET paths answering 101,
 * and the frame shapes as named schemas (WsCommand, WsServerMessage and their parts).
 */
import { upgradeWebSocket } from '@hono/node-server';
import '../auth/hono-context.js';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { problemResponse } from '../api/problem-details.js';
import { TopicParam } from '../api/schemas.js';
import { problemWith, sharedResponses, withCommonHeaders } from '../api/responses.js';
import { ErrorCode, GatewayError } from '../errors.js';
import { socketEvents, parseSocketRequest } from './handler.js';
import type { SocketHub, SocketRequest } from './hub.js';
import { CommandSchema, MultiplexQuery, ServerMessageSchema, TopicSocketQuery } from './protocol.js';

const FRAMES =
  'Every frame is JSON text with a `type`. The server sends WsServerMessage (records arrive as `{"type":"records","records":[...]}` in offset order per partition, no gap and no duplicate within a socket); the client may send WsCommand. ' +
  'Close codes: 1000 normal, 1001 gateway shutting down, 1003 binary frame, 1008 too slow (send buffer over wsMaxBufferedBytes), 1009 frame over wsMaxMessageBytes, 1011 internal error, 1013 too many sockets, ' +
  '4000 + the HTTP status of the error code for a bad handshake or a lost subscription (4400 bad query, 4401 credential revoked or expired, 4404 unknown topic or partition, 4416 offset out of range, 4409 fenced group member or a new group beyond groupMaxGroups, 4429 too many sockets for one principal (quotaMaxSocketsPerPrincipal), 4503 NOT_COORDINATOR: another gateway of the cluster coordinates the group, named in the error message\'s coordinator field). ' +
  'Subprotocol `logway.v1` is selected when offered.';

const switching = withCommonHeaders({
  // Without a store the gateway cannot open a socket either, but that refusal happens on the socket.
  ...sharedResponses(undefined, { storage: false }),
  101: {
    description: 'Switching Protocols: the socket is open. Frames: WsServerMessage from the server, WsCommand from the client.',
    content: { 'application/json': { schema: ServerMessageSchema } },
  },
  426: problemWith('Not a WebSocket handshake (send Upgrade: websocket)', {
    Upgrade: { description: 'The protocol to switch to (RFC 9110 15.5.22).', required: true, schema: { const: 'websocket' } },
  }),
});

function upgradeRequired(c: Context): Response {
  return problemResponse(
    new GatewayError(ErrorCode.UPGRADE_REQUIRED, `${c.req.path} is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)`),
    // RFC 9110 15.5.22: a 426 names the protocol to switch to in Upgrade.
    { upgrade: 'websocket', connection: 'Upgrade' },
  );
}

/** The handshake's path and request id (set by the app's request-id middleware, when it has one), for the socket's log lines. */
function withOrigin(c: Context, request: SocketRequest): SocketRequest {
  const requestId: unknown = c.get('requestId' as never);
  return { ...request, path: c.req.path, requestId: typeof requestId === 'string' ? requestId : undefined, principal: c.get('principal') };
}

export function websocketRoutes(hub: SocketHub | undefined) {
  // No validation hook: nothing here is an `openapi()` route; handshakes are parsed in handler.ts.
  const router = new OpenAPIHono();
  router.openAPIRegistry.register('WsCommand', CommandSchema);
  router.openAPIRegistry.register('WsServerMessage', ServerMessageSchema);
  router.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/topics/{topic}/ws',
    tags: ['websocket'],
    operationId: 'streamTopic',
    summary: 'WebSocket: stream one topic from a position, or as a consumer group member',
    description: `\`new WebSocket("ws://host:8080/v1/topics/orders/ws?from=earliest")\`. ${FRAMES}`,
    request: { params: TopicParam, query: TopicSocketQuery },
    responses: switching,
  });
  router.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/ws',
    tags: ['websocket'],
    operationId: 'multiplexSocket',
    summary: 'WebSocket: subscribe, unsubscribe, commit, produce and grant credit with commands on one socket',
    description: `Commands (WsCommand) may carry an \`id\`; the reply (subscribed, unsubscribed, committed, ack, or error) echoes it. ${FRAMES}`,
    request: { query: MultiplexQuery },
    responses: switching,
  });
  if (!hub) return router;

  router.get(
    '/v1/topics/:topic/ws',
    upgradeWebSocket((c) => socketEvents(hub, withOrigin(c, parseSocketRequest(c.req.param('topic'), c.req.query())))),
    upgradeRequired,
  );
  router.get(
    '/v1/ws',
    upgradeWebSocket((c) => socketEvents(hub, withOrigin(c, parseSocketRequest(undefined, c.req.query())))),
    upgradeRequired,
  );
  return router;
}

