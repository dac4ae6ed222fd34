/**
 * Observes every request for the request log and the request metrics: assigns its request id
 * (as hono's request-id middleware would: a valid `X-Request-Id` is kept, else a UUID is made;
 * either way it is echoed), and reports method, route template, status, duration and bytes once
 * the response has been written (or the client went away).
 */
import type { HttpBindings } from '@hono/node-server';
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { routePath } from 'hono/route';

export interface ObservedRequest {
  requestId: string;
  method: string;
  /** The route template (`/v1/topics/:topic/records`), or `unmatched`: bounded, so fit for a metric label. */
  route: string;
  /** Path and query, with any `access_token` value redacted. */
  url: string;
  status: number;
  /** From the request's arrival to its response's last byte handed to the socket. */
  durationMs: number;
  /** Request body bytes (Content-Length), if declared. */
  bytesIn: number | undefined;
  /** Response bytes written, headers included; undefined where the server does not say (app.request() in tests). */
  bytesOut: number | undefined;
  /** The connection closed before the response was written. */
  aborted: boolean;
}

/** 128 characters of [A-Za-z0-9_=-]: room for a UUID or a trace id, not for a log line of its own. */
const REQUEST_ID_LIMIT = 128;

/** `?a=1&access_token=secret` -> `?a=1&access_token=[REDACTED]` (tokens in query strings are for WebSocket handshakes). */
export function redactQuery(query: string): string {
  return query.replace(/([?&]access_token=)[^&#]*/gi, '$1[REDACTED]');
}

/** hono's request-id rule: a valid id is kept, anything else is replaced. */
const VALID_REQUEST_ID = /^[\w\-=]+$/;

export function observeRequests(onRequest: (request: ObservedRequest) => void): MiddlewareHandler {
  return (c, next) => {
    const started = performance.now();
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    const asked = c.req.header('x-request-id');
    const id = asked && asked.length <= REQUEST_ID_LIMIT && VALID_REQUEST_ID.test(asked) ? asked : randomUUID();
    c.set('requestId', id);
    const report = (aborted: boolean, bytesOut: number | undefined) => {
      onRequest({
        requestId: id,
        method: c.req.method,
        route: routeOf(c),
        url: urlOf(c),
        status: c.res.status,
        durationMs: performance.now() - started,
        bytesIn: bytesIn(c),
        bytesOut,
        aborted,
      });
    };
    if (!outgoing) return withoutNodeResponse(c, next, id, report);
    // On node's response itself, which merges it into whatever answer is written (the answer's own
    // headers win), every problem and 426 included. Not through hono's c.header(): that turns every
    // answer's headers into a web Headers object, which @hono/node-server then copies back into a
    // plain object per response (its slow path; ~2% of a single-record produce, issue 9).
    outgoing.setHeader('x-request-id', id);
    // Not an async function: a parked long-poll holds every suspended frame of its middleware chain
    // until it is answered (garbage to collect, issue 9). The callback returns nothing, so the
    // answer stays the one the handler made.
    return next().then(() => {
      // A WebSocket handshake has no response to wait for: its socket reports its own life.
      if (c.res.status === 101) {
        report(false, undefined);
        return;
      }
      // The response is written after this middleware returns: report once it has been.
      const socket = outgoing.socket;
      const before = socket?.bytesWritten ?? 0;
      const done = () => report(!outgoing.writableFinished, socket ? socket.bytesWritten - before : undefined);
      // The client went away while the handler ran (an abandoned long-poll): 'close' has already fired.
      if (outgoing.destroyed) {
        done();
        return;
      }
      // One listener, 'close', not 'finish' and 'close': node emits 'close' once for every response,
      // on the tick after 'finish' when it was written (kept-alive connections included), or alone when
      // the connection went first; its writableFinished says which. (Two once-listeners, each added and
      // removed, cost more than the line's own fields, issue 9.)
      outgoing.once('close', done);
    });
  };
}

/** No node response (app.request() in tests, a WebSocket handshake): the id goes on the web Response. */
async function withoutNodeResponse(c: Context, next: Next, id: string, report: (aborted: boolean, bytesOut: number | undefined) => void): Promise<void> {
  c.header('x-request-id', id);
  await next();
  // An answer made as a Response of its own (every problem, a 426) replaces the context's, so the id
  // is put back: errors are where clients need it most.
  if (c.res.status !== 101 && !c.res.headers.has('x-request-id')) c.res.headers.set('x-request-id', id);
  report(false, undefined);
}

function routeOf(c: Context): string {
  const path = routePath(c, -1);
  // Only the app-wide middleware matched: the answer came from notFound (404 or 405).
  return path === '' || path.endsWith('*') ? 'unmatched' : path;
}

function urlOf(c: Context): string {
  const url = c.req.url;
  const q = url.indexOf('?');
  return q === -1 ? c.req.path : c.req.path + redactQuery(url.slice(q));
}

function bytesIn(c: Context): number | undefined {
  const length = c.req.header('content-length');
  return length === undefined ? undefined : Number(length);
}
