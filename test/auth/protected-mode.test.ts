/**
 * Protected mode (issue 11, after Redis's): beyond loopback with no credential configured, the
 * gateway refuses to start unless told LOGWAY_INSECURE=true. Pure rule first, then the real process.
 */
import { describe, expect, it } from 'vitest';
import { isLoopback, protectedMode } from '../../src/auth/protected-mode.js';
import { tempDir } from '../helpers/gateway.js';
import { spawnMain, startServerProcess, watch } from '../helpers/process.js';

describe('the rule', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('%s is loopback', (host) => expect(isLoopback(host)).toBe(true));
  it.each(['0.0.0.0', '::', '10.0.0.7', '192.168.1.2', 'example.com'])('%s is not', (host) => expect(isLoopback(host)).toBe(false));

  it('refuses a public interface with no credential, warns when insecure is set, and is satisfied by any credential setting', () => {
    expect(protectedMode({ host: '0.0.0.0', insecure: false }).outcome).toBe('refuse');
    expect(protectedMode({ host: '0.0.0.0', insecure: true }).outcome).toBe('warn');
    expect(protectedMode({ host: '0.0.0.0', insecure: false, adminKey: 'k'.repeat(16) }).outcome).toBe('ok');
    expect(protectedMode({ host: '0.0.0.0', insecure: false, jwtJwksUrl: 'https://idp/jwks' }).outcome).toBe('ok');
    expect(protectedMode({ host: '127.0.0.1', insecure: false }).outcome).toBe('ok');
  });
});

describe('the process', () => {
  it('refuses to start on 0.0.0.0 with no credential, saying how to set a key', async () => {
    const child = spawnMain({ LOGWAY_HOST: '0.0.0.0', LOGWAY_PORT: '0', LOGWAY_DATA_DIR: tempDir() });
    const { output, exited } = watch(child);
    const { code } = await exited;
    expect(code).not.toBe(0);
    expect(output().stderr).toMatch(/protected mode: refusing to listen on 0\.0\.0\.0/);
    expect(output().stderr).toContain('LOGWAY_ADMIN_KEY');
  });

  it('starts on 0.0.0.0 with LOGWAY_INSECURE=true and warns once', async () => {
    const server = await startServerProcess(tempDir(), { LOGWAY_HOST: '0.0.0.0', LOGWAY_INSECURE: 'true' });
    const warnings = server.output().stdout.split('\n').filter((l) => l.includes('LOGWAY_INSECURE=true'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!).level).toBe('warn');
  });

  it('starts on 0.0.0.0 with an administrator key, which is never logged', async () => {
    const adminKey = 'process-admin-key-0123456789';
    const server = await startServerProcess(tempDir(), { LOGWAY_HOST: '0.0.0.0', LOGWAY_ADMIN_KEY: adminKey });
    const res = await fetch(`http://127.0.0.1:${server.port}/v1/topics`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(res.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${server.port}/v1/topics`)).status).toBe(401);
    const { stdout, stderr } = server.output();
    expect(stdout + stderr).not.toContain(adminKey);
  });
});
