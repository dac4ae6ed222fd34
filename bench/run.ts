/**
 * `npm run bench [-- --quick] [--synchronous NORMAL] [--only a,b] [--profile] [--set key=value]... [--size key=value]... [--unpinned]`
 *
 * Starts the real gateway as a child process per scenario (fresh temp data dir),
 * drives it over loopback from this process, and measures the floors that bound
 * each scenario in the same run on the same machine, so every figure is shown
 * as a ratio to what the machine allows. Prints Markdown tables and writes JSON
 * to bench/results/. `--profile` writes the gateway's --cpu-prof profiles there too.
 * Figures are never asserted: CI runs `--quick` only so that the benchmark keeps working.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureHttpFloor, type HttpFloor } from './floors/http.js';
import { measureReadFloor } from './floors/read.js';
import { measureStorageFloor } from './floors/storage.js';
import { REPO_ROOT } from './lib/child.js';
import { sizesFor, type BenchContext, type Floors } from './lib/context.js';
import { machineInfo } from './lib/machine.js';
import { pinning, pinProcesses } from './lib/pinning.js';
import { formatReport, writeReport, type FloorRow, type ScenarioRow } from './lib/report.js';
import { catchUp } from './scenarios/catch-up.js';
import { consumerGroup } from './scenarios/consumer-group.js';
import { metricsCost } from './scenarios/metrics.js';
import { authCost } from './scenarios/auth.js';
import { schemasCost } from './scenarios/schemas.js';
import { peerNats } from './scenarios/peer-nats.js';
import { peerRedis } from './scenarios/peer-redis.js';
import { fanOut } from './scenarios/fan-out.js';
import { produceBatched, produceSingle } from './scenarios/produce.js';
import { slowConsumers } from './scenarios/slow-consumers.js';
import { tailLatency } from './scenarios/tail-latency.js';
import { tailers } from './scenarios/tailers.js';
import { parked } from './scenarios/parked.js';
import { retentionOwnTopic } from './scenarios/retention-own-topic.js';
import { retentionStall } from './scenarios/retention-stall.js';
import { compaction } from './scenarios/compaction.js';
import { groupJoin } from './scenarios/group-join.js';
import { spreadProduce } from './scenarios/spread-produce.js';
import { jetstreamProduce } from './scenarios/jetstream.js';

type FloorName = Exclude<keyof Floors, 'broadcast'>;

interface Scenario {
  name: string;
  needs: FloorName[];
  run: (ctx: BenchContext) => Promise<ScenarioRow[]>;
}

const SCENARIOS: Scenario[] = [
  { name: 'produce-batched', needs: ['storageBatch', 'httpBatch'], run: produceBatched },
  { name: 'produce-single', needs: ['storageSingle', 'httpSingle'], run: produceSingle },
  { name: 'catch-up', needs: ['read'], run: catchUp },
  { name: 'tail-latency', needs: [], run: tailLatency },
  // Measures its delivery floor itself, after the gateway, at the gateway's frame count.
  { name: 'fan-out', needs: [], run: fanOut },
  { name: 'slow-consumers', needs: [], run: slowConsumers },
  { name: 'consumer-group', needs: ['read'], run: consumerGroup },
  { name: 'metrics', needs: [], run: metricsCost },
  { name: 'auth', needs: [], run: authCost },
  { name: 'schemas', needs: [], run: schemasCost },
  // Scaling: each compares the gateway with itself in the same run, so they need no floor.
  { name: 'tailers', needs: [], run: tailers },
  { name: 'parked', needs: [], run: parked },
  { name: 'retention-stall', needs: [], run: retentionStall },
  { name: 'retention-own', needs: [], run: retentionOwnTopic },
  { name: 'compaction', needs: [], run: compaction },
  { name: 'group-join', needs: [], run: groupJoin },
  { name: 'spread-produce', needs: [], run: spreadProduce },
  // The JetStream store on a local 3-node cluster, against SQLite and against itself with two gateways.
  { name: 'jetstream', needs: [], run: jetstreamProduce },
  // Peers last: their rows compare with the gateway figures above (skipped in --quick).
  { name: 'peer-redis', needs: [], run: peerRedis },
  { name: 'peer-nats', needs: [], run: peerNats },
];

/** Floor names of the rows compared with a measured floor (the scaling rows compare the gateway with itself). */
const MEASURED_FLOORS = new Set(['composite', 'HTTP parse-only', 'read', 'delivery']);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      synchronous: { type: 'string', default: 'FULL' },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      set: { type: 'string', multiple: true },
      size: { type: 'string', multiple: true },
      unpinned: { type: 'boolean', default: false },
    },
  });
  const synchronous = values.synchronous?.toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new Error('--synchronous must be FULL or NORMAL');
  const quick = values.quick ?? false;
  const only = values.only?.split(',').map((s) => s.trim());
  const selected = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  if (only && selected.length !== only.length) {
    throw new Error(`--only takes scenario names: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  // --set key=value: a gateway setting (config.ts name) for every gateway started, to compare tunings.
  const gatewaySettings: Record<string, string> = Object.fromEntries(pairs(values.set, '--set'));
  const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
  const started = performance.now();
  const sizes = sizesFor(quick);
  // --size key=value: a scenario size (context.ts), e.g. --size retentionRecords=1000000.
  for (const [key, value] of pairs(values.size, '--size')) {
    const current = (sizes as unknown as Record<string, unknown>)[key];
    if (current === undefined) throw new Error(`--size takes one of ${Object.keys(sizes).join(', ')}`);
    const parsed = Array.isArray(current) ? value.split('/').map(Number) : Number(value);
    if ([parsed].flat().some((n) => !Number.isFinite(n) || n < 0)) throw new Error(`--size ${key} takes a number${Array.isArray(current) ? ' list like 0/100/1000' : ''}`);
    (sizes as unknown as Record<string, unknown>)[key] = parsed;
  }
  const floors: Floors = {};
  const floorRows: FloorRow[] = [];
  const ctx: BenchContext = {
    quick,
    synchronous,
    sizes,
    floors,
    cpuProfDir: values.profile ? path.join(resultsDir, 'profiles') : undefined,
    gatewaySettings,
    figures: {},
    addFloorRow: (row) => floorRows.push(row),
    progress: (message) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`),
  };
  const notPinned = pinProcesses(!values.unpinned);
  const pins = pinning();
  const machine = machineInfo(
    synchronous,
    quick,
    gatewaySettings,
    notPinned ?? `servers pinned to core ${pins.server}, the bench and its clients to core ${pins.client} (taskset)`,
  );

  const measureFloor: Record<FloorName, () => Promise<void>> = {
    storageBatch: async () => {
      // Group commit writes thousands of rows per transaction under load, not 100: the floor is the
      // best rate over a sweep of commit sizes that brackets what the gateway commits.
      for (const batchSize of sizes.storageSweep) {
        const f = measureStorageFloor({ synchronous, batchSize, durationSec: sizes.storageSweepSec });
        floorRows.push({ floor: `storage: raw inserts, ${f.batchSize} rows/txn`, value: f.rowsPerSec, unit: 'rows/s', latencyOf: 'commit', latency: f.latency });
        if (!floors.storageBatch || f.rowsPerSec > floors.storageBatch.rowsPerSec) floors.storageBatch = f;
      }
    },
    storageSingle: async () => {
      const f = (floors.storageSingle = measureStorageFloor({ synchronous, batchSize: 1, durationSec: Math.min(sizes.loadSec, 5) }));
      floorRows.push({ floor: 'storage: raw inserts, 1 row/txn', value: f.rowsPerSec, unit: 'rows/s', latencyOf: 'commit', latency: f.latency });
    },
    // The zod variants price validation beside the floor; --quick leaves them out.
    httpBatch: async () => {
      floors.httpBatch = await httpFloor('none', sizes.recordsPerBatch);
      if (!quick) await httpFloor('zod', sizes.recordsPerBatch);
    },
    httpSingle: async () => {
      floors.httpSingle = await httpFloor('none', 1);
      if (!quick) await httpFloor('zod', 1);
    },
    read: async () => {
      const f = (floors.read = measureReadFloor({ records: sizes.catchUpRecords, pageSize: sizes.catchUpPage }));
      floorRows.push({ floor: `read: SQLite range reads, ${f.pageSize}/page, the faster of rows and encoded JSON (${f.kind})`, value: f.rowsPerSec, unit: 'rows/s', latencyOf: 'page', latency: f.latency });
    },
  };

  async function httpFloor(validate: 'none' | 'zod', recordsPerRequest: number): Promise<HttpFloor> {
    const f = await measureHttpFloor({ validate, recordsPerRequest, connections: sizes.connections, durationSec: sizes.loadSec });
    const what = validate === 'none' ? 'JSON.parse + length check' : 'JSON.parse + zod (shown beside it)';
    floorRows.push({
      floor: `HTTP: bare hono, ${what}, ${f.recordsPerRequest === 1 ? '1 record' : `${f.recordsPerRequest} records`}/req, ${f.connections} conns`,
      value: f.recordsPerSec,
      unit: 'records/s',
      latencyOf: 'request',
      latency: f.latency,
      peakRssMiB: f.peakRssMiB,
      cpuCores: f.cpuCores,
      clientCpuCores: f.clientCpuCores,
    });
    return f;
  }

  const needed = new Set(selected.flatMap((s) => s.needs));
  for (const name of Object.keys(measureFloor) as FloorName[]) {
    if (!needed.has(name)) continue;
    ctx.progress(`floor ${name}`);
    await measureFloor[name]();
  }

  const rows: ScenarioRow[] = [];
  let failed = 0;
  for (const scenario of selected) {
    ctx.progress(`scenario ${scenario.name}`);
    try {
      rows.push(...(await scenario.run(ctx)));
    } catch (err) {
      failed++;
      const message = err instanceof Error ? err.message : String(err);
      ctx.progress(`scenario ${scenario.name} FAILED: ${err instanceof Error ? err.stack : message}`);
      rows.push({ scenario: scenario.name, skipped: `FAILED: ${message.split('\n')[0]}` });
    }
  }

  // A floor is what the gateway's work cannot beat; a figure above it means the floor leaves
  // out something the gateway does not (e.g. a commit size), so it is flagged, never shown as a success.
  for (const row of rows) {
    if (row.floor && MEASURED_FLOORS.has(row.floor.name) && row.ratio !== undefined && row.ratio > 1) {
      const flag = `ABOVE ITS FLOOR (${row.floor.name}): that floor does not bound this figure; see docs/performance.md`;
      row.notes = row.notes ? `${row.notes}; ${flag}` : flag;
    }
  }

  const report = {
    command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    machine,
    floors: floorRows,
    scenarios: rows,
    durationSec: (performance.now() - started) / 1000,
  };
  process.stdout.write(formatReport(report) + '\n');
  const file = writeReport(resultsDir, report);
  process.stdout.write(`\nJSON: ${path.relative(REPO_ROOT, file)}\n`);
  return failed ? 1 : 0;
}

function pairs(list: string[] | undefined, flag: string): [string, string][] {
  return (list ?? []).map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`${flag} takes key=value, not ${pair}`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
