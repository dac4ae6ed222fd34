/**
 * Several gateways on one cluster: a request of a consumer group goes to the gateway that coordinates the group
 * (core/groups/leases.ts). A gateway that does not forwards it, as it came (credentials included: the coordinator
 * checks them again), to the coordinator's advertised URL and relays the answer as it streams (long-polls, event
 * streams). Shared by the transports that forward: REST (http/group-forwarding.ts) and SSE members (sse/routes.ts).
 */
import type { Context } from 'hono';
import { notCoordinator } from '../core/groups.js';

/** Marks a forwarded request: the receiver serves it or refuses it, never forwards it again. */
export const FORWARDED_HEADER = 'logway-forwarded-by';

/** Hop-by-hop and framing headers: the forwarding fetch sets its own. */
const NOT_FORWARDED = ['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer'];
const NOT_RELAYED = ['connection', 'keep-alive', 'content-length', 'transfer-encoding', 'content-encoding'];

/** Who serves a group: what GroupCoordinator.whoCoordinates answers. */
export type Coordinator = { self: true } | { self: false; address: string; retryAfterSeconds: number };

/** Whether this request should be forwarded to `coordinator`: not when already forwarded once, or with nowhere to send it. */
export function forwardable(c: Context, coordinator: Coordinator): coordinator is { self: false; address: string; retryAfterSeconds: number } {
  return !coordinator.self && coordinator.address !== '' && c.req.header(FORWARDED_HEADER) === undefined;
}

/** Sends the request to the coordinator and relays its answer; NOT_COORDINATOR (503) when it does not answer. */
export async function forwardToCoordinator(
  c: Context,
  group: string,
  coordinator: { address: string; retryAfterSeconds: number },
  self: string,
): Promise<Response> {
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
    const refusal = notCoordinator(
      group,
      coordinator.address,
      coordinator.retryAfterSeconds,
      `group '${group}' is coordinated by ${coordinator.address}, which did not answer (if it is gone, another gateway takes the group once its lease runs out); retry`,
    );
    refusal.cause = err;
    throw refusal;
  }
  const relayed = new Headers(answer.headers);
  for (const h of NOT_RELAYED) relayed.delete(h);
  return new Response(endsOnAbort(answer.body, raw.signal), { status: answer.status, headers: relayed });
}

/** The relayed body, ended quietly (not failed) when the client went away: the coordinator's stream was cut for that reason. */
function endsOnAbort(body: ReadableStream<Uint8Array> | null, signal: AbortSignal): ReadableStream<Uint8Array> | null {
  if (!body) return null;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        if (signal.aborted) controller.close();
        else controller.error(err);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
