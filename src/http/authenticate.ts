/**
 * Authentication at the edge: every request but the public ones must prove who it is
 * (`Authorization: Bearer <key or token>`; a WebSocket handshake may instead carry
 * `?access_token=` (RFC 6750 2.3) or the subprotocol `bearer.<token>`, since browsers cannot set
 * headers on a WebSocket). The principal is put on the context for the access rules and handlers,
 * and one request is charged to its quota.
 */
import type { Context, MiddlewareHandler, Next } from 'hono';
import { bearerOf } from '../auth/authenticator.js';
import { ANONYMOUS, type Principal } from '../auth/principal.js';
import type { Security } from '../auth/security.js';
import { isGatewayError } from '../errors.js';
import { PUBLIC_PATHS } from './access.js';
import { isWebPath } from './web.js';

import '../auth/hono-context.js';

/** The subprotocol prefix that carries a credential on a browser's WebSocket handshake. */
export const BEARER_SUBPROTOCOL = 'bearer.';

function credentialOf(header: (name: string) => string | undefined, query: (name: string) => string | undefined): string | undefined {
  const bearer = bearerOf(header('authorization'));
  if (bearer !== undefined) return bearer;
  if (header('upgrade')?.toLowerCase() !== 'websocket') return undefined;
  const fromQuery = query('access_token');
  if (fromQuery !== undefined) return fromQuery;
  const protocols = header('sec-websocket-protocol');
  return protocols
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(BEARER_SUBPROTOCOL))
    ?.slice(BEARER_SUBPROTOCOL.length);
}

export function authenticate(security: Security): MiddlewareHandler {
  // Not async itself: a request that needs no credential (every request when security is off) goes
  // straight on, without a promise of this middleware's own.
  return (c, next) => {
    // The console's and reference's static files are public: they hold no data, and ask for a credential themselves.
    if (!security.enabled || PUBLIC_PATHS.has(c.req.path) || isWebPath(c.req.path) || c.req.method === 'OPTIONS') {
      c.set('principal', ANONYMOUS);
      return next();
    }
    return authenticated(security, c, next);
  };
}

async function authenticated(security: Security, c: Context, next: Next): Promise<void> {
  let principal: Principal | undefined;
  try {
    principal = await security.authenticate(credentialOf((n) => c.req.header(n), (n) => c.req.query(n)));
    security.chargeRequest(principal);
  } catch (err) {
    if (isGatewayError(err)) {
      const who = principal?.id ?? 'unauthenticated';
      security.audit({ principal: who, action: `${c.req.method} ${c.req.path}`, resource: c.req.path, outcome: 'refused', reason: err.code });
    }
    throw err;
  }
  c.set('principal', principal);
  return next();
}
