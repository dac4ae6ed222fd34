/**
 * Several gateways on one cluster: a consumer group's REST requests are served by the gateway that
 * coordinates the group (core/groups/leases.ts). A gateway that does not forwards them, as they came
 * (credentials included: the coordinator checks them again), to the coordinator's advertised URL and
 * relays its answer, long-polls included. Without an advertised URL, or on a request that was already
 * forwarded once (no loops while coordination moves), the route itself answers 503 NOT_COORDINATOR.
 */
import type { MiddlewareHandler } from 'hono';
import type { GroupCoordinator } from '../core/groups.js';
import { ErrorCode, GatewayError } from '../errors.js';

/** Marks a forwarded request: the receiver serves it or refuses it, never forwards it again. */
export const FORWARDED_HEADER = 'logway-forwarded-by';

/** Hop-by-hop and framing headers: the forwarding fetch sets its own. */
const NOT_FORWARDED = ['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer'];
const NOT_RELAYED = ['connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-encoding'];

export function forwardGroupRequests(groups: GroupCoordinator, self: string): MiddlewareHandler {
  return async (c, next) => {
    const group = c.req.param('group');
    if (group === undefined || c.req.header(FORWARDED_HEADER) !== undefined) return next();
    let coordinator: Awaited<ReturnType<GroupCoordinator['whoCoordinates']>>;
    try {
      coordinator = await groups.whoCoordinates(group);
    } catch {
      return next(); // an invalid name, or the store unreachable: the route answers why
    }
    if (coordinator.self || !coordinator.address) return next();

    const raw = c.req.raw;
    const target = new URL(c.req.path + new URL(raw.url).search, coordinator.address);
    const headers = new Headers(raw.headers);
    for (const h of NOT_FORWARDED) headers.delete(h);
    headers.set(FORWARDED_HEADER, self || 'a gateway');
    // Through Hono's cache: the access check may have read the body already.
    const body = raw.method === 'GET' || raw.method === 'HEAD' ? undefined : await c.req.arrayBuffer();
    let answer: Response;
    try {
      answer = await fetch(target, {
        method: raw.method,
        headers,
        body: body?.byteLength ? body : undefined,
        signal: raw.signal,
        redirect: 'manual',
      });
    } catch (err) {
      throw new GatewayError(
        ErrorCode.NOT_COORDINATOR,
        `group '${group}' is coordinated by ${coordinator.address}, which did not answer (if it is gone, another gateway takes the group once its lease runs out); retry`,
        { group, coordinator: coordinator.address, retryAfterSeconds: 1 },
        { cause: err },
      );
    }
    const relayed = new Headers(answer.headers);
    for (const h of NOT_RELAYED) relayed.delete(h);
    return new Response(answer.body, { status: answer.status, headers: relayed });
  };
}
