/**
 * Configuration: the only module that reads process.env or argv.
 *
 * Every setting has a `LOGWAY_*` environment variable and a `--kebab-case` flag
 * (flags win over the environment). `PORT` is honoured too, as platforms that
 * run Node services set it. Values are validated once with zod and frozen; a
 * bad value stops start-up with a message naming the variable and what it accepts.
 */
import { z } from 'zod';

/** Booleans, from JSON or from text: true/false, 1/0, yes/no. */
const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

/**
 * Integers: numbers, or text of plain decimal digits. Stricter than z.coerce.number(),
 * which would read '0x50' as 80, '1e3' as 1000 and ' ' as 0.
 */
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)])
    .pipe(z.number().int().min(min).max(max));

/**
 * Every setting: its type, limits, default, and a description (used by --help, error
 * messages and the configuration table in docs/configuration.md, `npm run docs:config`).
 * Units are in the names: *Ms milliseconds, *Bytes bytes.
 */
export const ConfigSchema = z.object({
  host: z
    .string()
    .trim()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'Interface to listen on. The default, loopback, admits only this machine; 0.0.0.0 (all IPv4 interfaces) needs a credential setting or `insecure` (protected mode).',
    ),
  port: int(0, 65535).default(8080).describe('TCP port to listen on (0 picks a free one). `PORT` is honoured too.'),
  dataDir: z.string().trim().min(1).default('./data').describe('Folder holding the SQLite database (created if missing).'),
  synchronous: z
    .enum(['FULL', 'NORMAL'])
    .default('FULL')
    .describe(
      'SQLite `synchronous`. FULL fsyncs the WAL at every commit: an acknowledged produce survives power loss. ' +
        'NORMAL fsyncs only at checkpoints: it survives a process crash but may lose the last commits on power loss or OS crash.',
    ),
  // --- the store: SQLite in dataDir (default), or a NATS JetStream cluster (docs/cluster.md) ---
  store: z
    .enum(['sqlite', 'jetstream'])
    .default('sqlite')
    .describe('Where the log is kept: `sqlite` (one file in dataDir) or `jetstream` (a NATS JetStream cluster at natsUrls, shared by several gateways).'),
  natsUrls: z
    .string()
    .trim()
    .regex(/^(nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*$/)
    .optional()
    .describe('store=jetstream: comma-separated nats:// (or tls://) URLs of cluster nodes, e.g. nats://10.0.0.1:4222,nats://10.0.0.2:4222. Credentials may go in the URL (nats://user:pass@host:4222).'),
  natsNamespace: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default('logway')
    .describe('store=jetstream: prefix of every stream and KV bucket the gateway uses; gateways sharing it share topics, groups and keys.'),
  natsReplicas: int(1, 5).default(3).describe('store=jetstream: replicas of each partition stream and bucket (3 keeps every acknowledged record through the loss of one node).'),
  natsToken: z.string().min(1).optional().describe('store=jetstream: token to authenticate to the cluster with.'),
  natsTlsCaFile: z.string().min(1).optional().describe('store=jetstream: CA certificate (PEM file) to verify the cluster\'s TLS certificates by; turns TLS on.'),
  natsRequestTimeoutMs: int(100).default(5_000).describe('store=jetstream: how long one request to the cluster may take before it is retried or fails.'),
  natsProduceTimeoutMs: int(100)
    .default(10_000)
    .describe('store=jetstream: a produce the cluster cannot store within this (no quorum: a failover, a partition) is answered 503 with Retry-After.'),
  natsBatchCacheBytes: int(0)
    .default(32 * 1024 * 1024)
    .describe('store=jetstream: bytes of recently stored or read batches kept decoded in memory, so tails and long-polls re-read them without asking the cluster (0 keeps none).'),
  natsKeyIndexCacheBytes: int(64 * 1024)
    .default(16 * 1024 * 1024)
    .describe(
      'store=jetstream: memory for the index of keys each gateway derives from the partitions read by key (GET .../keys/{key}, snapshots); what does not fit is kept in a temporary file.',
    ),
  natsDuplicateWindowMs: int(1_000)
    .default(120_000)
    .describe('store=jetstream: how long the cluster remembers each batch\'s id to drop a retried publish (the stream\'s duplicate_window).'),
  logLevel: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Log level (JSON lines on stdout, level names such as "info").'),
  logFormat: z
    .enum(['json', 'pretty'])
    .default('json')
    .describe('Log format: json (one JSON object a line) or pretty (coloured text for development; needs the devDependency pino-pretty).'),
  // One write per line was ~4% of a single-record produce (a request log line per request): lines are written a few KB at a time.
  logBufferBytes: int(0, 16_000)
    .default(8_192)
    .describe('logFormat=json: log lines are written to stdout once this many bytes wait (or logFlushMs passed), and always at exit; 0 writes them as soon as the last write is done.'),
  logFlushMs: int(1, 60_000)
    .default(100)
    .describe('logFormat=json: longest a log line waits in the buffer (logBufferBytes) before it is written; a SIGKILL loses at most this much.'),
  // stdout is written off the event loop: a reader that stops (a full pipe) must cost lines, not the gateway.
  logMaxPendingBytes: int(65_536)
    .default(16 * 1024 * 1024)
    .describe('logFormat=json: most bytes of log lines waiting for stdout (a slow or stalled reader of the process\'s output); lines past it are dropped and counted in a warning once stdout drains.'),
  // Every label value is a time series Prometheus keeps; names clients make up must not grow them without end.
  metricsMaxLabelValues: int(1)
    .default(100)
    .describe('GET /metrics: most topics, and most consumer groups, given their own label value; the rest are counted under `_other`.'),

  maxBodyBytes: int(1024).default(8 * 1024 * 1024).describe('Largest HTTP request body accepted (413 above it).'),
  maxRecordBytes: int(16)
    .default(1024 * 1024)
    .describe('Largest single record (key + value + headers, as stored) accepted (413 above it).'),
  maxRecordsPerRequest: int(1).default(10_000).describe('Most records in one produce request.'),
  maxPendingProduceBytes: int(1024)
    .default(256 * 1024 * 1024)
    .describe(
      'Most record bytes waiting for the next group commit; a produce that would pass it gets 503 with Retry-After (back-pressure, not unbounded memory).',
    ),
  // A streamed NDJSON body is committed in chunks (each atomic): these bound a chunk, hence the
  // memory one such request holds whatever the body's size (a line itself is bounded by maxBodyBytes).
  ndjsonChunkRecords: int(1)
    .default(1_000)
    .describe('NDJSON produce: most records committed in one chunk (each chunk is atomic; the body as a whole is not).'),
  ndjsonChunkBytes: int(1024)
    .default(1024 * 1024)
    .describe('NDJSON produce: a chunk is committed once its lines reach this many bytes (one line may be up to maxBodyBytes).'),
  maxConnections: int(1)
    .default(20_000)
    .describe('Most concurrent TCP connections, HTTP and WebSocket together; one past it is closed as soon as it is accepted.'),
  listenBacklog: int(1, 65_535)
    .default(4096)
    .describe(
      "Connections the kernel queues until the gateway accepts them (capped by the kernel's net.core.somaxconn). A burst of more new connections than this waits for the client's SYN retries (1 s, then 3 s): Node's default, 511, made 1,000 clients connecting at once take seconds.",
    ),

  // Must outlast the idle time of every client and proxy that reuses connections: a client reusing a socket the server is closing gets ECONNRESET.
  keepAliveTimeoutMs: int(1, 600_000)
    .default(5_000)
    .describe(
      "How long an idle kept-alive HTTP connection stays open (Node's default, 5 s). Behind a proxy or load balancer that pools connections, set it above that pool's idle timeout (e.g. 65000 behind a 60 s one): a request sent on a connection the gateway is closing fails with ECONNRESET.",
    ),

  autoCreateTopics: bool.default(false).describe('Create a topic on first produce instead of answering 404.'),
  defaultPartitions: int(1, 10_000)
    .default(1)
    .describe('Partition count of auto-created topics and of topics created without one.'),
  maxPartitions: int(1, 100_000).default(10_000).describe('Most partitions a topic may have.'),

  idempotencyWindowMs: int(1000)
    .default(24 * 60 * 60 * 1000)
    .describe("How long an Idempotency-Key is remembered (Kafka's producer ids expire too)."),

  fetchDefaultLimit: int(1).default(500).describe('Fetch: records per response when `limit` is not given.'),
  fetchMaxLimit: int(1).default(10_000).describe('Fetch: most records per response (`limit` is capped to it).'),
  fetchDefaultMaxBytes: int(1).default(1024 * 1024).describe('Fetch: bytes per response when `maxBytes` is not given.'),
  fetchMaxBytes: int(1).default(16 * 1024 * 1024).describe('Fetch: most bytes per response (`maxBytes` is capped to it).'),
  fetchMaxWaitMs: int(0).default(30_000).describe('Longest long-poll a client may ask for with `waitMs`.'),
  longPollWakeChunk: int(1)
    .default(256)
    .describe('Most long-polls (fetches and group polls) answered per turn of the event loop, woken by an append or finding records already there; the producers are answered first.'),
  // Tailers re-poll at once: without a budget their answers crowd out the producers' requests.
  // 1 ms: a produce round trip is ~1.6 ms of the loop on the bench machine, so answers get about
  // as much as produce (2 ms let one 2.7 ms tailer answer run per round trip: producers at 26-36%).
  longPollTurnMs: int(1, 1_000)
    .default(1)
    .describe("CPU time budget, in milliseconds, of one turn of the event loop's long-poll answers: new requests (produce among them) are read between turns, so re-polling tailers cannot starve producers. While producers are active, a turn that took twice the budget or more (one answer can) is paid back before the next answers."),

  // Tailers behind each read a range of their own: 1,000 store reads of overlapping ranges built the same JSON again and again.
  recentRecordsBytes: int(0)
    .default(32 * 1024 * 1024)
    .describe("Most bytes of recently appended records kept in memory, encoded once, to answer fetches of the partitions being read without a store read (the partitions read least lately give way first); 0 keeps none. Not used for compacted topics."),

  retentionCheckIntervalMs: int(100)
    .default(60_000)
    .describe('How often cleanup runs: retention (`retentionMs`, `retentionBytes`) and compaction. The older name of `cleanupIntervalMs`, which wins when both are set.'),
  cleanupIntervalMs: int(100)
    .optional()
    .describe('How often cleanup runs: retention (`retentionMs`, `retentionBytes`) and compaction of compacted topics. Default: `retentionCheckIntervalMs` (60000).'),
  cleanupLeaseMs: int(1_000)
    .default(30_000)
    .describe('On a cluster store, cleanup runs on one gateway at a time, the holder of a lease it renews every third of this; when that gateway dies, another takes the cleanup over after at most this long.'),
  apiKeyRefreshMs: int(100)
    .default(5_000)
    .describe('On a cluster store, each gateway reads the API keys again this often, so a key made or revoked through another gateway works, or stops working (its sockets closed), within this time. On SQLite (one process) keys take effect at once.'),
  clusterStatusRefreshMs: int(100)
    .default(5_000)
    .describe("On a cluster store, /readyz and the replica metrics read each partition's leader and replicas from the cluster at most once per this period (an answer up to this old between), so probes and scrapes cost a bounded number of requests."),
  // A step's own commit comes on top (one fsync with synchronous FULL). A produce commit waits for
  // at most one step, so this bounds what retention adds to produce latency.
  retentionStepMs: int(1, 1_000)
    .default(5)
    .describe('Retention and compaction delete in steps of about this many milliseconds each, letting pending produce commits go between them.'),
  // Each step writes and fsyncs the pages it frees to the disk produce commits fsync to (on a cluster,
  // replicated deletes to the nodes the appends go to): paced, the commits between steps meet a quieter
  // disk (src/core/cleanup-pacing.ts, docs/performance.md, docs/cluster.md).
  cleanupSharePercent: int(1, 100)
    .default(10)
    .describe(
      'While producers write, retention and compaction take at most this percent of the time: each step is followed by a pause (9 times its length at 10). No pause until a cleanup pass has deleted more than twice the records appended meanwhile to topics it cleans up (so it still gains on them and its backlog shrinks), or when nothing is appended (an idle gateway cleans up at full speed). 100: no pause. On a cluster store the appends counted are those of every gateway of the cluster that this one hears of.',
    ),
  // A snapshot holds compaction back below its offsets while it is open; an abandoned one ends on its own.
  snapshotLeaseMs: int(1_000)
    .default(60_000)
    .describe('A snapshot (GET /v1/topics/{topic}/snapshot) stays consistent this long after its last page; a later page answers 410 and the client starts again.'),
  maxOpenSnapshots: int(1)
    .default(1_000)
    .describe('Most snapshots open at once through this gateway; one more answers 503 with Retry-After.'),

  groupSessionTimeoutMs: int(100).default(30_000).describe('Consumer groups: session timeout when a member asks for none.'),
  groupMinSessionTimeoutMs: int(10).default(1_000).describe('Consumer groups: shortest session timeout a member may ask for.'),
  groupMaxSessionTimeoutMs: int(100).default(300_000).describe('Consumer groups: longest session timeout a member may ask for.'),
  groupHeartbeatIntervalMs: int(10).default(3_000).describe('Consumer groups: heartbeat interval suggested to members.'),
  groupMaxMembers: int(1)
    .default(1_000)
    .describe('Most members one group may have (each holds state in memory and in the store).'),
  // Every group is held in memory and loaded at start, and GET /v1/groups lists them all in one answer:
  // 10,000 is far more groups than a deployment's consumer applications need, yet keeps idle groups to
  // megabytes of memory and that list to one reasonable response, whatever names clients make up.
  groupMaxGroups: int(1)
    .default(10_000)
    .describe(
      'Most consumer groups this gateway holds (each is held in memory and in the store); creating one more (a join or an administrator\'s commit naming a new group) gets 409. Groups already stored beyond it still load. On a cluster store it counts only the groups this gateway coordinates at the time (not those other gateways coordinate, nor idle ones it let go), so the cluster may hold more in all.',
    ),
  groupSessionCheckIntervalMs: int(10)
    .default(100)
    .describe('How often expired sessions are looked for; a member is expelled at most this long after its deadline.'),
  // Several gateways on one cluster: each group has one coordinating gateway at a time (docs/cluster.md).
  groupCoordinatorLeaseMs: int(1_000)
    .default(10_000)
    .describe(
      'Consumer groups: how long a gateway\'s claim to coordinate a group lasts unless renewed (it renews every third of it). When a coordinating gateway dies, another takes its groups after at most this long. Keep it well below the session timeouts.',
    ),
  advertisedUrl: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^/\s]+$/, 'a base URL: scheme://host[:port], no path')
    .optional()
    .describe(
      'This gateway\'s URL as the other gateways on the same cluster reach it (e.g. http://10.0.0.5:8080). Set: they forward the REST requests of groups this gateway coordinates to it. Unset: they answer 503 NOT_COORDINATOR instead.',
    ),

  // About wsHighWaterBytes of 250-byte records: enough in flight that a catching-up socket is
  // not held back by credit returning a frame at a time (measured with npm run bench).
  wsDefaultCreditRecords: int(1)
    .default(4_000)
    .describe('WebSocket: records a socket may be sent before the client grants more credit.'),
  wsHighWaterBytes: int(1024)
    .default(1024 * 1024)
    .describe("WebSocket: bytes queued in a socket's send buffer above which the server stops reading for it."),
  wsMaxBufferedBytes: int(1024)
    .default(16 * 1024 * 1024)
    .describe('WebSocket: a socket whose send buffer would grow past this is closed (1008) as too slow.'),
  wsPingIntervalMs: int(100)
    .default(30_000)
    .describe('WebSocket: ping interval; a socket that has not answered the previous ping by the next one is terminated.'),
  wsMaxMessageBytes: int(1024).default(8 * 1024 * 1024).describe('WebSocket: largest inbound frame.'),
  wsMaxConnections: int(1).default(10_000).describe('WebSocket: most concurrent sockets.'),

  // --- Server-Sent Events (src/sse) ---
  sseHeartbeatMs: int(100)
    .default(15_000)
    .describe('Server-Sent Events: an idle stream sends a comment this often, so proxies do not close it.'),
  sseHighWaterBytes: int(1024)
    .default(1024 * 1024)
    .describe('Server-Sent Events: bytes of events queued for a stream above which the server stops reading the log for it (a slow reader is paused, never buffered without bound).'),
  sseRetryMs: int(0)
    .default(2_000)
    .describe("Server-Sent Events: the `retry:` a stream announces, how long a browser's EventSource waits before reconnecting."),

  // --- security (src/auth) ---
  adminKey: z
    .string()
    .min(16)
    // API keys are recognised by this prefix before anything else, so such an admin key could never authenticate.
    .refine((key) => !key.startsWith('lwk_'), 'must not start with lwk_ (the prefix of API keys made by POST /v1/keys)')
    .optional()
    .describe(
      'Bootstrap administrator key (at least 16 characters, not starting with `lwk_`; never logged). When set, every route but /healthz, /readyz and /openapi.* needs a credential.',
    ),
  jwtSecret: z
    .string()
    .min(32)
    .optional()
    .describe('Accept HS256 JWTs signed with this shared secret (at least 32 characters). Turns authentication on.'),
  jwtPublicKeyFile: z
    .string()
    .min(1)
    .optional()
    .describe('Accept RS256/ES256 JWTs verified by the public key in this PEM file. Turns authentication on.'),
  jwtJwksUrl: z
    .url()
    .optional()
    .describe("Accept RS256/ES256 JWTs verified by this JWKS URL (the identity provider's key set). Turns authentication on."),
  jwtIssuer: z.string().min(1).optional().describe('JWTs must carry this `iss`.'),
  jwtAudience: z.string().min(1).optional().describe('JWTs must carry this `aud`.'),
  jwtClockToleranceSeconds: int(0, 600).default(30).describe('Clock skew allowed when checking JWT `exp` and `nbf`.'),
  jwtPermissionsClaim: z
    .string()
    .min(1)
    .default('permissions')
    .describe('JWT claim holding the permissions (a list of {resource, actions}, as API keys have).'),
  tokenMaxTtlSeconds: int(1)
    .default(24 * 60 * 60)
    .describe('Longest lifetime of a browser token minted with POST /v1/tokens.'),
  corsOrigins: z
    .union([z.array(z.string()), z.string()])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((o) => o.trim()).filter((o) => o !== ''))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'an origin: scheme://host[:port]')))
    .default([])
    .describe(
      'Browser origins allowed to call the API (CORS) and to open WebSockets, comma-separated (e.g. https://app.example.com). Default: none.',
    ),
  quotaRequestsPerSecond: int(0)
    .default(0)
    .describe('Requests per second each principal may make (token bucket; 429 beyond). 0: no limit. An API key may set its own.'),
  quotaProduceBytesPerSecond: int(0)
    .default(0)
    .describe('Produce bytes per second each principal may send (token bucket; 429 beyond). 0: no limit. An API key may set its own.'),
  quotaMaxSocketsPerPrincipal: int(0)
    .default(1_000)
    .describe('Most WebSockets one principal may hold open. 0: no limit beyond wsMaxConnections.'),
  quotaMaxPrincipals: int(1)
    .default(100_000)
    .describe('Most principals whose quota use is remembered (the least recent are forgotten first).'),
  console: bool
    .default(true)
    .describe(
      'Serve the web console at /console and the API reference at /docs (static pages built by `npm run build`; they call the API like any client). false: neither is served (the browser client at /client/logway.js still is: your own pages import it).',
    ),
  insecure: bool
    .default(false)
    .describe('Allow listening beyond loopback with no credential configured (protected mode otherwise refuses to start).'),

  shutdownTimeoutMs: int(0)
    .default(10_000)
    .describe('Graceful shutdown: how long in-flight requests may take before their connections are cut; the process exits at most 1 s later.'),
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
  /** True when --help asked for the usage text: print it and exit 0, it is not a failure. */
  readonly help: boolean;

  constructor(message: string, options: { help?: boolean } = {}) {
    super(message);
    this.help = options.help ?? false;
  }
}

