/**
 * Test helpers: a real gateway on an ephemeral port with a real SQLite file in a
 * temp dir. Cleanup is owned by the helper (onTestFinished), so tests stay short.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { loadConfig, type ConfigInput } from '../../src/config.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway.js';
import type { LogStore } from '../../src/storage/log-store.js';
import { freshNamespace, openTestStore } from './nats-cluster.js';

export function tempDir(prefix = 'logway-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  port: number;
  dataDir: string;
  /** fetch against the gateway: `api('/v1/topics')`. */
  api: (p: string, init?: RequestInit) => Promise<Response>;
  /** requestJson against the gateway: `json('POST', '/v1/topics', { name: 't' })`. */
  json: <T = any>(method: string, p: string, body?: unknown, headers?: Record<string, string>) => Promise<JsonResponse<T>>;
}

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  /** The parsed body; undefined when the answer has none (204). */
  body: T;
}

/** Sends `body` (if any) as JSON to `url`; answers status, headers and the parsed body. */
export async function requestJson<T = any>(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Starts a gateway; it is closed (and its temp dir removed) when the test finishes. */
export async function startGateway(
  overrides: ConfigInput = {},
  options: GatewayOptions & { dataDir?: string; keep?: boolean } = {},
): Promise<RunningGateway> {
  const dataDir = options.dataDir ?? tempDir();
  const config = loadConfig({ env: storeEnv, overrides: { host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir, ...overrides } });
  const store = options.store ?? (config.store === 'jetstream' ? await clusterStoreFor(config.natsUrls!, dataDir) : undefined);
  const gateway = await createGateway(config, { ...options, store });
  const { url, port } = await gateway.listen();
  if (!options.keep) onTestFinished(() => gateway.close());
  const api = (p: string, init?: RequestInit) => fetch(url + p, init);
  const json = (method: string, p: string, body?: unknown, headers?: Record<string, string>) => requestJson(url + p, method, body, headers);
  return { gateway, url, port, dataDir, api, json };
}

/**
 * True in `npm run test:jetstream` (vitest.jetstream.config.ts), where the suites run again with LOGWAY_STORE=jetstream:
 * for a test to expect what that store answers differently, as documented (e.g. a topic's `bytes`), or to skip
 * what it does not have yet, saying why (`skip(onJetStream, 'reason')`).
 */
export const onJetStream = process.env.LOGWAY_STORE === 'jetstream';
const storeEnv = onJetStream ? { LOGWAY_STORE: 'jetstream', LOGWAY_NATS_URLS: process.env.LOGWAY_NATS_URLS } : {};

/**
 * LOGWAY_STORE=jetstream: a gateway's log is on the cluster at LOGWAY_NATS_URLS, and a data folder stands for
 * a namespace never used before, so a suite that restarts a gateway on the same folder finds its data again.
 */
const namespaceByDir = new Map<string, string>();

async function clusterStoreFor(natsUrls: string, dataDir: string): Promise<LogStore> {
  let namespace = namespaceByDir.get(dataDir);
  if (!namespace) namespaceByDir.set(dataDir, (namespace = freshNamespace()));
  return openTestStore(natsUrls.split(','), namespace);
}
