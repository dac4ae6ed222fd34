/**
 * What the WebSocket transport reports about its sockets, so the edge can count and log them
 * (gateway.ts composes metrics and the logger behind it). Calls must be cheap and never throw.
 */
export interface SocketOpened {
  /** The handshake's request id (X-Request-Id), to match the socket's lines to its upgrade request. */
  requestId: string | undefined;
  path: string;
}

export interface SocketClosed extends SocketOpened {
  /** The close code the server sent, else the client's; 1006 when the connection was cut without one. */
  code: number;
  reason: string;
  /** Who ended it: the server (an error, too slow, shutdown, a missed ping) or the client. */
  by: 'server' | 'client';
  /** How long the socket was open, in milliseconds. */
  durationMs: number;
}

export interface SocketObserver {
  opened(socket: SocketOpened): void;
  closed(socket: SocketClosed): void;
  /** Records sent on a socket in one frame (`bytes`: the frame's size). */
  delivered(topic: string, records: number, bytes: number): void;
}
