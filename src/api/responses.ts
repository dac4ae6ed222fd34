/**
 * The answers every operation shares, declared in one place so that openapi.yaml lists every
 * status the server can give (test/contract walks the document and holds the server to it).
 * Route files declare only what is their own (2xx, 404, 409, ...); `apiRoute` adds the rest from
 * the shape of the request (src/http/router.ts apiRoute). A status that applies everywhere (authentication's 401, 403 and 429,
 * say) is one more entry in SHARED_RESPONSES, and every operation lists it.
 */
import type { RouteConfig } from '@hono/zod-openapi';
import { ProblemSchema } from './schemas.js';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';

type Headers = Record<string, { description: string; required?: boolean; schema: Record<string, unknown> }>;

/** A problem response with the headers it carries. */
export function problemWith(description: string, headers?: Headers) {
  return { description, ...(headers ? { headers } : {}), content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } };
}

export const RETRY_AFTER: Headers = {
  'Retry-After': {
    description: 'Seconds to wait before retrying (RFC 9110 10.2.3), when the gateway can tell.',
    schema: { type: 'integer', minimum: 0 },
  },
};

export const LOCATION: Headers = {
  Location: { description: 'Path of the created resource.', required: true, schema: { type: 'string' } },
};

/** Headers on every answer (src/http/request-observer.ts). */
export const COMMON_HEADERS: Headers = {
  'X-Request-Id': {
    description: "The request's id, as in the request log: the client's own X-Request-Id when it is 1-128 characters of [A-Za-z0-9_=-], else a new UUID.",
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_=-]{1,128}$' },
  },
};

/** Every response of an operation with COMMON_HEADERS added to its own headers. */
export function withCommonHeaders<R extends object>(responses: R): R {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      { ...(response as object), headers: { ...COMMON_HEADERS, ...(response as { headers?: Headers }).headers } },
    ]),
  ) as R;
}

/**
 * RFC 9110 15.5.6: a 405 lists the methods the resource supports. A response component (plain
 * OpenAPI, as components are not converted from zod), since it answers no operation.
 */
export const METHOD_NOT_ALLOWED = {
  description: 'The path exists but not with this method (problem code METHOD_NOT_ALLOWED).',
  headers: {
    ...COMMON_HEADERS,
    Allow: { description: 'The methods this path answers, e.g. `GET, HEAD, DELETE`.', required: true, schema: { type: 'string' } },
  },
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** Answers every operation can give, whatever its request (authentication's go here). */
export const SHARED_RESPONSES = {
  default: problemWith('Any other error, as problem details; 500 is a fault of the gateway (logged; no internals in the answer).'),
};

/** Answers an operation gives because of the shape of its request. */
export function sharedResponses(request: RouteConfig['request'], options: { storage?: boolean } = {}) {
  const hasInput = request !== undefined && Object.values(request).some((part) => part !== undefined);
  const hasBody = request?.body !== undefined;
  return {
    ...(hasInput ? { 400: problemWith('Invalid path, query, header or body: `errors` names each field') } : {}),
    ...(hasBody
      ? {
          413: problemWith('Body over maxBodyBytes (or a record over a record limit)'),
          415: problemWith('Body is not JSON (Content-Type must be application/json)', {
            Accept: { description: 'The media type to send instead (RFC 9110 15.5.16).', required: true, schema: { const: 'application/json' } },
          }),
        }
      : {}),
    ...(options.storage === false
      ? {}
      : { 503: problemWith('Overloaded, shutting down, or the database cannot be written: retry later', RETRY_AFTER) }),
    ...SHARED_RESPONSES,
  };
}
