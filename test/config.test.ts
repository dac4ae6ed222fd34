/**
 * Configuration (src/config.ts): environment, flags, defaults, validation messages,
 * and the real entry point refusing to start on a bad value.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accepts, ConfigError, ConfigSchema, envName, flagName, loadConfig, settingDocs, usage } from '../src/config.js';
import { tempDir } from './helpers/gateway.js';
import { spawnMain, watch } from './helpers/process.js';

function configError(options: Parameters<typeof loadConfig>[0]): string {
  try {
    loadConfig(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has defaults for every setting', () => {
    const config = loadConfig();
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: './data', synchronous: 'FULL', autoCreateTopics: false });
    // Credentials have no default: absent, authentication is off (see the Security section).
    // cleanupIntervalMs is the new name of retentionCheckIntervalMs: absent, the old one (with its default) applies.
    const unsetByDefault = ['adminKey', 'jwtSecret', 'jwtPublicKeyFile', 'jwtJwksUrl', 'jwtIssuer', 'jwtAudience', 'cleanupIntervalMs'];
    // The cluster's address and credentials too: absent, the store is SQLite.
    unsetByDefault.push('natsUrls', 'natsToken', 'natsTlsCaFile');
    // A gateway advertises no URL unless told (other gateways then refuse its groups' requests instead of forwarding).
    unsetByDefault.push('advertisedUrl');
    expect(Object.keys(config).sort()).toEqual(Object.keys(ConfigSchema.shape).filter((k) => !unsetByDefault.includes(k)).sort());
  });

  it('reads LOGWAY_HOST, LOGWAY_PORT and LOGWAY_DATA_DIR', () => {
    const config = loadConfig({ env: { LOGWAY_HOST: '127.0.0.1', LOGWAY_PORT: '9090', LOGWAY_DATA_DIR: '/var/lib/logway' } });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 9090, dataDir: '/var/lib/logway' });
  });

  it('derives every env var and flag from the setting name', () => {
    expect(envName('maxBodyBytes')).toBe('LOGWAY_MAX_BODY_BYTES');
    expect(flagName('maxBodyBytes')).toBe('--max-body-bytes');
    const config = loadConfig({
      env: { LOGWAY_MAX_BODY_BYTES: '2048', LOGWAY_SYNCHRONOUS: 'NORMAL', LOGWAY_AUTO_CREATE_TOPICS: 'yes' },
    });
    expect(config).toMatchObject({ maxBodyBytes: 2048, synchronous: 'NORMAL', autoCreateTopics: true });
  });

  it('honours PORT, and LOGWAY_PORT wins over it', () => {
    expect(loadConfig({ env: { PORT: '3000' } }).port).toBe(3000);
    expect(loadConfig({ env: { PORT: '3000', LOGWAY_PORT: '4000' } }).port).toBe(4000);
  });

  it('ignores empty variables (an unset-by-blank variable keeps the default)', () => {
    expect(loadConfig({ env: { LOGWAY_PORT: '', PORT: '' } }).port).toBe(8080);
  });

  it('lets flags override the environment, as --flag value and --flag=value', () => {
    const env = { LOGWAY_PORT: '4000', LOGWAY_HOST: 'a.example', PORT: '3000' };
    const config = loadConfig({ env, argv: ['--port', '5000', '--host=b.example', '--data-dir', '/tmp/x'] });
    expect(config).toMatchObject({ port: 5000, host: 'b.example', dataDir: '/tmp/x' });
  });

  it('takes a boolean flag on its own as true', () => {
    expect(loadConfig({ argv: ['--auto-create-topics'] }).autoCreateTopics).toBe(true);
    expect(loadConfig({ argv: ['--auto-create-topics', '--port', '1'] })).toMatchObject({ autoCreateTopics: true, port: 1 });
    expect(loadConfig({ argv: ['--auto-create-topics', 'false'] }).autoCreateTopics).toBe(false);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({ env: { LOGWAY_PORT: '1234' } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(1234);
  });

  it.each([
    [{ LOGWAY_PORT: 'abc' }, 'LOGWAY_PORT="abc" is invalid: expected an integer from 0 to 65535'],
    [{ LOGWAY_PORT: '70000' }, 'LOGWAY_PORT="70000" is invalid: expected an integer from 0 to 65535'],
    [{ LOGWAY_PORT: '-1' }, 'LOGWAY_PORT="-1" is invalid: expected an integer from 0 to 65535'],
    [{ PORT: '80.5' }, 'PORT="80.5" is invalid: expected an integer from 0 to 65535'],
    // z.coerce.number() would have read these as 80 and 1000: only plain decimal digits count.
    [{ LOGWAY_PORT: '0x50' }, 'LOGWAY_PORT="0x50" is invalid'],
    [{ LOGWAY_MAX_BODY_BYTES: '1e3' }, 'LOGWAY_MAX_BODY_BYTES="1e3" is invalid: expected an integer >= 1024'],
    [{ LOGWAY_SYNCHRONOUS: 'OFF' }, 'LOGWAY_SYNCHRONOUS="OFF" is invalid: expected one of FULL, NORMAL'],
    [{ LOGWAY_LOG_LEVEL: 'loud' }, 'LOGWAY_LOG_LEVEL="loud" is invalid: expected one of fatal, error, warn, info'],
    [{ LOGWAY_AUTO_CREATE_TOPICS: 'maybe' }, 'LOGWAY_AUTO_CREATE_TOPICS="maybe" is invalid: expected true or false'],
    [{ LOGWAY_HOST: '   ' }, 'LOGWAY_HOST="   " is invalid: expected a non-empty string'],
  ])('rejects %o, naming the variable and what it accepts', (env, message) => {
    expect(configError({ env })).toContain(message);
  });

  it('never prints a secret setting\'s value, and says why an administrator key with the API-key prefix is refused', () => {
    const secret = 'lwk_not-really-an-api-key-0123';
    const message = configError({ env: { LOGWAY_ADMIN_KEY: secret, LOGWAY_JWT_SECRET: 'too-short-secret' } });
    expect(message).not.toContain(secret);
    expect(message).not.toContain('too-short-secret');
    expect(message).toContain(
      `LOGWAY_ADMIN_KEY=(hidden, ${secret.length} characters) is invalid: expected a string of at least 16 characters; must not start with lwk_`,
    );
    expect(message).toContain('LOGWAY_JWT_SECRET=(hidden, 16 characters) is invalid: expected a string of at least 32 characters');
  });

  it('names the flag when the bad value came from a flag', () => {
    expect(configError({ env: { LOGWAY_PORT: '1' }, argv: ['--port=x'] })).toContain(
      '--port="x" is invalid: expected an integer from 0 to 65535',
    );
  });

  it('lists every bad setting at once', () => {
    const message = configError({ env: { LOGWAY_PORT: 'x', LOGWAY_SYNCHRONOUS: 'y' } });
    expect(message).toContain('LOGWAY_PORT="x"');
    expect(message).toContain('LOGWAY_SYNCHRONOUS="y"');
  });

  it('rejects unknown LOGWAY_* variables, so a misspelt one does not silently leave the default', () => {
    expect(configError({ env: { LOGWAY_PROT: '9000' } })).toContain('LOGWAY_PROT is not a setting; did you mean LOGWAY_PORT?');
    expect(configError({ env: { LOGWAY_SOMETHING_ELSE: '1' } })).toMatch(/LOGWAY_SOMETHING_ELSE is not a setting\n/);
    // Other variables are none of Logway's business.
    expect(loadConfig({ env: { HOME: '/root', NODE_ENV: 'production' } }).port).toBe(8080);
  });

  it('ignores, with one warning, the variables Kubernetes and Docker set for a Service or link named logway', () => {
    // What Kubernetes injects for a Service "logway" (port 8080, port name "http") and a Service "logway-db".
    const env = {
      LOGWAY_SERVICE_HOST: '10.0.0.7',
      LOGWAY_SERVICE_PORT: '8080',
      LOGWAY_SERVICE_PORT_HTTP: '8080',
      LOGWAY_PORT: 'tcp://10.0.0.7:8080',
      LOGWAY_PORT_8080_TCP: 'tcp://10.0.0.7:8080',
      LOGWAY_PORT_8080_TCP_PROTO: 'tcp',
      LOGWAY_PORT_8080_TCP_PORT: '8080',
      LOGWAY_PORT_8080_TCP_ADDR: '10.0.0.7',
      LOGWAY_DB_SERVICE_HOST: '10.0.0.8',
      LOGWAY_DB_PORT: 'udp://10.0.0.8:53',
      LOGWAY_DB_PORT_53_UDP_ADDR: '10.0.0.8',
      // Docker --link with alias "logway".
      LOGWAY_NAME: '/web/logway',
      LOGWAY_ENV_LOGWAY_DATA_DIR: '/data',
      LOGWAY_DATA_DIR: '/srv/logway',
      PORT: '9000',
    };
    const warnings: string[] = [];
    const config = loadConfig({ env, onWarning: (w) => warnings.push(w) });
    // LOGWAY_PORT=tcp://... is not the port: PORT (or the default) is.
    expect(config.port).toBe(9000);
    expect(config.dataDir).toBe('/srv/logway');
    expect(warnings).toHaveLength(1);
    const links = Object.keys(env).filter((k) => k !== 'LOGWAY_DATA_DIR' && k !== 'PORT');
    expect(warnings[0]).toContain(`ignored ${links.length} service-link variables`);
    for (const name of links) expect(warnings[0]).toContain(name);
    expect(warnings[0]).toContain('LOGWAY_PORT=tcp://10.0.0.7:8080');
    expect(warnings[0]).toContain('enableServiceLinks: false');
    expect(loadConfig({ env: { LOGWAY_PORT: 'tcp://10.0.0.7:8080' } }).port).toBe(8080);
  });

  it('still names real typos and bad values among service-link variables, and warns of nothing without them', () => {
    const env = { LOGWAY_SERVICE_HOST: '10.0.0.7', LOGWAY_PORT_8080_TCP: 'tcp://10.0.0.7:8080', LOGWAY_PROT: '9000' };
    expect(configError({ env })).toContain('LOGWAY_PROT is not a setting; did you mean LOGWAY_PORT?');
    expect(configError({ env: { LOGWAY_SERVICE_HOST: 'x', LOGWAY_PORT: 'http://10.0.0.7' } })).toContain(
      'LOGWAY_PORT="http://10.0.0.7" is invalid: expected an integer from 0 to 65535',
    );
    expect(configError({ env: { LOGWAY_SERVICES_HOST: 'x' } })).toContain('LOGWAY_SERVICES_HOST is not a setting');
    expect(configError({ env: { LOGWAY_NAME: 'gateway-1' } })).toContain('LOGWAY_NAME is not a setting');
    const warnings: string[] = [];
    loadConfig({ env: { LOGWAY_PORT: '9000' }, onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
  });

  it('rejects unknown flags and flags without a value', () => {
    expect(configError({ argv: ['--prot', '1'] })).toContain('unknown option --prot; did you mean --port?');
    expect(configError({ argv: ['--port'] })).toContain('option --port needs a value: an integer from 0 to 65535');
  });

  it('rejects a minimum session timeout above the maximum, naming both', () => {
    const message = configError({
      env: { LOGWAY_GROUP_MIN_SESSION_TIMEOUT_MS: '5000', LOGWAY_GROUP_MAX_SESSION_TIMEOUT_MS: '4000' },
    });
    expect(message).toContain('LOGWAY_GROUP_MIN_SESSION_TIMEOUT_MS (5000)');
    expect(message).toContain('LOGWAY_GROUP_MAX_SESSION_TIMEOUT_MS (4000)');
  });

  it('answers --help with the usage text as a help request, not an error', () => {
    let error: unknown;
    try {
      loadConfig({ argv: ['--help'] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).help).toBe(true);
    expect((error as ConfigError).message).toBe(usage());
  });
});

describe('the store setting', () => {
  it('defaults to SQLite; jetstream needs the cluster URLs, which must be nats:// or tls:// URLs', () => {
    expect(loadConfig({ env: {} }).store).toBe('sqlite');
    const cluster = loadConfig({ env: { LOGWAY_STORE: 'jetstream', LOGWAY_NATS_URLS: 'nats://127.0.0.1:4222,nats://10.0.0.2:4222' } });
    expect(cluster).toMatchObject({ store: 'jetstream', natsUrls: 'nats://127.0.0.1:4222,nats://10.0.0.2:4222', natsNamespace: 'logway', natsReplicas: 3 });
    expect(() => loadConfig({ env: { LOGWAY_STORE: 'jetstream' } })).toThrow(/LOGWAY_NATS_URLS/);
    expect(() => loadConfig({ env: { LOGWAY_STORE: 'jetstream', LOGWAY_NATS_URLS: 'http://x:4222' } })).toThrow(/LOGWAY_NATS_URLS/);
    expect(() => loadConfig({ env: { LOGWAY_STORE: 'kafka' } })).toThrow(/LOGWAY_STORE/);
  });

  it('takes an advertised URL (where other gateways forward a group\'s requests) as scheme://host[:port] only', () => {
    expect(loadConfig({ env: { LOGWAY_ADVERTISED_URL: 'http://10.0.0.5:8080' } }).advertisedUrl).toBe('http://10.0.0.5:8080');
    for (const bad of ['10.0.0.5:8080', 'http://10.0.0.5:8080/api', 'ftp://host']) {
      expect(() => loadConfig({ env: { LOGWAY_ADVERTISED_URL: bad } })).toThrow(/LOGWAY_ADVERTISED_URL/);
    }
    expect(loadConfig({ env: { LOGWAY_GROUP_COORDINATOR_LEASE_MS: '3000' } }).groupCoordinatorLeaseMs).toBe(3_000);
    expect(() => loadConfig({ env: { LOGWAY_GROUP_COORDINATOR_LEASE_MS: '10' } })).toThrow(/LOGWAY_GROUP_COORDINATOR_LEASE_MS/);
  });
});

describe('settingDocs', () => {
  it('describes every setting with its env var, flag, default and what it accepts', () => {
    const docs = settingDocs();
    expect(docs.map((d) => d.key)).toEqual(Object.keys(ConfigSchema.shape));
    for (const doc of docs) {
      expect(doc.description, `${doc.key} needs a .describe() in src/config.ts`).not.toBe('');
      expect(doc.accepts).toBe(accepts(doc.key));
      expect(usage()).toContain(doc.flag);
      expect(usage()).toContain(doc.env);
    }
    expect(docs.find((d) => d.key === 'port')).toMatchObject({
      env: 'LOGWAY_PORT',
      flag: '--port',
      default: 8080,
      accepts: 'an integer from 0 to 65535',
    });
  });
});

describe('the entry point', () => {
  it('exits non-zero on a bad value, naming the variable on stderr, before opening anything', async () => {
    const dataDir = path.join(tempDir(), 'never-created');
    const child = spawnMain({ LOGWAY_PORT: 'abc', LOGWAY_DATA_DIR: dataDir });
    const { output, exited } = watch(child);
    const { code } = await exited;
    expect(code).not.toBe(0);
    expect(output().stderr).toContain('LOGWAY_PORT="abc" is invalid: expected an integer from 0 to 65535');
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('prints the usage on --help and exits 0', async () => {
    const child = spawnMain({}, ['--help']);
    const { output, exited } = watch(child);
    expect((await exited).code).toBe(0);
    expect(output().stdout).toContain('--data-dir (LOGWAY_DATA_DIR, default "./data")');
  });
});
