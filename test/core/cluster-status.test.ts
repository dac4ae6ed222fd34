/**
 * Which partitions of a replicated store can take writes, by their leaders' reports (cluster-status.ts); the
 * cluster itself: test/cluster/readiness.test.ts.
 */
import { expect, test } from 'vitest';
import { ClusterStatus, quorumProblem } from '../../src/core/cluster-status.js';
import type { LogStore, PartitionReplicas, ReplicaState } from '../../src/storage/log-store.js';

const node = (name: string, state: Partial<ReplicaState> = {}): ReplicaState => ({ node: name, leader: false, current: true, lag: 0, offline: false, ...state });
const partition = (nodes: ReplicaState[], replicas = 3): PartitionReplicas => ({ topic: 't', partition: 0, replicas, nodes });

test('a partition has a quorum when its leader reports a majority of its replicas current and online', () => {
  expect(quorumProblem(partition([node('n1', { leader: true }), node('n2'), node('n3')]))).toBeUndefined();
  expect(quorumProblem(partition([node('n1', { leader: true }), node('n2'), node('n3', { current: false, lag: 7 })]))).toBeUndefined();
  expect(quorumProblem(partition([node('n1', { leader: true }), node('n2', { offline: true }), node('n3', { current: false, lag: 7 })]))).toBe(
    'no quorum: 1 of 3 replicas current, 2 needed (leader n1; n2 offline, n3 behind by 7)',
  );
  expect(quorumProblem(partition([]))).toMatch(/^no leader/);
  expect(quorumProblem(partition([node('n1', { leader: true })], 1))).toBeUndefined();
  expect(quorumProblem(partition([node('n1', { leader: true }), node('n2', { offline: true }), node('n3'), node('n4', { current: false }), node('n5', { offline: true })], 5))).toMatch(/^no quorum: 2 of 5/);
});

test('asks the store at most once per refresh period, however often it is asked; a topic it has not seen is asked alone', async () => {
  let now = 0;
  const asked: (string | undefined)[] = [];
  const led = partition([node('n1', { leader: true }), node('n2'), node('n3')]);
  const store = {
    replicaStatus: async (topic?: string) => {
      asked.push(topic);
      if (topic === 'new') return [{ ...led, topic: 'new', nodes: [] }];
      if (topic !== undefined) throw new Error('no such topic');
      return [led, { ...led, partition: 1, nodes: [] }];
    },
  } as unknown as LogStore;
  const status = new ClusterStatus(store, { now: () => now }, 1_000);
  expect(status.replicated).toBe(true);
  expect(await status.withoutQuorum()).toEqual([{ topic: 't', partition: 1, reason: expect.stringMatching(/^no leader/) }]);
  await status.partitions();
  now = 999;
  await status.withoutQuorum('t');
  expect(asked).toEqual([undefined]);
  now = 1_000;
  await status.partitions();
  expect(asked).toEqual([undefined, undefined]);
  expect(await status.withoutQuorum('new')).toEqual([{ topic: 'new', partition: 0, reason: expect.stringMatching(/^no leader/) }]);
  expect(asked).toEqual([undefined, undefined, 'new']);
  expect(new ClusterStatus({} as LogStore, { now: () => 0 }, 1_000).replicated).toBe(false);
});
