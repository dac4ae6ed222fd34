/** How a JetStream store connects and what it asks of the cluster (from the LOGWAY_NATS_* settings). */
export interface JetStreamStoreOptions {
  /** nats:// URLs of the cluster's nodes (any of them is enough to connect; the client learns the rest). */
  servers: string[];
  /** Prefix of every stream and bucket this store uses. */
  namespace: string;
  /** Replicas of every stream and bucket (3 survives one node's loss). */
  replicas: number;
  /** How long one request to the cluster may take before it is retried or fails. */
  requestTimeoutMs: number;
  /** A produce that cannot be stored within this fails with UNAVAILABLE (503 + Retry-After). */
  produceTimeoutMs: number;
  /** How long the server remembers message ids to drop a retried batch (stream duplicate_window). */
  duplicateWindowMs: number;
  /** Bytes of decoded batches kept for re-reads (tails, long-polls); default 32 MiB. */
  batchCacheBytes?: number;
  /** Memory (SQLite page cache) of the index of keys derived from the partitions read by key; default 16 MiB. */
  keyIndexCacheBytes?: number;
  user?: string;
  pass?: string;
  token?: string;
  /** TLS: a CA file to verify the servers by (turns TLS on). */
  tlsCaFile?: string;
  /** A name shown in the servers' connection lists. */
  name?: string;
  /**
   * Connect only to `servers`, never to the other nodes the cluster advertises (tests that keep a
   * gateway on one side of a network partition).
   */
  pinServers?: boolean;
}
