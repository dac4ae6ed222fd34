/**
 * Protected mode, after Redis's: a gateway that would answer anyone on a non-loopback interface
 * with no credential configured refuses to start, unless the operator says so explicitly.
 */
export interface ProtectedModeSettings {
  host: string;
  adminKey?: string;
  jwtSecret?: string;
  jwtPublicKeyFile?: string;
  jwtJwksUrl?: string;
  insecure: boolean;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * `refuse`: why the gateway must not start; `warn`: start, but say it is open to anyone;
 * `ok`: credentials are required, or only this machine can connect.
 */
export function protectedMode(s: ProtectedModeSettings): { outcome: 'ok' } | { outcome: 'warn' | 'refuse'; message: string } {
  const credentials = s.adminKey !== undefined || s.jwtSecret !== undefined || s.jwtPublicKeyFile !== undefined || s.jwtJwksUrl !== undefined;
  if (credentials || isLoopback(s.host)) return { outcome: 'ok' };
  if (s.insecure) {
    return {
      outcome: 'warn',
      message: `listening on ${s.host} with no credential configured (LOGWAY_INSECURE=true): anyone who reaches the port may read, write and delete every topic`,
    };
  }
  return {
    outcome: 'refuse',
    message:
      `protected mode: refusing to listen on ${s.host} with no credential configured, which would let anyone who reaches the port ` +
      'read, write and delete every topic. Set an administrator key (LOGWAY_ADMIN_KEY, e.g. `openssl rand -base64 32`) or JWT settings ' +
      '(LOGWAY_JWT_SECRET, LOGWAY_JWT_PUBLIC_KEY_FILE or LOGWAY_JWT_JWKS_URL); or listen on 127.0.0.1; or, to accept the risk, set LOGWAY_INSECURE=true.',
  };
}
