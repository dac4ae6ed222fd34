/**
 * Connecting a JetStream store: one connection to the cluster (which reconnects on its own to any
 * node), the metadata bucket made if missing, then the topics loaded and the tail feed followed.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamStore } from './jetstream-store.js';
import { bucketKeys } from './kv-keys.js';
import { ClusterNames } from './names.js';
import type { JetStreamStoreOptions } from './store-options.js';

export type { JetStreamStoreOptions } from './store-options.js';

export async function openJetStreamStore(options: JetStreamStoreOptions): Promise<JetStreamStore> {
  const names = new ClusterNames(options.namespace);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      name: options.name ?? 'logway',
      timeout: options.requestTimeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ignoreClusterUpdates: options.pinServers,
      user: options.user,
      pass: options.pass,
      token: options.token,
      tls: options.tlsCaFile ? { caFile: options.tlsCaFile } : undefined,
    });
  } catch (err) {
    throw new Error(`cannot connect to the NATS cluster at ${options.servers.join(',')}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const js = jetstream(nc, { timeout: options.requestTimeoutMs });
    const jsm = await jetstreamManager(nc, { timeout: options.requestTimeoutMs });
    // One bucket for topics, groups, idempotency keys and credentials (key prefixes): one stream to create.
    // Direct gets off: a follower could answer a read from before the write that was just acknowledged.
    const meta = await new Kvm(js).create(names.bucket('meta'), { replicas: options.replicas, history: 1, allow_direct: false });
    // Creating and deleting streams waits for Raft elections: longer than a request should.
    const admin = await jetstreamManager(nc, { timeout: Math.max(30_000, options.requestTimeoutMs) });
    const store = new JetStreamStore({
      options,
      names,
      nc,
      js,
      jsm,
      admin,
      meta,
      keys: (prefix) => bucketKeys(jsm, names.bucket('meta'), prefix),
    });
    await store.start();
    return store;
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw err;
  }
}
