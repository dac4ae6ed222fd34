/**
 * Several gateways on one cluster: a consumer group's REST requests are served by the gateway that
 * coordinates the group (core/groups/leases.ts). A gateway that does not forwards them to the coordinator's
 * advertised URL and relays its answer, long-polls included (api/coordinator-forwarding.ts). Without an
 * advertised URL, or on a request that was already forwarded once (no loops while coordination moves), the
 * route itself answers 503 NOT_COORDINATOR.
 */
import type { MiddlewareHandler } from 'hono';
import { forwardable, forwardToCoordinator, type Coordinator } from '../api/coordinator-forwarding.js';
import type { GroupCoordinator } from '../core/groups.js';

export { FORWARDED_HEADER } from '../api/coordinator-forwarding.js';

export function forwardGroupRequests(groups: GroupCoordinator, self: string): MiddlewareHandler {
  return async (c, next) => {
    const group = c.req.param('group');
    if (group === undefined) return next();
    let coordinator: Coordinator;
    try {
      coordinator = await groups.whoCoordinates(group);
    } catch {
      return next(); // an invalid name, or the store unreachable: the route answers why
    }
    return forwardable(c, coordinator) ? forwardToCoordinator(c, group, coordinator, self) : next();
  };
}
