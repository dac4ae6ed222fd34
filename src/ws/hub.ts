/**
 * Every open socket of the gateway: the `ws` server that @hono/node-server hands
 * upgrades to, the connection limit, liveness pings, and closing everything on shutdown.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config.js';
import type { Log } from '../core/log.js';
import { isGatewayError, type GatewayError } from '../errors.js';
import { closeCodeFor, closeReason, CloseCode } from './close-codes.js';
import type { GroupPort } from '../api/group-port.js';
import { SharedFrames } from './records-frame.js';
import { Session, type SubscribeRequest } from './session.js';
import { commandAccess } from './command-access.js';
import type { Principal } from '../auth/principal.js';
import type { Security } from '../auth/security.js';
import type { SocketObserver } from './socket-observer.js';

/** 4000 + 401: the socket's credential was revoked or has expired. */
const UNAUTHORIZED_CLOSE = 4401;

/** The subprotocol this server speaks. `logway` is accepted too: browsers offer it beside `bearer.<token>`. */
export const SUBPROTOCOL = 'logway.v1';
const SUBPROTOCOLS = [SUBPROTOCOL, 'logway'];

/** What the handshake asked for, parsed before the upgrade. */
export interface SocketRequest {
  /** The subscription named by a topic URL. */
  subscribe?: SubscribeRequest;
  /** Explicit initial credit (`?credit=`). */
  credit?: number;
  /** A bad query on a topic URL: reported on the socket, which then closes with its code. */
  error?: GatewayError;
  /** Who authenticated the handshake (absent: authentication is off). */
  principal?: Principal;
  /** The handshake's request id and path, for the socket's log lines. */
  requestId?: string;
  path?: string;
}

export interface SocketHubDeps {
  config: Config;
  log: Log;
  groups?: GroupPort;
  /** Access control: commands checked per principal, sockets per principal bounded, revoked or expired credentials closed. */
  security?: Security;
  onUnexpectedError: (err: unknown) => void;
  observer?: SocketObserver;
}

interface Connection {
  session: Session;
  /** Answered the last ping. */
  alive: boolean;
  principal?: Principal;
  /** Closes the socket when its credential expires. */
  expiry?: NodeJS.Timeout;
}

