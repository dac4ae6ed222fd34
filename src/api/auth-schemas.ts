/** Schemas of the security resources (API keys, browser tokens), shared by the REST routes and the document. */
import { z } from '@hono/zod-openapi';
import { ACTIONS, checkResourcePattern } from '../auth/permissions.js';
import { checkedString } from './schemas.js';

export const PermissionSchema = z
  .strictObject({
    resource: checkedString(checkResourcePattern).openapi({
      description: "`cluster`, `topic:<name>` or `group:<name>`; a name ending in `*` is a prefix (`topic:logs.*`, `group:*`).",
      example: 'topic:orders',
    }),
    actions: z
      .array(z.enum(ACTIONS))
      .min(1)
      .openapi({ description: 'read: fetch, subscribe, consume, commit. write: produce. describe: metadata, offsets, lag. admin: create, alter, delete (on cluster: keys and tokens). read, write and admin imply describe.' }),
  })
  .openapi('Permission');

const Permissions = z.array(PermissionSchema).max(100);

export const QuotaSchema = z
  .strictObject({
    requestsPerSecond: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: '0: no limit. Absent: the gateway setting.' }),
    produceBytesPerSecond: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: '0: no limit. Absent: the gateway setting.' }),
  })
  .openapi('Quota');

export const CreateKeySchema = z
  .strictObject({
    name: z.string().min(1).max(200).openapi({ description: 'What the key is for (shown in listings and audit lines).', example: 'checkout-service' }),
    permissions: Permissions,
    quota: QuotaSchema.optional(),
  })
  .openapi('CreateKey', { example: { name: 'checkout-service', permissions: [{ resource: 'topic:orders', actions: ['write'] }] } });

export const KeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    permissions: Permissions,
    quota: QuotaSchema.optional(),
    createdAt: z.number().int().openapi({ description: 'Epoch ms.' }),
  })
  .openapi('Key');

export const CreatedKeySchema = KeySchema.extend({
  key: z.string().openapi({ description: 'The secret: shown only in this answer, send it as `Authorization: Bearer <key>`.' }),
}).openapi('CreatedKey');

export const CreateTokenSchema = z
  .strictObject({
    permissions: Permissions,
    ttlSeconds: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'Lifetime, at most the gateway setting tokenMaxTtlSeconds.', example: 900 }),
  })
  .openapi('CreateToken', { example: { permissions: [{ resource: 'topic:orders', actions: ['read'] }], ttlSeconds: 900 } });

export const TokenSchema = z
  .object({
    token: z.string().openapi({ description: 'A bearer token (a JWT signed by the gateway).' }),
    expiresAt: z.number().int().openapi({ description: 'Epoch ms.' }),
  })
  .openapi('Token');
