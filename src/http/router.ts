import { OpenAPIHono, type z } from '@hono/zod-openapi';
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
