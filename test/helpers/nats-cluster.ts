/**
 * A NATS JetStream cluster for tests: the one CI started (TEST_NATS_URLS, see .ci/run), or else one
 * this test file starts in a temporary folder with src/tools/nats-cluster.ts and stops when it ends.
 * Every store a test opens gets a namespace never used before (a per-run prefix plus a counter), so no
 * stream or bucket name is ever reused (nats-server 2.9.10 can lose data when one is: docs/cluster.md);
 * the file's streams and buckets are deleted when it ends.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';
import { clientUrls, monitorUrl, startCluster, stopCluster, type ClusterLayout, type ClusterNode } from '../../src/tools/nats-cluster.js';
import type { JetStreamStore } from '../../src/storage/jetstream/jetstream-store.js';
import { openJetStreamStore } from '../../src/storage/jetstream/open-store.js';

/** Unique per test file run: the time and randomness, in name-safe characters. */
const RUN_PREFIX = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
let namespaces = 0;

export function freshNamespace(): string {
  return `${RUN_PREFIX}_${namespaces++}`;
}

export interface TestCluster {
  /** The nodes' client URLs (set once beforeAll has run). */
  urls: string[];
  /** The layout, when this file started the cluster itself (for tests that kill and restart nodes). */
  layout?: ClusterLayout;
}

/**
 * Registers beforeAll/afterAll: the CI cluster when TEST_NATS_URLS is set (unless `own`), else one of this file's own.
 * Tests that kill nodes pass `own: true` (and `nodes` for a cluster of other than 3).
 */
export function useNatsCluster(options: { own?: boolean; nodes?: number } = {}): TestCluster {
  const cluster: TestCluster = { urls: [] };
  let dir: string | undefined;
  beforeAll(async () => {
    const shared = process.env.TEST_NATS_URLS;
    if (shared && !options.own) {
      cluster.urls = shared.split(',');
      return;
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-nats-'));
    cluster.layout = await startCluster({ dir, nodes: options.nodes });
    cluster.urls = clientUrls(cluster.layout);
  }, 60_000);
  afterAll(async () => {
    if (dir) {
      await stopCluster(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    } else if (cluster.urls.length > 0) {
      await dropRun(cluster.urls);
    }
  }, 60_000);
  return cluster;
}

/** Deletes every stream (topics' and buckets') this file's run made on a shared cluster. */
async function dropRun(urls: string[]): Promise<void> {
  const nc = await connect({ servers: urls });
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(RUN_PREFIX) || name.startsWith(`KV_${RUN_PREFIX}`)) names.push(name);
    for (const name of names) await jsm.streams.delete(name).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

/** Store options for tests: short timeouts, so a test about a lost quorum does not wait long. */
export function testStoreOptions(urls: string[], namespace: string) {
  return { servers: urls, namespace, replicas: 3, requestTimeoutMs: 5_000, produceTimeoutMs: 10_000, duplicateWindowMs: 120_000 };
}

export function openTestStore(urls: string[], namespace = freshNamespace()): Promise<JetStreamStore> {
  return openJetStreamStore(testStoreOptions(urls, namespace));
}

/** A stream's state as one node holds it. */
export interface StreamState {
  messages: number;
  bytes: number;
  first_seq: number;
  last_seq: number;
}

/** One node's own view of a namespace's partition streams (from its monitoring port, not the leader's word). */
export async function nodeStreams(node: ClusterNode, namespace: string): Promise<Map<string, StreamState>> {
  const jsz = (await (await fetch(monitorUrl(node, '/jsz?accounts=true&streams=true'))).json()) as {
    account_details?: { stream_detail?: { name: string; state: StreamState }[] }[];
  };
  const out = new Map<string, StreamState>();
  for (const account of jsz.account_details ?? []) {
    for (const s of account.stream_detail ?? []) if (s.name.startsWith(`${namespace}_`)) out.set(s.name, s.state);
  }
  return out;
}
