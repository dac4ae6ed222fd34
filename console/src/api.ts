/**
 * The console's only door to the gateway: its own REST API and WebSocket, on the origin the page
 * came from, with the tab's credential (sessionStorage) when there is one.
 */
import { CREDENTIAL_KEY } from './credential-key.js';

export interface PartitionOffsets {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
}
export interface Topic {
  name: string;
  partitions: number;
  config: {
    retentionMs?: number | null;
    retentionBytes?: number | null;
    cleanupPolicy?: 'delete' | 'compact' | 'compact,delete';
    deleteRetentionMs?: number;
    minCompactionLagMs?: number;
    valueSchemaValidation?: boolean;
    keySchemaValidation?: boolean;
  };
  createdAt: number;
  /** Records from the log starts to the high watermarks. */
  records: number;
  /** Records ever appended (the high watermarks' sum): its growth is the throughput. */
  appendedRecords: number;
  bytes: number;
  /** Absent: the console asks with partitionOffsets=false and pages partitions on their own. */
  partitionOffsets?: PartitionOffsets[];
}
export interface TopicPage {
  topics: Topic[];
  total: number;
  nextCursor?: string;
}
export interface PartitionSummary extends PartitionOffsets {
  bytes: number;
}
export interface PartitionPage {
  partitions: PartitionSummary[];
  total: number;
}
export interface LogRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  keyEncoding?: 'base64';
  value: unknown;
  valueEncoding?: 'base64';
  headers: Record<string, string>;
}
export interface TopicPartition {
  topic: string;
  partition: number;
}
export interface GroupSummary {
  group: string;
  state: 'empty' | 'reconciling' | 'stable';
  groupEpoch: number;
  members: number;
}
export interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: number | null;
  committedAt: number | null;
  logStartOffset: number;
  highWatermark: number;
  lag: number | null;
}
export interface GroupMember {
  memberId: string;
  memberEpoch: number;
  topics: string[];
  joinedAt: number;
  sessionExpiresAt: number;
  assignment: TopicPartition[];
  revoking: TopicPartition[];
  target: TopicPartition[];
}
export interface Group {
  group: string;
  state: GroupSummary['state'];
  groupEpoch: number;
  members: GroupMember[];
  offsets: PartitionLag[];
  totalLag: number;
}

/** An RFC 9457 problem from the gateway, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const credential = {
  get: (): string | null => sessionStorage.getItem(CREDENTIAL_KEY),
  set: (value: string) => sessionStorage.setItem(CREDENTIAL_KEY, value),
  clear: () => sessionStorage.removeItem(CREDENTIAL_KEY),
};

/** Told when the gateway answers 401: the app then asks for a key or token. */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const key = credential.get();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `the gateway did not answer (${String(err)})`);
  }
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (parsed ?? {}) as { code?: string; detail?: string; title?: string };
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, problem.code ?? String(res.status), problem.detail ?? problem.title ?? res.statusText);
  }
  return parsed as T;
}

const enc = encodeURIComponent;
export const paths = {
  topics: '/v1/topics',
  topic: (t: string) => `/v1/topics/${enc(t)}`,
  /** A page of topics with their totals, without per-partition bounds: its size is the page's, not the cluster's. */
  topicPage: (q: { limit: number; cursor?: string | undefined; contains?: string | undefined }) =>
    `/v1/topics?${new URLSearchParams({ limit: String(q.limit), partitionOffsets: 'false', ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.contains ? { contains: q.contains } : {}) })}`,
  topicSummary: (t: string) => `/v1/topics/${enc(t)}?partitionOffsets=false`,
  partitions: (t: string, from: number, limit: number) => `/v1/topics/${enc(t)}/partitions?from=${from}&limit=${limit}`,
  records: (t: string) => `/v1/topics/${enc(t)}/records`,
  groups: '/v1/groups',
  group: (g: string) => `/v1/groups/${enc(g)}`,
  reset: (g: string) => `/v1/groups/${enc(g)}/offsets/reset`,
};

/** RFC 7230 token characters: what a WebSocket subprotocol may hold. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Opens a topic's stream. The credential rides as the subprotocol `bearer.<credential>` (kept out of
 * URLs and so out of logs and history); one that is no valid subprotocol goes as ?access_token=.
 */
export function openTopicSocket(topic: string, query: Record<string, string>): WebSocket {
  const url = new URL(`/v1/topics/${enc(topic)}/ws`, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const key = credential.get();
  if (key && TOKEN.test(key)) return new WebSocket(url, ['logway', `bearer.${key}`]);
  if (key) url.searchParams.set('access_token', key);
  return new WebSocket(url);
}
