/** What every scenario gets: the run's settings, its sizes, and the floors measured before it. */
import type { HttpFloor } from '../floors/http.js';
import type { ReadFloor } from '../floors/read.js';
import type { StorageFloor } from '../floors/storage.js';
import type { BroadcastFloor } from '../floors/ws-broadcast.js';

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
  fanOutSockets: number;
  fanOutRecords: number;
  slowSockets: number;
  slowRecords: number;
  groupPartitions: number;
  groupMembers: number;
  groupRecords: number;
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
        fanOutSockets: 50,
        fanOutRecords: 5_000,
        slowSockets: 10,
        slowRecords: 20_000,
        groupPartitions: 12,
        groupMembers: 4,
        groupRecords: 20_000,
      }
    : {
        loadSec: 10,
        connections: 50,
        recordsPerBatch: 100,
        catchUpRecords: 1_000_000,
        catchUpPage: 10_000,
        tailRatePerSec: 10_000,
        tailSec: 10,
        fanOutSockets: 1_000,
        fanOutRecords: 10_000,
        slowSockets: 100,
        slowRecords: 200_000,
        groupPartitions: 12,
        groupMembers: 4,
        groupRecords: 200_000,
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
}