/**
 * Builds the frozen config from overrides (used by tests), then flags, then env, then defaults.
 * Throws ConfigError naming the variable or flag for any bad or unknown value.
 */
export function loadConfig(
  options: {
    env?: NodeJS.ProcessEnv;
    argv?: readonly string[];
    overrides?: ConfigInput;
    /** Told of what was ignored (service-link variables), for the caller to log once. */
    onWarning?: (message: string) => void;
  } = {},
): Config {
  const links = serviceLinkVariables(options.env ?? {});
  if (links.length > 0) options.onWarning?.(serviceLinkWarning(links, options.env ?? {}));
  const env = withoutKeys(options.env ?? {}, links);
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
  // A misspelt variable would otherwise leave its setting at the default without a word.
  const known = new Set(keys.map(envName));
  const unknown = Object.keys(env).filter((name) => name.startsWith('LOGWAY_') && !known.has(name));
  if (unknown.length > 0) {
    const lines = unknown.map((name) => `${name} is not a setting${didYouMean(name, [...known])}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}\n(--help lists every setting)`);
  }
  const byFlag = new Map(keys.map((k) => [flagName(k), k]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new ConfigError(usage(), { help: true });
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = byFlag.get(flag);
    if (!key) throw new ConfigError(`unknown option ${arg}${didYouMean(flag, [...byFlag.keys()])}\n\n${usage()}`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    // A boolean flag on its own means true: `--auto-create-topics`.
    else if (accepts(key) === BOOLEAN && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))) value = 'true';
    else value = argv[++i];
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value: ${accepts(key)}`);
    raw[key] = value;
    source[key] = flag;
  }
  Object.assign(raw, options.overrides ?? {});

  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const where = source[key] ?? `${envName(key)} / ${flagName(key)}`;
      const shown = SECRET_SETTINGS.has(key) ? `(hidden, ${String(raw[key]).length} characters)` : JSON.stringify(raw[key]);
      // A refinement's own message says what the type alone cannot (e.g. a forbidden prefix).
      const why = issue.code === 'custom' ? `; ${issue.message}` : '';
      return `${where}=${shown} is invalid: expected ${accepts(key)}${why}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const config = parsed.data;
  if (config.groupMinSessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
    throw new ConfigError(
      `invalid configuration:\n  LOGWAY_GROUP_MIN_SESSION_TIMEOUT_MS (${config.groupMinSessionTimeoutMs}) must not exceed ` +
        `LOGWAY_GROUP_MAX_SESSION_TIMEOUT_MS (${config.groupMaxSessionTimeoutMs})`,
    );
  }
  if (config.store === 'jetstream' && !config.natsUrls) {
    throw new ConfigError('invalid configuration:\n  LOGWAY_STORE=jetstream needs LOGWAY_NATS_URLS (the cluster\'s nats:// URLs)');
  }
  return Object.freeze(config);
}

/**
 * Variables that Kubernetes and Docker inject for a Service or a link whose name starts with
 * "logway" (so they fall in our LOGWAY_ namespace without being settings). Kubernetes, for a
 * Service `logway` on port 8080: LOGWAY_SERVICE_HOST, LOGWAY_SERVICE_PORT(_<port name>),
 * LOGWAY_PORT=tcp://10.0.0.7:8080 and LOGWAY_PORT_8080_TCP(_PROTO|_PORT|_ADDR); a Service
 * `logway-db` gives the same with LOGWAY_DB_. Docker `--link` sets the same PORT family, plus
 * <ALIAS>_NAME=/container/alias and <ALIAS>_ENV_<var>.
 * (https://kubernetes.io/docs/concepts/services-networking/service/#environment-variables,
 * https://docs.docker.com/engine/network/links/#environment-variables)
 */
const SERVICE_LINK_NAME = /^LOGWAY(?:_[A-Z0-9_]+?)?_(?:SERVICE_(?:HOST|PORT)(?:_[A-Z0-9_]+)?|PORT_\d+_(?:TCP|UDP|SCTP)(?:_(?:PROTO|PORT|ADDR))?|ENV_[A-Za-z0-9_]+)$/;
/** LOGWAY_PORT and <NAME>_PORT are links only when they hold a URL such as tcp://10.0.0.7:8080. */
const SERVICE_LINK_URL = /^LOGWAY(?:_[A-Z0-9_]+?)?_PORT$/;
const LINK_URL_VALUE = /^(?:tcp|udp|sctp):\/\/[^/]+:\d+$/;
/** Docker's <ALIAS>_NAME: the linking container's name, /name/alias. */
const LINK_NAME = /^LOGWAY(?:_[A-Z0-9_]+?)?_NAME$/;

function serviceLinkVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env).filter((name) => {
    const value = env[name] ?? '';
    if (SERVICE_LINK_NAME.test(name)) return true;
    if (SERVICE_LINK_URL.test(name)) return LINK_URL_VALUE.test(value);
    return LINK_NAME.test(name) && value.startsWith('/');
  });
}

