/**
 * The keys of a KV bucket under a prefix, as the bucket stream's leader knows them.
 *
 * Not `kv.keys()`: that creates an ordered consumer, which the server may place on a follower that has
 * not applied the newest writes yet; it then reports none pending and misses a key written (and
 * acknowledged) a moment ago. CI saw exactly that: `deleteTopic` listed the groups, missed the one just
 * committed to, and left the deleted topic's offsets in it. Stream info with a subject filter is
 * answered by the stream leader, which has applied every acknowledged write. Deleted keys may be listed
 * (their delete marker is the subject's last message): callers read each entry anyway.
 */
import type { JetStreamManager } from '@nats-io/jetstream';

/** Lists the keys of one bucket under a prefix (ending in '.'). */
export type KeyLister = (prefix: string) => Promise<string[]>;

/**
 * Removes every key of one bucket matching `pattern` (a key, or a prefix ending in '.>'), with its history: no
 * delete markers left behind. With `upTo`, only the versions at or below that revision (a revision is the
 * message's sequence in the bucket's stream): a put since then stays.
 */
export async function purgeKeys(jsm: JetStreamManager, bucket: string, pattern: string, upTo?: number): Promise<void> {
  const filter = `$KV.${bucket}.${pattern}`;
  // `seq`: the server purges the filter's messages below it (never 1 here, revisions start at 1: nats-server
  // 2.9.10 purges every message of the filter for a `seq` of 1, as for none).
  await jsm.streams.purge(`KV_${bucket}`, upTo === undefined ? { filter } : { filter, seq: upTo + 1 });
}

export async function bucketKeys(jsm: JetStreamManager, bucket: string, prefix: string): Promise<string[]> {
  const subjectPrefix = `$KV.${bucket}.`;
  const info = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${subjectPrefix}${prefix}>` });
  return Object.keys(info.state.subjects ?? {})
    .map((s) => s.slice(subjectPrefix.length))
    .sort();
}
