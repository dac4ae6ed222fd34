/**
 * Configuration: the only module that reads process.env or argv.
 *
 * Every setting has a `LOGWAY_*` environment variable and a `--kebab-case` flag
 * (flags win over the environment). `PORT` is honoured too, as platforms that
 * run Node services set it. Values are validated once with zod and frozen; a
 * bad value stops start-up with a message naming the variable and what it accepts.
 */
import { z } from 'zod';

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

/** Units are in the names: *Ms milliseconds, *Bytes bytes. */
export const ConfigSchema = z.object({
  host: z.string().min(1).default('0.0.0.0'),
  port: int(0, 65535).default(8080),
  /** Folder holding the SQLite database (created if missing). */
  dataDir: z.string().min(1).default('./data'),
  /**
   * SQLite `synchronous`: FULL fsyncs the WAL on every commit, so an acknowledged
   * produce survives power loss. NORMAL fsyncs only at checkpoints: it survives a
   * process crash (SIGKILL) but may lose the last commits on power loss or OS crash.
   */
  synchronous: z.enum(['FULL', 'NORMAL']).default('FULL'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** Largest HTTP request body accepted (413 above it). */
  maxBodyBytes: int(1024).default(8 * 1024 * 1024),
  /** Largest single record (key + value + headers, as stored) accepted (413 above it). */
  maxRecordBytes: int(16).default(1024 * 1024),
  /** Most records in one produce request. */
  maxRecordsPerRequest: int(1).default(10_000),

  /** Create a topic on first produce instead of answering 404. Off by default. */
  autoCreateTopics: bool.default(false),
  /** Partition count of auto-created topics and of topics created without one. */
  defaultPartitions: int(1, 10_000).default(1),
  /** Most partitions a topic may have. */
  maxPartitions: int(1, 100_000).default(10_000),

  /** How long an Idempotency-Key is remembered (Kafka's producer ids expire too). */
  idempotencyWindowMs: int(1000).default(24 * 60 * 60 * 1000),

  /** Fetch: records per response when `limit` is not given, and the most allowed. */
  fetchDefaultLimit: int(1).default(500),
  fetchMaxLimit: int(1).default(10_000),
  /** Fetch: bytes per response when `maxBytes` is not given, and the most allowed. */
  fetchDefaultMaxBytes: int(1).default(1024 * 1024),
  fetchMaxBytes: int(1).default(16 * 1024 * 1024),
  /** Longest long-poll a client may ask for with `waitMs`. */
  fetchMaxWaitMs: int(0).default(30_000),

  /** How often retention runs (topics with `retentionMs` lose records older than it). */
  retentionCheckIntervalMs: int(100).default(60_000),

  /** Consumer groups: session timeout bounds and default, heartbeat interval suggested to members. */
  groupSessionTimeoutMs: int(100).default(30_000),
  groupMinSessionTimeoutMs: int(10).default(1_000),
  groupMaxSessionTimeoutMs: int(100).default(300_000),
  groupHeartbeatIntervalMs: int(10).default(3_000),
  /** Most members one group may have (each holds state in memory and in the store). */
  groupMaxMembers: int(1).default(1_000),
  /** How often expired sessions are looked for; a member is expelled at most this long after its deadline. */
  groupSessionCheckIntervalMs: int(10).default(100),

  /** WebSocket: records a socket may be sent before the client grants more credit. */
  wsDefaultCreditRecords: int(1).default(1_000),
  /** WebSocket: bytes queued in a socket's send buffer above which the server stops reading for it. */
  wsHighWaterBytes: int(1024).default(1024 * 1024),
  /** WebSocket: a socket whose send buffer stays above this is closed (1008) as too slow. */
  wsMaxBufferedBytes: int(1024).default(16 * 1024 * 1024),
  /** WebSocket: ping interval; a socket that misses a pong by the next ping is closed. */
  wsPingIntervalMs: int(100).default(30_000),
  /** WebSocket: largest inbound frame. */
  wsMaxMessageBytes: int(1024).default(8 * 1024 * 1024),
  /** Most concurrent sockets. */
  wsMaxConnections: int(1).default(10_000),

  /** Graceful shutdown: how long in-flight requests may take before the process exits anyway. */
  shutdownTimeoutMs: int(0).default(10_000),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** `maxBodyBytes` -> `LOGWAY_MAX_BODY_BYTES`. */
export function envName(key: string): string {
  return 'LOGWAY_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** `maxBodyBytes` -> `--max-body-bytes`. */
export function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Builds the frozen config from overrides (used by tests), then flags, then env, then defaults.
 * Throws ConfigError naming the variable or flag for any bad or unknown value.
 */
export function loadConfig(
  options: { env?: NodeJS.ProcessEnv; argv?: readonly string[]; overrides?: ConfigInput } = {},
): Config {
  const env = options.env ?? {};
  const argv = options.argv ?? [];
  const keys = Object.keys(ConfigSchema.shape) as (keyof Config)[];
  const raw: Record<string, unknown> = {};
  const source: Record<string, string> = {};

  if (env.PORT !== undefined && env.PORT !== '') {
    raw.port = env.PORT;
    source.port = 'PORT';
  }
  for (const key of keys) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') {
      raw[key] = value;
      source[key] = envName(key);
    }
  }
  const byFlag = new Map(keys.map((k) => [flagName(k), k]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new ConfigError(usage());
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = byFlag.get(flag);
    if (!key) throw new ConfigError(`unknown option ${arg}\n\n${usage()}`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`);
    raw[key] = value;
    source[key] = flag;
  }
  Object.assign(raw, options.overrides ?? {});

  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const where = source[key] ?? `${envName(key)} / ${flagName(key)}`;
      return `${where}=${JSON.stringify(raw[key])}: ${describe(key)}; ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const config = parsed.data;
  if (config.groupMinSessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
    throw new ConfigError('LOGWAY_GROUP_MIN_SESSION_TIMEOUT_MS must not exceed LOGWAY_GROUP_MAX_SESSION_TIMEOUT_MS');
  }
  return Object.freeze(config);
}

/** What a setting accepts, for error messages and --help. */
function describe(key: string): string {
  const schema = (ConfigSchema.shape as Record<string, z.ZodType>)[key];
  if (!schema) return 'unknown setting';
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  if (Array.isArray(json.enum)) return `accepts one of ${json.enum.join(', ')}`;
  if (json.type === 'integer' || json.type === 'number') {
    const min = json.minimum;
    const max = json.maximum;
    return `accepts an integer${min !== undefined ? ` >= ${min}` : ''}${max !== undefined && Number(max) < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ''}`;
  }
  if (key === 'autoCreateTopics') return 'accepts true or false';
  return 'accepts a non-empty string';
}

export function usage(): string {
  const keys = Object.keys(ConfigSchema.shape);
  const defaults = ConfigSchema.parse({});
  return [
    'Usage: logway [options]   (every option is also an environment variable)',
    '',
    ...keys.map(
      (k) =>
        `  ${flagName(k).padEnd(32)} ${envName(k).padEnd(40)} default ${JSON.stringify((defaults as Record<string, unknown>)[k])}`,
    ),
  ].join('\n');
}
