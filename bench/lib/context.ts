/** What every scenario gets: the run's settings, its sizes, and the floors measured before it. */
import type { HttpFloor } from '../floors/http.js';
import type { ReadFloor } from '../floors/read.js';
import type { StorageFloor } from '../floors/storage.js';
import type { BroadcastFloor } from '../floors/ws-broadcast.js';
import type { FloorRow } from './report.js';

export interface Sizes {
  /** Seconds of load per HTTP measurement (after a 1 s warm-up). */
  loadSec: number;
  connections: number;
  recordsPerBatch: number;
  catchUpRecords: number;
  /** Records per REST fetch, and per read-floor page. */
  catchUpPage: number;
  tailRatePerSec: number;
  tailSec: number;
  /** Seconds of the same tail load before the measured one (not counted: the gateway's code runs cold at first). */
  tailWarmSec: number;
  fanOutSockets: number;
  fanOutRecords: number;
  slowSockets: number;
  slowRecords: number;
  groupPartitions: number;
  groupMembers: number;
  groupRecords: number;
  /** Commit sizes of the storage floor's sweep (the floor is the best), and seconds per size. */
  storageSweep: number[];
  storageSweepSec: number;
  /** Peers: XADD entries pipelined (in pipelines of 100) and not pipelined. */
  peerXaddBatched: number;
  peerXaddSingle: number;
  /** Peers: JetStream publishes batched and one at a time (its JavaScript client is far slower than redis-benchmark). */
  peerNatsBatched: number;
  peerNatsSingle: number;
  /** Seconds of load (and of warm-up before it) per phase of the scaling scenarios (tailers ... spread-produce). */
  scalingSec: number;
  scalingWarmSec: number;
  /** tailers: single-record producers, and the tailer counts compared with none. */
  tailerProducers: number;
  tailerCounts: number[];
  /** parked: long-polls parked at once, and produce rounds. */
  parkedPolls: number;
  parkedRounds: number;
  /** retention-stall: expired records deleted while producers run. */
  retentionRecords: number;
  /** compaction: keyed records compacted while producers run, and their distinct keys. */
  compactionRecords: number;
  compactionKeys: number;
  /** group-join: members joining at once (the topic has as many partitions). */
  groupJoinMembers: number;
  /** spread-produce: topics single-record produce is spread over. */
  spreadTopics: number;
}

export function sizesFor(quick: boolean): Sizes {
  return quick
    ? {
        loadSec: 2,
        connections: 50,
        recordsPerBatch: 100,
        catchUpRecords: 20_000,
        catchUpPage: 10_000,
        tailRatePerSec: 10_000,
        tailSec: 2,
        tailWarmSec: 0.5,
        fanOutSockets: 50,
        fanOutRecords: 5_000,
        slowSockets: 10,
        slowRecords: 20_000,
        groupPartitions: 12,
        groupMembers: 4,
        groupRecords: 20_000,
        peerXaddBatched: 100_000,
        peerXaddSingle: 10_000,
        peerNatsBatched: 20_000,
        peerNatsSingle: 5_000,
        storageSweep: [100, 3_000],
        storageSweepSec: 1,
        scalingSec: 1,
        scalingWarmSec: 0.5,
        tailerProducers: 5,
        tailerCounts: [0, 100],
        parkedPolls: 500,
        parkedRounds: 1,
        retentionRecords: 20_000,
        compactionRecords: 20_000,
        compactionKeys: 1_000,
        groupJoinMembers: 50,
        spreadTopics: 50,
      }
    : {
        loadSec: 10,
        connections: 50,
        recordsPerBatch: 100,
        catchUpRecords: 1_000_000,
        catchUpPage: 10_000,
        tailRatePerSec: 10_000,
        tailSec: 10,
        tailWarmSec: 2,
        fanOutSockets: 1_000,
        fanOutRecords: 10_000,
        slowSockets: 100,
        slowRecords: 200_000,
        groupPartitions: 12,
        groupMembers: 4,
        groupRecords: 200_000,
        peerXaddBatched: 3_000_000,
        peerXaddSingle: 300_000,
        peerNatsBatched: 300_000,
        peerNatsSingle: 50_000,
        storageSweep: [100, 1_000, 3_000, 10_000],
        storageSweepSec: 3,
        scalingSec: 10,
        scalingWarmSec: 1,
        tailerProducers: 5,
        tailerCounts: [0, 100, 1_000],
        parkedPolls: 10_000,
        parkedRounds: 3,
        retentionRecords: 3_000_000,
        compactionRecords: 1_000_000,
        compactionKeys: 1_000,
        groupJoinMembers: 1_000,
        spreadTopics: 1_000,
      };
}

export interface Floors {
  storageBatch?: StorageFloor;
  storageSingle?: StorageFloor;
  httpBatch?: HttpFloor;
  httpSingle?: HttpFloor;
  read?: ReadFloor;
  broadcast?: BroadcastFloor;
}

export interface BenchContext {
  quick: boolean;
  synchronous: 'FULL' | 'NORMAL';
  sizes: Sizes;
  floors: Floors;
  /** Directory for the gateway's --cpu-prof output, when profiling. */
  cpuProfDir?: string;
  /** Extra gateway settings from --set (defaults otherwise). */
  gatewaySettings: Record<string, string>;
  progress(message: string): void;
  /** A floor a scenario measured itself (e.g. at the gateway's frame count). */
  addFloorRow(row: FloorRow): void;
  /** Gateway figures of this run that later rows compare with (the peers). */
  figures: Partial<Record<'produceBatched' | 'produceSingle' | 'restCatchUp' | 'wsCatchUp', number>>;
}
