/**
 * The Dockerfile, checked without a container engine (`npm run image:build` builds and runs the
 * image with podman where it can): the stages and their order, the pinned Node 24 base, that the
 * compilers stay in the build stage and the runtime stage gets a pruned node_modules, tini, the
 * labels, a non-root user with a /data volume. The runtime stage's own steps run for real here:
 * the native-leftovers prune on a copy of better-sqlite3 (which must still open a database), and
 * the HEALTHCHECK script against a gateway, a server answering 503 and a closed port.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { GATEWAY_GLIBC_TUNABLES, GATEWAY_NODE_FLAGS } from '../bench/lib/child.js';
import { startGateway } from './helpers/gateway.js';
import { childEnv, REPO_ROOT } from './helpers/process.js';

const run = promisify(execFile);
const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
const dockerfile = read('Dockerfile');
const dockerignore = read('.dockerignore').split('\n').map((l) => l.trim());
const pkg = JSON.parse(read('package.json')) as { version: string; license: string; type: string; scripts: Record<string, string> };

/** Instructions with continuation lines joined and comments dropped, split per stage. */
function stages(): { name: string; from: string; instructions: string[] }[] {
  const result: { name: string; from: string; instructions: string[] }[] = [{ name: '(global)', from: '', instructions: [] }];
  for (const line of instructions()) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ from: from[1]!, name: from[2] ?? '', instructions: [] });
    else result.at(-1)!.instructions.push(line);
  }
  return result;
}

