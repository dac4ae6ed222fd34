/**
 * Identity providers' JWTs (issue 11): HS256 with a shared secret, ES256 with a public key file,
 * and a JWKS served on loopback by the test. Keys are generated here; tokens go through a real gateway.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startGateway, tempDir } from '../helpers/gateway.js';

const SECRET = 'a-shared-secret-of-at-least-32-characters!';
const perms = [{ resource: 'topic:orders', actions: ['read'] }];

async function sign(key: Parameters<SignJWT['sign']>[0], alg: string, claims: Record<string, unknown> = {}, edit?: (jwt: SignJWT) => SignJWT) {
  let jwt = new SignJWT({ permissions: perms, ...claims })
    .setProtectedHeader({ alg, kid: 'k1' })
    .setSubject('alice')
    .setIssuer('https://idp.example')
    .setAudience('logway')
    .setIssuedAt()
    .setExpirationTime('5m');
  if (edit) jwt = edit(jwt);
  return jwt.sign(key);
}

async function gatewayWith(settings: Record<string, unknown>) {
  const g = await startGateway({ jwtIssuer: 'https://idp.example', jwtAudience: 'logway', ...settings });
  // No administrator key: with JWT settings alone, authentication is on.
  return g;
}

const read = (g: { json: any }, token: string) =>
  g.json('GET', '/v1/topics/orders', undefined, { authorization: `Bearer ${token}` }) as Promise<{ status: number; body: any }>;

describe('HS256 with a shared secret', () => {
  it('accepts a good token and uses its permissions claim; refuses a wrong aud, an expired exp and a bad signature', async () => {
    const g = await gatewayWith({ jwtSecret: SECRET });
    const key = new TextEncoder().encode(SECRET);
    // Creating the topic needs admin: a token with those permissions.
    const adminToken = await sign(key, 'HS256', { permissions: [{ resource: 'topic:*', actions: ['admin'] }] });
    expect((await g.json('POST', '/v1/topics', { name: 'orders' }, { authorization: `Bearer ${adminToken}` })).status).toBe(201);

    expect((await read(g, await sign(key, 'HS256'))).status).toBe(200);
    expect((await read(g, await sign(key, 'HS256', { permissions: [{ resource: 'topic:other', actions: ['read'] }] }))).status).toBe(403);

    const wrongAud = await read(g, await sign(key, 'HS256', {}, (j) => j.setAudience('someone-else')));
    expect(wrongAud.status).toBe(401);
    expect(wrongAud.body.detail).toMatch(/aud/);
    const expired = await read(g, await sign(key, 'HS256', {}, (j) => j.setExpirationTime(Math.floor(Date.now() / 1000) - 120)));
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toMatch(/expired/);
    const forged = await read(g, await sign(new TextEncoder().encode('another-secret-of-at-least-32-chars!!'), 'HS256'));
    expect(forged.status).toBe(401);
    expect(forged.body.detail).toMatch(/signature/);
    const malformedClaim = await read(g, await sign(key, 'HS256', { permissions: 'everything' }));
    expect(malformedClaim.status).toBe(401);
  });

  it('allows the configured clock skew on exp', async () => {
    const g = await gatewayWith({ jwtSecret: SECRET, jwtClockToleranceSeconds: 60 });
    const key = new TextEncoder().encode(SECRET);
    const justExpired = await sign(key, 'HS256', {}, (j) => j.setExpirationTime(Math.floor(Date.now() / 1000) - 10));
    expect((await read(g, justExpired)).status).toBe(404); // authenticated (the topic does not exist)
  });
});

describe('ES256', () => {
  it('with a public key file', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const file = path.join(tempDir(), 'idp.pem');
    fs.writeFileSync(file, await exportSPKI(publicKey));
    const g = await gatewayWith({ jwtPublicKeyFile: file });
    expect((await read(g, await sign(privateKey, 'ES256'))).status).toBe(404); // authenticated and allowed: no such topic
    const other = await generateKeyPair('ES256');
    expect((await read(g, await sign(other.privateKey, 'ES256'))).status).toBe(401);
  });

  it('with a JWKS served on loopback', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const g = await gatewayWith({ jwtJwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json` });
    expect((await read(g, await sign(privateKey, 'ES256'))).status).toBe(404);
    const stranger = await generateKeyPair('ES256');
    expect((await read(g, await sign(stranger.privateKey, 'ES256'))).status).toBe(401);
  });
});