function serviceLinkWarning(names: string[], env: NodeJS.ProcessEnv): string {
  const shown = names.map((n) => (n === 'LOGWAY_PORT' ? `LOGWAY_PORT=${env[n]}` : n)).join(', ');
  return (
    `ignored ${names.length} service-link variable${names.length === 1 ? '' : 's'} that Kubernetes or Docker set for a Service or link named logway: ${shown}. ` +
    'They are not settings; set LOGWAY_PORT to a number (or --port) to choose the port, or turn the variables off ' +
    '(enableServiceLinks: false in the pod spec)'
  );
}

function withoutKeys(env: NodeJS.ProcessEnv, drop: string[]): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!drop.includes(k)) kept[k] = v;
  return kept;
}

/** `; did you mean LOGWAY_PORT?` when a known name is within two edits of `name`. */
function didYouMean(name: string, candidates: string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best ? `; did you mean ${best}?` : '';
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

const BOOLEAN = 'true or false (also 1/0, yes/no)';

/** Settings whose values are secrets: an error names them but never prints their value. */
const SECRET_SETTINGS: ReadonlySet<string> = new Set(['adminKey', 'jwtSecret', 'natsToken']);

/** What a setting accepts, in words, for error messages, --help and the README. */
export function accepts(key: string): string {
  const schema = (ConfigSchema.shape as Record<string, z.ZodType>)[key];
  if (!schema) return 'nothing: there is no such setting';
  const output = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  if (Array.isArray(output.enum)) return `one of ${output.enum.join(', ')}`;
  if (output.type === 'integer') {
    const min = output.minimum as number | undefined;
    const max = output.maximum as number | undefined;
    const bounded = max !== undefined && max < Number.MAX_SAFE_INTEGER;
    if (min !== undefined && bounded) return `an integer from ${min} to ${max}`;
    if (min !== undefined) return `an integer >= ${min}`;
    return 'an integer';
  }
  const input = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { anyOf?: { type?: string }[] };
  if (input.anyOf?.some((s) => s.type === 'boolean')) return BOOLEAN;
  const minLength = output.minLength as number | undefined;
  if (minLength !== undefined && minLength > 1) return `a string of at least ${minLength} characters`;
  return 'a non-empty string';
}

/** One row per setting: what docs/configuration.md's table and --help show. */
export interface SettingDoc {
  key: keyof Config;
  env: string;
  flag: string;
  default: unknown;
  accepts: string;
  description: string;
}

export function settingDocs(): SettingDoc[] {
  const defaults = ConfigSchema.parse({}) as Record<string, unknown>;
  return (Object.keys(ConfigSchema.shape) as (keyof Config)[]).map((key) => ({
    key,
    env: envName(key),
    flag: flagName(key),
    default: defaults[key],
    accepts: accepts(key),
    description: (ConfigSchema.shape as Record<string, z.ZodType>)[key]!.description ?? '',
  }));
}

export function usage(): string {
  return [
    'Usage: logway [--setting value | --setting=value]...',
    'Every setting is also an environment variable; flags win over the environment.',
    '',
    ...settingDocs().flatMap((s) => [
      `  ${s.flag} (${s.env}, default ${JSON.stringify(s.default)})`,
      `      ${s.description} Accepts ${s.accepts}.`,
    ]),
  ].join('\n');
}