/** setTimeout's longest delay (about 24.8 days); a credential living longer is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class SocketHub {
  readonly server: WebSocketServer;
  readonly #deps: SocketHubDeps;
  readonly #connections = new Map<WebSocket, Connection>();
  readonly #frames = new SharedFrames();
  readonly #socketsByPrincipal = new Map<string, number>();
  /** Sockets cut for a missed ping (weak: the entry goes with the socket). */
  readonly #terminated = new WeakSet<WebSocket>();
  #pingTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(deps: SocketHubDeps) {
    this.#deps = deps;
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: deps.config.wsMaxMessageBytes,
      // Browsers fail the handshake unless the server picks one of the subprotocols they
      // offer. Prefer ours; otherwise echo the first (e.g. a token-carrying value later).
      // A `bearer.<token>` protocol only carries a credential: it is never echoed back.
      handleProtocols: (protocols) =>
        SUBPROTOCOLS.find((p) => protocols.has(p)) ?? [...protocols].find((p) => !p.startsWith('bearer.')) ?? false,
    });
    // A revoked key ends, within the same turn, every socket it (or a token it minted) opened.
    deps.security?.onRevoke((keyId) => {
      for (const connection of this.#connections.values()) {
        if (connection.principal?.keyId === keyId) connection.session.close(UNAUTHORIZED_CLOSE, 'the API key of this socket was revoked');
      }
    });
  }

  get size(): number {
    return this.#connections.size;
  }

  /** Frames serialized for live batches (shared by every socket at one position). */
  get frames(): SharedFrames {
    return this.#frames;
  }

  /** Starts liveness pings: a socket that has not answered the previous ping is terminated. */
  start(): void {
    this.#pingTimer ??= setInterval(() => this.#ping(), this.#deps.config.wsPingIntervalMs);
    this.#pingTimer.unref();
  }

  /** Figures for metrics, gathered when scraped: sockets, their subscriptions, bytes in their send buffers. */
  stats(): { sockets: number; subscriptions: number; bufferedBytes: number } {
    let subscriptions = 0;
    let bufferedBytes = 0;
    for (const [ws, connection] of this.#connections) {
      subscriptions += connection.session.subscriptionCount;
      bufferedBytes += ws.bufferedAmount;
    }
    return { sockets: this.#connections.size, subscriptions, bufferedBytes };
  }

  /** A socket just opened: give it a session, or close it with the reason it cannot have one. */
  attach(ws: WebSocket, request: SocketRequest): Session | undefined {
    const close = this.#observe(ws, request);
    if (this.#closing) {
      close(CloseCode.GOING_AWAY, 'the gateway is shutting down');
      return undefined;
    }
    const max = this.#deps.config.wsMaxConnections;
    if (this.#connections.size >= max) {
      close(CloseCode.TRY_AGAIN_LATER, closeReason(`too many sockets: the gateway allows ${max} (wsMaxConnections)`));
      return undefined;
    }
    const { principal } = request;
    const security = this.#deps.security;
    const perPrincipal = security?.settings.quotaMaxSocketsPerPrincipal ?? 0;
    if (principal && security?.enabled && perPrincipal > 0 && (this.#socketsByPrincipal.get(principal.id) ?? 0) >= perPrincipal) {
      close(4429, closeReason(`too many sockets: ${principal.id} may hold ${perPrincipal} (quotaMaxSocketsPerPrincipal)`));
      return undefined;
    }
    const session = new Session(
      {
        log: this.#deps.log,
        settings: this.#deps.config,
        frames: this.#frames,
        groups: this.#deps.groups,
        access: principal && security?.enabled ? commandAccess(principal, security) : undefined,
        onUnexpectedError: this.#deps.onUnexpectedError,
        onDelivered: this.#deps.observer?.delivered.bind(this.#deps.observer),
      },
      {
        send: (frame, onFlushed) => {
          if (typeof frame === 'string' || Buffer.isBuffer(frame)) return ws.send(frame, { binary: false }, () => onFlushed());
          // A records frame's parts (shared body or head and store-encoded records, this socket's tail)
          // as fragments of one message: nothing copied per socket or per read.
          const last = frame.length - 1;
          for (let i = 0; i < last; i++) ws.send(frame[i]!, { binary: false, fin: false });
          ws.send(frame[last]!, { binary: false, fin: true }, () => onFlushed());
        },
        get bufferedAmount() {
          return ws.bufferedAmount;
        },
        close,
      },
      { credit: request.credit, closeOnSubscriptionError: request.subscribe !== undefined || request.error !== undefined },
    );
    const connection: Connection = { session, alive: true, principal };
    this.#connections.set(ws, connection);
    if (principal && security?.enabled) {
      this.#socketsByPrincipal.set(principal.id, (this.#socketsByPrincipal.get(principal.id) ?? 0) + 1);
      if (principal.expiresAt !== undefined) this.#closeAtExpiry(connection, principal.expiresAt, security.now());
    }
    ws.on('pong', () => {
      connection.alive = true;
      session.touch();
    });
    ws.once('close', () => this.detach(ws));

    if (request.error) {
      this.#rejectOnSocket(session, request.error);
    } else if (request.subscribe) {
      session.subscribeFirst(request.subscribe).catch((err: unknown) => this.#rejectOnSocket(session, err));
    }
    return session;
  }

  /** The socket closed: free its session (a group member leaves at once). */
  detach(ws: WebSocket): void {
    const connection = this.#connections.get(ws);
    if (!connection) return;
    this.#connections.delete(ws);
    clearTimeout(connection.expiry);
    const id = connection.principal?.id;
    const count = id === undefined ? undefined : this.#socketsByPrincipal.get(id);
    if (id !== undefined && count !== undefined) {
      if (count <= 1) this.#socketsByPrincipal.delete(id);
      else this.#socketsByPrincipal.set(id, count - 1);
    }
    connection.session.dispose();
  }

  #closeAtExpiry(connection: Connection, expiresAt: number, now: number): void {
    const delay = expiresAt - now;
    if (delay <= 0) {
      connection.session.close(UNAUTHORIZED_CLOSE, 'the credential of this socket has expired');
      return;
    }
    connection.expiry = setTimeout(() => this.#closeAtExpiry(connection, expiresAt, this.#deps.security?.now() ?? Date.now()), Math.min(delay, MAX_TIMER_MS));
    connection.expiry.unref();
  }

  /** Closes every socket with 1001 and waits (up to `timeoutMs`) for them to go, then terminates the rest. */
  async close(timeoutMs: number): Promise<void> {
    this.#closing = true;
    clearInterval(this.#pingTimer);
    const sockets = [...this.#connections.keys()];
    const sessions = [...this.#connections.values()].map((c) => c.session);
    const closed = sockets.map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === ws.CLOSED) return resolve();
      ws.once('close', () => resolve());
    }));
    for (const ws of sockets) this.#connections.get(ws)?.session.close(CloseCode.GOING_AWAY, 'the gateway is shutting down');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    for (const ws of sockets) if (ws.readyState !== ws.CLOSED) ws.terminate();
    // Members leave their groups before the coordinator and the store close.
    await Promise.all(sessions.map((s) => s.settled()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Reports the socket's opening now and its closing later, with the code the server sent if it
   * ended the socket. Returns how the server closes this socket, so that code is known.
   */
  #observe(ws: WebSocket, request: SocketRequest): (code: number, reason: string) => void {
    const observer = this.#deps.observer;
    if (!observer) return (code, reason) => ws.close(code, reason);
    const opened = { requestId: request.requestId, path: request.path ?? '' };
    const openedAt = performance.now();
    let sent: { code: number; reason: string } | undefined;
    observer.opened(opened);
    ws.once('close', (code: number, reason: Buffer) => {
      const byServer = sent ?? (this.#terminated.has(ws) ? { code: 1006, reason: 'no answer to ping' } : undefined);
      observer.closed({
        ...opened,
        code: byServer?.code ?? code,
        reason: byServer?.reason ?? reason.toString(),
        by: byServer ? 'server' : 'client',
        durationMs: performance.now() - openedAt,
      });
    });
    return (code, reason) => {
      sent ??= { code, reason };
      ws.close(code, reason);
    };
  }

  #rejectOnSocket(session: Session, err: unknown): void {
    if (session.closed) return;
    if (!isGatewayError(err)) {
      this.#deps.onUnexpectedError(err);
      session.close(CloseCode.INTERNAL_ERROR, 'internal error');
      return;
    }
    session.sendError(err);
    session.close(closeCodeFor(err), err.message);
  }

  #ping(): void {
    for (const [ws, connection] of this.#connections) {
      if (!connection.alive) {
        // No pong since the last ping: the peer is gone or stuck; free it now.
        this.#terminated.add(ws);
        ws.terminate();
        this.detach(ws);
        continue;
      }
      connection.alive = false;
      ws.ping();
    }
  }
}
