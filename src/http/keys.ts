/** API keys (POST/GET/DELETE /v1/keys) and browser tokens (POST /v1/tokens). */
import { z } from '@hono/zod-openapi';
import { CreatedKeySchema, CreateKeySchema, CreateTokenSchema, KeySchema, TokenSchema } from '../api/auth-schemas.js';
import { LOCATION } from '../api/responses.js';
import { problem } from '../api/schemas.js';
import { missingFrom, type Permission } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { Security } from '../auth/security.js';
import { ErrorCode, GatewayError, invalid } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, newRouter } from './router.js';

const KeyIdParam = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/, 'must be a key id: 16 hexadecimal digits').openapi({ param: { name: 'id', in: 'path' } }),
});

const createKey = apiRoute({
  method: 'post',
  path: '/v1/keys',
  tags: ['security'],
  operationId: 'createKey',
  summary: 'Create an API key; its secret is shown once',
  request: { body: jsonBody(CreateKeySchema) },
  responses: {
    201: { ...jsonResponse(CreatedKeySchema, 'Created: the answer holds the secret `key`, which is stored only as a hash'), headers: LOCATION },
    400: problem('Invalid name, permissions or quota'),
  },
});

const listKeys = apiRoute({
  method: 'get',
  path: '/v1/keys',
  tags: ['security'],
  operationId: 'listKeys',
  summary: 'List API keys (without their secrets)',
  responses: { 200: jsonResponse(z.object({ keys: z.array(KeySchema) }), 'Every key, oldest first') },
});

const deleteKey = apiRoute({
  method: 'delete',
  path: '/v1/keys/{id}',
  tags: ['security'],
  operationId: 'deleteKey',
  summary: 'Revoke an API key at once (its sockets and the tokens it minted stop working)',
  request: { params: KeyIdParam },
  responses: { 204: { description: 'Revoked' }, 400: problem('Invalid key id'), 404: problem('No such key') },
});

const createToken = apiRoute({
  method: 'post',
  path: '/v1/tokens',
  tags: ['security'],
  operationId: 'createToken',
  summary: 'Mint a short-lived token with some of the caller’s permissions, for a browser',
  request: { body: jsonBody(CreateTokenSchema) },
  responses: {
    201: jsonResponse(TokenSchema, 'Minted'),
    400: problem('Invalid permissions or lifetime'),
  },
});

/** Keys and tokens never grant more than their creator holds. */
function checkWithin(principal: Principal, permissions: Permission[], what: string): void {
  const missing = missingFrom(permissions, principal.permissions);
  if (missing.length > 0) {
    const first = missing[0]!;
    throw new GatewayError(ErrorCode.FORBIDDEN, `a ${what} cannot grant more than its creator holds: ${principal.id} lacks ${first.action} on ${first.resource}`, {
      resource: first.resource,
      action: first.action,
      missing,
    });
  }
}

export function keyRoutes(security: Security) {
  const keys = security.authenticator.keys;
  return newRouter()
    .openapi(createKey, async (c) => {
      const principal = c.get('principal');
      const body = c.req.valid('json');
      checkWithin(principal, body.permissions, 'key');
      const created = await keys.create(body.name, body.permissions, body.quota, security.now());
      security.audit({ principal: principal.id, action: 'createKey', resource: `key:${created.id}`, outcome: 'allowed' });
      return c.json(created, 201, { location: `/v1/keys/${created.id}` });
    })
    .openapi(listKeys, (c) => c.json({ keys: keys.list() }, 200))
    .openapi(deleteKey, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await security.revokeKey(id))) throw new GatewayError(ErrorCode.NOT_FOUND, `no API key with id ${id}`);
      security.audit({ principal: c.get('principal').id, action: 'deleteKey', resource: `key:${id}`, outcome: 'allowed' });
      return c.body(null, 204);
    })
    .openapi(createToken, async (c) => {
      const principal = c.get('principal');
      const body = c.req.valid('json');
      const max = security.settings.tokenMaxTtlSeconds;
      if (body.ttlSeconds > max) {
        throw invalid(`body/ttlSeconds: at most ${max} (setting tokenMaxTtlSeconds)`, [
          { path: 'body/ttlSeconds', message: `at most ${max} (setting tokenMaxTtlSeconds)` },
        ]);
      }
      checkWithin(principal, body.permissions, 'token');
      const minted = await security.authenticator.tokens.mint(principal, body.permissions, body.ttlSeconds, security.now());
      security.audit({ principal: principal.id, action: 'createToken', resource: 'cluster', outcome: 'allowed' });
      return c.json(minted, 201);
    });
}
