/**
 * The Dockerfile cannot be built here (no Docker engine), so this checks what reading it
 * would: the stages, that the compilers stay in the build stage, that the runtime stage gets
 * a pruned node_modules and dist/, runs as non-root with a /data volume, and starts node
 * directly. Its HEALTHCHECK command is run for real against a gateway.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startGateway } from './helpers/gateway.js';
import { childEnv, REPO_ROOT } from './helpers/process.js';

const run = promisify(execFile);
const dockerfile = fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
const dockerignore = fs.readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());

/** Instructions with continuation lines joined and comments dropped, split per stage. */
function stages(): { name: string; from: string; instructions: string[] }[] {
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const result: { name: string; from: string; instructions: string[] }[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ from: from[1]!, name: from[2] ?? '', instructions: [] });
    else result.at(-1)!.instructions.push(line);
  }
  return result;
}

const [build, runtime] = stages();

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage on node:20-bookworm-slim', () => {
    expect(stages()).toHaveLength(2);
    expect(build).toMatchObject({ from: 'node:20-bookworm-slim', name: 'build' });
    expect(runtime).toMatchObject({ from: 'node:20-bookworm-slim', name: 'runtime' });
  });

  it('compiles in the build stage: python3, make and g++, npm ci, build, prune', () => {
    const text = build!.instructions.join('\n');
    expect(text).toMatch(/apt-get install .*python3/);
    expect(text).toMatch(/apt-get install .*\bmake\b/);
    expect(text).toMatch(/apt-get install .*g\+\+/);
    const order = ['npm ci', 'npm run build', 'npm prune --omit=dev'].map((step) => text.indexOf(step));
    expect(order.every((i) => i !== -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // npm run build reads both tsconfigs and src/: all copied in before it runs.
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src']) {
      expect(text).toMatch(new RegExp(`^COPY .*\\b${file.replace('.', '\\.')}\\b`, 'm'));
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
    const buildConfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tsconfig.build.json'), 'utf8'));
    expect(buildConfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).type).toBe('module');
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

  it('starts node directly, in exec form, so SIGTERM reaches the gateway', () => {
    expect(runtime!.instructions.filter((l) => /^(CMD|ENTRYPOINT)\b/.test(l))).toEqual(['CMD ["node", "dist/main.js"]']);
  });

  it('HEALTHCHECK probes /readyz with node: exit 0 when ready, 1 when the gateway is down', async () => {
    const healthcheck = runtime!.instructions.find((l) => l.startsWith('HEALTHCHECK'));
    const exec = /CMD (\[.*\])$/.exec(healthcheck ?? '');
    expect(exec, 'HEALTHCHECK CMD in exec form').not.toBeNull();
    const [command, ...args] = JSON.parse(exec![1]!) as string[];
    expect(command).toBe('node');
    expect(args.join(' ')).toContain('/readyz');

    const { gateway, port } = await startGateway();
    const probe = () => run(process.execPath, args, { env: childEnv({ LOGWAY_PORT: String(port) }), timeout: 10_000 });
    await expect(probe()).resolves.toBeDefined();
    await gateway.close();
    await expect(probe()).rejects.toMatchObject({ code: 1 });
  });
});

describe('.dockerignore', () => {
  it('keeps host node_modules, dist, data and .git out of the build context', () => {
    for (const entry of ['node_modules', 'dist', 'data', '.git']) expect(dockerignore).toContain(entry);
  });
});
