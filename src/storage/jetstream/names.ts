/**
 * Names on the cluster. Everything a store writes lives under its namespace (a setting), so several
 * deployments (and every test run) share one cluster without meeting.
 *
 * Stream names are never reused: nats-server 2.9.10 can wedge a replica of a stream re-created under
 * a deleted stream's name (seen after a node restart: the replica later led and served a shorter log),
 * so each topic incarnation has a random id, and a topic deleted and created again gets new streams.
 */
import { randomBytes } from 'node:crypto';

export const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** A fresh random id for a topic incarnation: 16 characters of [a-z0-9]. */
export function newIncarnation(): string {
  return BigInt('0x' + randomBytes(10).toString('hex')).toString(36).padStart(16, '0').slice(-16);
}

export class ClusterNames {
  readonly namespace: string;

  constructor(namespace: string) {
    if (!NAMESPACE_PATTERN.test(namespace)) throw new Error(`invalid NATS namespace '${namespace}': 1-32 characters of [A-Za-z0-9_-]`);
    this.namespace = namespace;
  }

  stream(inc: string, partition: number): string {
    return `${this.namespace}_${inc}_${partition}`;
  }

  /** The subject a partition's batches are published to. */
  subject(inc: string, partition: number): string {
    return `${this.namespace}.d.${inc}.${partition}`;
  }

  /** The subjects of every partition of this namespace, or of one topic incarnation's. */
  dataWildcard(inc?: string): string {
    return inc === undefined ? `${this.namespace}.d.>` : `${this.namespace}.d.${inc}.*`;
  }

  /** Where the server republishes each stored batch's headers (the tail feed other gateways hear). */
  feedSubject(inc: string, partition: number): string {
    return `${this.namespace}.n.${inc}.${partition}`;
  }

  /** Every partition's feed. */
  get feedWildcard(): string {
    return `${this.namespace}.n.>`;
  }

  bucket(kind: 'meta' | 'leases'): string {
    return `${this.namespace}_${kind}`;
  }

  /** The stream prefix of every topic of this namespace (for cleaning up a test namespace). */
  get streamPrefix(): string {
    return `${this.namespace}_`;
  }
}

/** KV keys allow [-/_=.A-Za-z0-9] but not every arrangement of them: any name, as base64url. */
export const kvKey = (name: string): string => 'k' + Buffer.from(name, 'utf8').toString('base64url');
export const fromKvKey = (key: string): string => Buffer.from(key.slice(1), 'base64url').toString('utf8');