function instructions(): string[] {
  return dockerfile
    .replace(/\s*\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const [global, build, runtime] = stages();

/** A file copied into the runtime stage from the repository, and where it lands. */
function copied(source: string): string | undefined {
  return new RegExp(`^COPY ${source.replace(/\./g, '\\.')} (\\S+)$`, 'm').exec(runtime!.instructions.join('\n'))?.[1];
}

describe('Dockerfile', () => {
  it('builds FROM a pinned Node 24 LTS slim image, the same Node version CI tests (.ci/node24.sh)', () => {
    expect(stages().map((s) => [s.name, s.from])).toEqual([
      ['(global)', ''],
      ['build', '${NODE_IMAGE}'],
      ['runtime', '${NODE_IMAGE}'],
    ]);
    const image = /^ARG NODE_IMAGE=node:(\d+)\.(\d+)\.(\d+)-bookworm-slim$/m.exec(global!.instructions.join('\n'));
    expect(image, 'ARG NODE_IMAGE=node:<major>.<minor>.<patch>-bookworm-slim').not.toBeNull();
    expect(Number(image![1])).toBeGreaterThanOrEqual(24);
    expect(read('.ci/node24.sh')).toContain(`NODE24_VERSION="\${NODE24_VERSION:-${image!.slice(1).join('.')}}"`);
  });

  it('compiles in the build stage: python3, make and g++, npm ci, build, prune, prune native leftovers', () => {
    const text = build!.instructions.join('\n');
    for (const tool of ['python3', 'make', 'g\\+\\+', 'tini']) expect(text).toMatch(new RegExp(`apt-get install .*\\b${tool}`));
    // Offline-safe: node-gyp uses the headers in the node image rather than downloading them.
    expect(text).toMatch(/^ENV npm_config_nodedir=\/usr\/local$/m);
    const order = ['npm ci', 'npm run build', 'npm prune --omit=dev', 'prune-native node_modules'].map((step) => text.indexOf(step));
    expect(order.every((i) => i !== -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toMatch(/^COPY docker\/prune-native\.sh \/usr\/local\/bin\/prune-native$/m);
    // npm run build reads both tsconfigs and src/: all copied in before it runs.
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'docker']) {
      if (file !== 'docker') expect(text).toMatch(new RegExp(`^COPY .*\\b${file.replace('.', '\\.')}\\b`, 'm'));
      expect(fs.existsSync(path.join(REPO_ROOT, file)), file).toBe(true);
      expect(dockerignore, `.dockerignore must not exclude ${file}`).not.toContain(file);
    }
  });

  it('runtime stage: no compilers, node_modules and dist from the build stage, package.json for ESM', () => {
    const text = runtime!.instructions.join('\n');
    expect(text).not.toMatch(/apt-get|npm (ci|install)|python3|g\+\+/);
    expect(text).toMatch(/^COPY --from=build \/app\/node_modules \.\/node_modules$/m);
    expect(text).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(text).toMatch(/^COPY package\.json \.\/$/m);
    // dist/main.js is what `npm run build` produces from src/main.ts.
    const buildConfig = JSON.parse(read('tsconfig.build.json'));
    expect(buildConfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(pkg.type).toBe('module');
  });

  it('runtime stage: non-root user, /data volume, listens on all interfaces, port 8080', () => {
    const text = runtime!.instructions.join('\n');
    const user = /^USER\s+(\S+)$/m.exec(text)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(text).toMatch(/^VOLUME \/data$/m);
    expect(text).toMatch(/LOGWAY_DATA_DIR=\/data\b/);
    expect(text).toMatch(/LOGWAY_HOST=0\.0\.0\.0\b/);
    expect(text).toMatch(/^EXPOSE 8080$/m);
    // /data must be writable by that user, and prepared before USER switches away from root.
    expect(text.indexOf('chown node:node /data')).toBeGreaterThan(-1);
    expect(text.indexOf('chown node:node /data')).toBeLessThan(text.indexOf('USER '));
  });

  it('runtime stage: sets the glibc malloc tunables the bench runs the gateway with (catch-up buffers not faulted in per chunk)', () => {
    const text = runtime!.instructions.join('\n');
    expect(text).toContain(`GLIBC_TUNABLES=${GATEWAY_GLIBC_TUNABLES}`);
  });

  it('runtime stage: tini from the build stage is PID 1 and runs node directly, so SIGTERM reaches the gateway', () => {
    const text = runtime!.instructions.join('\n');
    expect(text).toMatch(/^COPY --from=build \/usr\/bin\/tini \/usr\/bin\/tini$/m);
    expect(runtime!.instructions.filter((l) => /^(CMD|ENTRYPOINT)\b/.test(l))).toEqual([
      'ENTRYPOINT ["/usr/bin/tini", "--"]',
      `CMD [${['node', ...GATEWAY_NODE_FLAGS, 'dist/main.js'].map((a) => JSON.stringify(a)).join(', ')}]`,
    ]);
  });

  it('runs the gateway with the V8 flags the bench runs it with (young generation sized for batched produce), `npm start` too', () => {
    expect(pkg.scripts.start).toBe(`node ${GATEWAY_NODE_FLAGS.join(' ')} dist/main.js`);
  });

  it('runtime stage: OCI labels with the package version and licence', () => {
    const text = runtime!.instructions.join('\n');
    expect(text).toContain(`ARG LOGWAY_VERSION=${pkg.version}`);
    const labels = Object.fromEntries(
      [...text.matchAll(/org\.opencontainers\.image\.([a-z.]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    expect(labels).toMatchObject({ title: 'Logway', version: '${LOGWAY_VERSION}', licenses: pkg.license, 'base.name': '${NODE_IMAGE}' });
    expect(labels.description).toBeTruthy();
  });

  it('runtime stage: the native prune leaves better-sqlite3 only its addon and lib/, and it still opens a database', async () => {
    expect(copied('docker/healthcheck.sh')).toBe('/usr/local/bin/logway-healthcheck');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-prune-'));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    // better-sqlite3 and what it requires at run time, as `npm prune --omit=dev` leaves them.
    for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
      fs.cpSync(path.join(REPO_ROOT, 'node_modules', name), path.join(dir, 'node_modules', name), { recursive: true });
    }
    const module = path.join(dir, 'node_modules', 'better-sqlite3');
    expect(fs.existsSync(path.join(module, 'deps'))).toBe(true);

    await run('sh', [path.join(REPO_ROOT, 'docker/prune-native.sh'), path.join(dir, 'node_modules')]);

    const left = (fs.readdirSync(module, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(module, f)).isFile());
    expect(left.filter((f) => !f.startsWith(`lib${path.sep}`)).sort()).toEqual(
      ['LICENSE', 'README.md', path.join('build', 'Release', 'better_sqlite3.node'), 'package.json'].sort(),
    );
    const { stdout } = await run(
      process.execPath,
      ['-e', "const db = new (require('better-sqlite3'))(':memory:'); console.log(db.prepare('select 6 * 7 as n').get().n)"],
      { cwd: dir },
    );
    expect(stdout.trim()).toBe('42');
  });

  it('the native prune refuses a node_modules whose addon is missing (a build that failed)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-prune-'));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.mkdirSync(path.join(dir, 'better-sqlite3', 'deps'), { recursive: true });
    await expect(run('sh', [path.join(REPO_ROOT, 'docker/prune-native.sh'), dir])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('better_sqlite3.node is missing'),
    });
    expect(fs.existsSync(path.join(dir, 'better-sqlite3', 'deps'))).toBe(true);
  });
});

describe('HEALTHCHECK (docker/healthcheck.sh, bash and /dev/tcp: no node process per probe)', () => {
  const healthcheck = path.join(REPO_ROOT, 'docker/healthcheck.sh');
  const probe = (env: Record<string, string>) => run('bash', [healthcheck], { env: childEnv(env), timeout: 10_000 });

  it('is the runtime stage HEALTHCHECK, in exec form', () => {
    const line = runtime!.instructions.find((l) => l.startsWith('HEALTHCHECK'));
    expect(line).toMatch(/^HEALTHCHECK --interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD \["\/usr\/local\/bin\/logway-healthcheck"\]$/);
    expect(fs.statSync(healthcheck).mode & 0o111, 'executable').not.toBe(0);
  });

  it('exits 0 while /readyz answers 200, 1 naming the port once the gateway is down', async () => {
    const { gateway, port } = await startGateway();
    await expect(probe({ LOGWAY_PORT: String(port) })).resolves.toBeDefined();
    await gateway.close();
    await expect(probe({ LOGWAY_PORT: String(port) })).rejects.toMatchObject({
      code: 1,
      stdout: `readyz: nothing listening on port ${port}\n`,
    });
  });

  it('exits 1 with the status line when /readyz answers 503', async () => {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(503, { 'content-type': 'application/problem+json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    await expect(probe({ LOGWAY_PORT: String(port) })).rejects.toMatchObject({
      code: 1,
      stdout: 'readyz: HTTP/1.1 503 Service Unavailable\n',
    });
    expect(requests).toEqual(['GET /readyz']);
  });

  it('uses PORT when LOGWAY_PORT is a service-link variable (tcp://host:port)', async () => {
    const { port } = await startGateway();
    await expect(probe({ LOGWAY_PORT: 'tcp://10.0.0.7:8080', PORT: String(port) })).resolves.toBeDefined();
  });
});

describe('.dockerignore', () => {
  it('keeps host node_modules, dist, data and .git out of the build context', () => {
    for (const entry of ['node_modules', 'dist', 'data', '.git']) expect(dockerignore).toContain(entry);
  });
});
