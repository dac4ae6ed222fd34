/**
 * The gateway's access control, shared by both transports: who a credential names
 * (Authenticator), what they may do (Principal.require), how fast (quotas), and the audit trail.
 * Built once per gateway by openSecurity().
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode, GatewayError } from '../errors.js';
import type { CredentialStore } from '../storage/credential-store.js';
import { KeyRing } from './api-keys.js';
import { Authenticator } from './authenticator.js';
import { BrowserTokens } from './browser-tokens.js';
import { JwtVerifier, type JwtSettings } from './jwt-verifier.js';
import type { Principal } from './principal.js';
import { TokenBuckets } from './rate-limits.js';

export interface SecuritySettings extends JwtSettings {
  adminKey?: string;
  tokenMaxTtlSeconds: number;
  corsOrigins: readonly string[];
  quotaRequestsPerSecond: number;
  quotaProduceBytesPerSecond: number;
  quotaMaxSocketsPerPrincipal: number;
  quotaMaxPrincipals: number;
}

/** One structured audit line: who did (or was refused) what on which resource. */
export interface AuditEntry {
  principal: string;
  action: string;
  resource: string;
  outcome: 'allowed' | 'refused';
  reason?: string;
}

/** A quota decision to report in RateLimit headers (IETF draft-ietf-httpapi-ratelimit-headers). */
export interface QuotaUse {
  policy: 'requests' | 'produce-bytes';
  limit: number;
  remaining: number;
  retryAfterSeconds?: number;
}

export class Security {
  readonly settings: SecuritySettings;
  readonly authenticator: Authenticator;
  readonly #requests: TokenBuckets;
  readonly #bytes: TokenBuckets;
  readonly #audit: (entry: AuditEntry) => void;
  readonly #now: () => number;
  readonly #revokeListeners = new Set<(keyId: string) => void>();
  #keyRefresh: NodeJS.Timeout | undefined;

  constructor(settings: SecuritySettings, authenticator: Authenticator, audit: (entry: AuditEntry) => void, now: () => number) {
    this.settings = settings;
    this.authenticator = authenticator;
    this.#requests = new TokenBuckets(settings.quotaMaxPrincipals);
    this.#bytes = new TokenBuckets(settings.quotaMaxPrincipals);
    this.#audit = audit;
    this.#now = now;
  }

  get enabled(): boolean {
    return this.authenticator.enabled;
  }

  now(): number {
    return this.#now();
  }

  authenticate(credential: string | undefined): Promise<Principal> {
    return this.authenticator.authenticate(credential);
  }

  audit(entry: AuditEntry): void {
    this.#audit(entry);
  }

  /** Charges one request; throws RATE_LIMITED (nothing done) when the principal is over its quota. */
  chargeRequest(principal: Principal): QuotaUse | undefined {
    const rate = principal.quota.requestsPerSecond ?? this.settings.quotaRequestsPerSecond;
    return this.#charge(this.#requests, 'requests', principal, rate, 1);
  }

  /** Charges produced bytes; throws RATE_LIMITED (nothing appended) when over the quota. */
  chargeProduceBytes(principal: Principal, bytes: number): QuotaUse | undefined {
    const rate = principal.quota.produceBytesPerSecond ?? this.settings.quotaProduceBytesPerSecond;
    return this.#charge(this.#bytes, 'produce-bytes', principal, rate, bytes);
  }

  #charge(buckets: TokenBuckets, policy: QuotaUse['policy'], principal: Principal, rate: number, cost: number): QuotaUse | undefined {
    if (rate <= 0) return undefined;
    const take = buckets.take(principal.id, rate, cost, this.#now());
    const use: QuotaUse = { policy, limit: rate, remaining: take.remaining };
    if (take.ok) return use;
    use.retryAfterSeconds = take.retryAfterSeconds;
    throw new GatewayError(ErrorCode.RATE_LIMITED, `${principal.id} is over its ${policy} quota of ${rate} per second`, {
      retryAfterSeconds: take.retryAfterSeconds,
      quota: use,
    });
  }

  /** Revokes an API key; sockets it (or a token it minted) authenticated are told to close. */
  async revokeKey(id: string): Promise<boolean> {
    const existed = await this.authenticator.keys.revoke(id);
    if (existed) for (const listener of this.#revokeListeners) listener(id);
    return existed;
  }

  /**
   * Takes in the keys other gateways made or revoked (a cluster store); sockets authenticated by a
   * key revoked elsewhere, or by a token it minted, are told to close as after a local revoke.
   */
  async refreshKeys(): Promise<void> {
    for (const id of await this.authenticator.keys.reload()) for (const listener of this.#revokeListeners) listener(id);
  }

  /** Calls refreshKeys every `ms`, one read at a time, until stopKeyRefresh(). */
  refreshKeysEvery(ms: number, onError: (err: unknown) => void): void {
    const next = () => {
      this.#keyRefresh = setTimeout(() => {
        this.refreshKeys()
          .catch(onError)
          .finally(() => {
            if (this.#keyRefresh !== undefined) next();
          });
      }, ms);
      this.#keyRefresh.unref();
    };
    next();
  }

  stopKeyRefresh(): void {
    clearTimeout(this.#keyRefresh);
    this.#keyRefresh = undefined;
  }

  onRevoke(listener: (keyId: string) => void): () => void {
    this.#revokeListeners.add(listener);
    return () => this.#revokeListeners.delete(listener);
  }
}

export async function openSecurity(
  settings: SecuritySettings,
  store: CredentialStore,
  audit: (entry: AuditEntry) => void,
  now: () => number,
): Promise<Security> {
  const keys = await KeyRing.open(store);
  const secret = await store.secret('browser-token-signing', () => randomBytes(32));
  const tokens = new BrowserTokens(secret, (id) => keys.has(id));
  const authenticator = new Authenticator({ adminKey: settings.adminKey, keys, tokens, jwt: JwtVerifier.fromSettings(settings), now });
  return new Security(settings, authenticator, audit, now);
}
