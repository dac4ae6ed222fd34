/**
 * Who is asking: the identity a credential proved, and what it was granted.
 * Transports authenticate once per request or socket, then ask `require` before each operation.
 */
import { ErrorCode, GatewayError } from '../errors.js';
import { ALL_PERMISSIONS, allows, resourceName, type Action, type Permission, type Resource } from './permissions.js';

export type PrincipalKind = 'anonymous' | 'admin' | 'key' | 'jwt' | 'token';

/** Per-principal quotas; absent fields take the gateway's settings. */
export interface Quota {
  requestsPerSecond?: number;
  produceBytesPerSecond?: number;
}

export class Principal {
  readonly kind: PrincipalKind;
  /** Stable name for quotas and audit lines: `admin`, `key:<id>`, `jwt:<sub>`, `token:<sub>`, `anonymous`. */
  readonly id: string;
  readonly permissions: readonly Permission[];
  /** Epoch ms after which the credential is no longer valid (tokens and JWTs). */
  readonly expiresAt: number | undefined;
  /** The API key behind this principal (a key, or the key that minted a token): revoking it ends both. */
  readonly keyId: string | undefined;
  readonly quota: Quota;

  constructor(fields: {
    kind: PrincipalKind;
    id: string;
    permissions: readonly Permission[];
    expiresAt?: number;
    keyId?: string;
    quota?: Quota;
  }) {
    this.kind = fields.kind;
    this.id = fields.id;
    this.permissions = fields.permissions;
    this.expiresAt = fields.expiresAt;
    this.keyId = fields.keyId;
    this.quota = fields.quota ?? {};
  }

  can(resource: Resource, action: Action): boolean {
    return allows(this.permissions, resource, action);
  }

  /** Throws FORBIDDEN naming the resource and the action that is missing. */
  require(resource: Resource, action: Action): void {
    if (!this.can(resource, action)) throw forbidden(this, resource, action);
  }
}

export function forbidden(principal: Principal, resource: Resource, action: Action): GatewayError {
  const name = resourceName(resource);
  return new GatewayError(ErrorCode.FORBIDDEN, `${principal.id} may not ${action} ${name}: no grant allows it`, {
    resource: name,
    action,
  });
}

/** With no credential configured, every request acts as this one (loopback-only by default: see protected-mode.ts). */
export const ANONYMOUS = new Principal({ kind: 'anonymous', id: 'anonymous', permissions: ALL_PERMISSIONS });

/** The bootstrap administrator (LOGWAY_ADMIN_KEY). */
export const ADMIN = new Principal({ kind: 'admin', id: 'admin', permissions: ALL_PERMISSIONS });
