import { createRoute, OpenAPIHono, type RouteConfig, type z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { sharedResponses, withCommonHeaders } from '../api/responses.js';
import { invalid } from '../errors.js';
import { validationHook } from './problem.js';

/** Every resource router validates the same way: failures become 400 problem details naming the field. */
export function newRouter() {
  return new OpenAPIHono({ defaultHook: validationHook });
}

/**
 * A JSON response whose body was serialized by the core (records are spliced from
 * stored JSON text, not re-stringified). Typed as the route's declared body.
 */
export function jsonText<T>(text: string | Uint8Array<ArrayBuffer>, status: number, headers: Record<string, string> = {}): T {
  return new Response(text, { status, headers: { 'content-type': 'application/json', ...headers } }) as unknown as T;
}

/** A route's JSON response, for `responses`. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A route's required JSON body, for `request.body`. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

/**
 * Without Content-Length or Transfer-Encoding a request has no body (RFC 9112 6.3), and
 * @hono/zod-openapi would validate `{}` in its place: a PATCH whose fields are all optional
 * would then succeed without saying anything. A required body must be there.
 */
export function checkBodyPresent(c: Context): void {
  const length = c.req.header('content-length');
  const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
  if (!hasBody) throw invalid('body: is required', [{ path: 'body', message: 'is required' }]);
}

const requireBody: MiddlewareHandler = async (c, next) => {
  checkBodyPresent(c);
  await next();
};

/**
 * createRoute with the answers every operation shares (src/api/responses.ts) added to the
 * route's own (the route's own win, so it can describe a status more precisely), and a
 * required body enforced. `storage: false` for operations that never touch the store,
 * hence never answer 503.
 */
export function apiRoute<P extends string, R extends Omit<RouteConfig, 'path'> & { path: P }>(config: R, options: { storage?: boolean } = {}) {
  const route = createRoute(config);
  const middleware = config.request?.body?.required ? [requireBody, ...[config.middleware ?? []].flat()] : config.middleware;
  return {
    ...route,
    ...(middleware ? { middleware } : {}),
    responses: withCommonHeaders({ ...sharedResponses(config.request, options), ...config.responses }),
  } as typeof route;
}

/**
 * A route for `openAPIRegistry.registerPath` (a route served by a plain handler): without its
 * middleware, which is code, not documentation. Such a handler validates for itself.
 */
export function routeDocument<R extends object>(route: R): R {
  const copy: R & { middleware?: unknown } = { ...route };
  delete copy.middleware;
  return copy;
}
