/**
 * The group assignor: pure data in, pure data out (no I/O, no clock).
 *
 * Given the members with their subscriptions, each topic's partition count and the
 * current target assignment, it returns the new target assignment such that, per topic:
 * - every partition of a subscribed topic has exactly one owner among its subscribers;
 * - subscribers' partition counts differ by at most one (balance);
 * - a member keeps the partitions it already has wherever balance allows (stickiness),
 *   so a rebalance moves as few partitions as possible (KIP-848's server-side
 *   "uniform" assignor aims for the same; Kafka's CooperativeStickyAssignor too).
 * Deterministic: members and partitions are visited in sorted order, so the same input
 * always gives the same output (a restart recomputing it changes nothing).
 */

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface AssignorMember {
  memberId: string;
  /** Topics the member subscribes to. */
  topics: readonly string[];
  /** What the member holds in the current target assignment (may name stale partitions). */
  current: readonly TopicPartition[];
}

/** memberId -> its target partitions, sorted by topic then partition. Every member appears, possibly with []. */
export type Assignment = Map<string, TopicPartition[]>;

/**
 * @param partitionCounts partitions per topic; a subscribed topic missing here (deleted) gets no assignment.
 */
export function assign(members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>): Assignment {
  const result: Assignment = new Map();
  const sorted = [...members].sort((a, b) => compare(a.memberId, b.memberId));
  for (const m of sorted) result.set(m.memberId, []);

  const topics = [...new Set(sorted.flatMap((m) => m.topics))].sort(compare);
  for (const topic of topics) {
    const count = partitionCounts.get(topic) ?? 0;
    if (count <= 0) continue;
    const subscribers = sorted.filter((m) => m.topics.includes(topic));
    const owner = new Array<string | undefined>(count);

    // What each subscriber currently holds of this topic, first claim wins on duplicates.
    const kept = new Map<string, number[]>();
    for (const m of subscribers) {
      const mine: number[] = [];
      for (const tp of m.current) {
        if (tp.topic !== topic || !Number.isInteger(tp.partition) || tp.partition < 0 || tp.partition >= count) continue;
        if (owner[tp.partition] !== undefined) continue;
        owner[tp.partition] = m.memberId;
        mine.push(tp.partition);
      }
      kept.set(m.memberId, mine.sort((a, b) => a - b));
    }

    // Quotas: floor(count / n) each, and one more for `extra` of them. The extra slots go to
    // the members that already hold the most, so that as few partitions as possible move.
    const base = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    const byHeld = [...subscribers].sort(
      (a, b) => kept.get(b.memberId)!.length - kept.get(a.memberId)!.length || compare(a.memberId, b.memberId),
    );
    const quota = new Map<string, number>();
    byHeld.forEach((m, i) => quota.set(m.memberId, base + (i < extra ? 1 : 0)));

    // Members over quota give up their highest partitions.
    for (const m of subscribers) {
      const mine = kept.get(m.memberId)!;
      const q = quota.get(m.memberId)!;
      while (mine.length > q) owner[mine.pop()!] = undefined;
    }

    // Free partitions, lowest first, go to members under quota, in member order.
    let p = 0;
    for (const m of subscribers) {
      const mine = kept.get(m.memberId)!;
      const q = quota.get(m.memberId)!;
      while (mine.length < q) {
        while (owner[p] !== undefined) p++;
        owner[p] = m.memberId;
        mine.push(p);
      }
    }

    for (const m of subscribers) {
      const list = result.get(m.memberId)!;
      for (const partition of kept.get(m.memberId)!.sort((a, b) => a - b)) list.push({ topic, partition });
    }
  }
  for (const list of result.values()) list.sort(compareTopicPartition);
  return result;
}

export function compareTopicPartition(a: TopicPartition, b: TopicPartition): number {
  return compare(a.topic, b.topic) || a.partition - b.partition;
}

/** `orders/3`: a stable key for a topic-partition in sets and maps. */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}/${tp.partition}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
