/**
 * `npm run bench [-- --quick] [--synchronous NORMAL] [--only a,b] [--profile] [--set key=value]...`
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
import { measureHttpFloor } from './floors/http.js';
import { measureReadFloor } from './floors/read.js';
import { measureStorageFloor } from './floors/storage.js';
import { measureBroadcastFloor } from './floors/ws-broadcast.js';
import { REPO_ROOT } from './lib/child.js';
import { sizesFor, type BenchContext, type Floors } from './lib/context.js';
import { machineInfo } from './lib/machine.js';
import { formatReport, writeReport, type FloorRow, type ScenarioRow } from './lib/report.js';
import { catchUp } from './scenarios/catch-up.js';
import { consumerGroup } from './scenarios/consumer-group.js';
import { metricsCost } from './scenarios/metrics.js';
import { fanOut } from './scenarios/fan-out.js';
import { produceBatched, produceSingle } from './scenarios/produce.js';
import { slowConsumers } from './scenarios/slow-consumers.js';
import { tailLatency } from './scenarios/tail-latency.js';

type FloorName = keyof Floors;

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
  { name: 'fan-out', needs: ['broadcast'], run: fanOut },
  { name: 'slow-consumers', needs: [], run: slowConsumers },
  { name: 'consumer-group', needs: ['read'], run: consumerGroup },
  { name: 'metrics', needs: [], run: metricsCost },
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      synchronous: { type: 'string', default: 'FULL' },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      set: { type: 'string', multiple: true },
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
  const gatewaySettings: Record<string, string> = {};
  for (const pair of values.set ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--set takes key=value, not ${pair}`);
    gatewaySettings[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
  const started = performance.now();
  const sizes = sizesFor(quick);
  const floors: Floors = {};
  const floorRows: FloorRow[] = [];
  const ctx: BenchContext = {
    quick,
    synchronous,
    sizes,
    floors,
    cpuProfDir: values.profile ? path.join(resultsDir, 'profiles') : undefined,
    gatewaySettings,
    progress: (message) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${message}\n`),
  };
  const machine = machineInfo(synchronous, quick, gatewaySettings);

  const measureFloor: Record<FloorName, () => Promise<void>> = {
    storageBatch: async () => {
      const f = (floors.storageBatch = measureStorageFloor({ synchronous, batchSize: sizes.recordsPerBatch, durationSec: sizes.loadSec }));
      floorRows.push({ floor: `storage: raw inserts, ${f.batchSize} rows/txn`, value: f.rowsPerSec, unit: 'rows/s', latencyOf: 'commit', latency: f.latency });
    },
    storageSingle: async () => {
      const f = (floors.storageSingle = measureStorageFloor({ synchronous, batchSize: 1, durationSec: Math.min(sizes.loadSec, 5) }));
      floorRows.push({ floor: 'storage: raw inserts, 1 row/txn', value: f.rowsPerSec, unit: 'rows/s', latencyOf: 'commit', latency: f.latency });
    },
    httpBatch: async () => {
      const f = (floors.httpBatch = await measureHttpFloor({ recordsPerRequest: sizes.recordsPerBatch, connections: sizes.connections, durationSec: sizes.loadSec }));
      floorRows.push({ floor: `HTTP: bare hono + zod, ${f.recordsPerRequest} records/req, ${f.connections} conns`, value: f.recordsPerSec, unit: 'records/s', latencyOf: 'request', latency: f.latency, peakRssMiB: f.peakRssMiB, cpuCores: f.cpuCores });
    },
    httpSingle: async () => {
      const f = (floors.httpSingle = await measureHttpFloor({ recordsPerRequest: 1, connections: sizes.connections, durationSec: sizes.loadSec }));
      floorRows.push({ floor: `HTTP: bare hono + zod, 1 record/req, ${f.connections} conns`, value: f.recordsPerSec, unit: 'records/s', latencyOf: 'request', latency: f.latency, peakRssMiB: f.peakRssMiB, cpuCores: f.cpuCores });
    },
    read: async () => {
      const f = (floors.read = measureReadFloor({ records: sizes.catchUpRecords, pageSize: sizes.catchUpPage }));
      floorRows.push({ floor: `read: raw SQLite range reads, ${f.pageSize}/page`, value: f.rowsPerSec, unit: 'rows/s', latencyOf: 'page', latency: f.latency });
    },
    broadcast: async () => {
      const f = (floors.broadcast = await measureBroadcastFloor({ sockets: sizes.fanOutSockets, records: sizes.fanOutRecords, batch: sizes.recordsPerBatch }));
      floorRows.push({ floor: `delivery: bare ws broadcast, ${f.sockets} sockets, ${f.batch}/frame`, value: f.deliveriesPerSec, unit: 'records/s (all sockets)', peakRssMiB: f.peakRssMiB, cpuCores: f.cpuCores });
    },
  };

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

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
