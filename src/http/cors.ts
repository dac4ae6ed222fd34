/**
 * Browsers: CORS for the REST API from an allow-list of origins (corsOrigins; default none), and
 * the same list guarding WebSocket handshakes against cross-site WebSocket hijacking: a page on
 * an origin not listed is refused even with a cookie or a token in its URL. Clients that are not
 * browsers send no Origin and are not affected. A page served by the gateway itself (same origin)
 * is always allowed.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { ErrorCode, GatewayError } from '../errors.js';

/** Response headers a browser script may read (Access-Control-Expose-Headers); the Logway-* ones are NDJSON reads' positions. */
export const EXPOSED_HEADERS = [
  'Location',
  'Retry-After',
  'Idempotent-Replayed',
  'RateLimit',
  'RateLimit-Policy',
  'X-Request-Id',
  'WWW-Authenticate',
  'Logway-Cursor',
  'Logway-Reset',
  'Logway-High-Watermark',
  'Logway-Log-Start-Offset',
];

export function corsMiddleware(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}

/** Refuses (403) a WebSocket handshake from a browser page whose origin is neither listed nor the gateway's own. */
export function websocketOrigin(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  // Not async: it runs on every request and has nothing to do after `next` (one promise less each).
  return (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && c.req.header('upgrade')?.toLowerCase() === 'websocket' && !allowed.has(origin)) {
      let sameOrigin = false;
      try {
        sameOrigin = new URL(origin).host === c.req.header('host');
      } catch {
        // not a URL: not allowed
      }
      if (!sameOrigin) {
        throw new GatewayError(ErrorCode.FORBIDDEN, `WebSocket connections from origin ${origin} are not allowed (setting corsOrigins)`, {
          origin,
        });
      }
    }
    return next();
  };
}
