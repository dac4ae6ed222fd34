/** Result rows, the printed table, and the JSON written under bench/results/. */
import fs from 'node:fs';
import path from 'node:path';
import type { LatencySummary } from './histogram.js';
import type { MachineInfo } from './machine.js';

export interface ScenarioRow {
  scenario: string;
  /** Set when the feature under test is not available: the row is reported, not measured. */
  skipped?: string;
  throughput?: number;
  unit?: string;
  /** What the latency columns time. */
  latencyOf?: string;
  latency?: LatencySummary;
  peakRssMiB?: number;
  /** Cores the gateway (or the peer server) kept busy during the measurement. */
  cpuCores?: number;
  /** Cores the load generators (the bench process and its client workers) kept busy: near 1, the client is the bound. */
  clientCpuCores?: number;
  floor?: { name: string; value: number };
  ratio?: number;
  /** Shown instead of the ratio as a percentage, e.g. "3.5x p99". */
  ratioText?: string;
  target?: string;
  met?: boolean;
  notes?: string;
}

export interface FloorRow {
  floor: string;
  value: number;
  unit: string;
  latencyOf?: string;
  latency?: LatencySummary;
  peakRssMiB?: number;
  cpuCores?: number;
  clientCpuCores?: number;
}

export interface BenchReport {
  command: string;
  machine: MachineInfo;
  floors: FloorRow[];
  scenarios: ScenarioRow[];
  durationSec: number;
}

const num = (n: number | undefined) => (n === undefined ? '-' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(2));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

/** Markdown tables, so the same text goes to the terminal and into the README. */
export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const out: string[] = [];
  out.push(
    `Machine: ${m.cores} cores, ${m.cpuModel}, ${m.totalMemoryMiB} MiB RAM, Node ${m.node}, ${m.platform} ${m.kernel}; ` +
      `synchronous=${m.synchronous}; ${m.pinning ?? 'unpinned'}; load average at start ${m.loadAverageAtStart}${m.quick ? '; QUICK run (small counts, not for comparison)' : ''}` +
      (Object.keys(m.gatewaySettings).length ? `; gateway settings ${JSON.stringify(m.gatewaySettings)}` : ''),
  );
  out.push(`Command: ${report.command}   (${Math.round(report.durationSec)} s)`);
  out.push('');
  out.push(
    table(
      ['Floor (same run)', 'Rate', 'Unit', 'Latency of', 'p50 ms', 'p99 ms', 'p99.9 ms', 'Peak RSS MiB', 'Server CPU cores', 'Client CPU cores'],
      report.floors.map((f) => [
        f.floor,
        num(f.value),
        f.unit,
        ...latencyCells(f),
        num(f.peakRssMiB),
        num(f.cpuCores),
        num(f.clientCpuCores),
      ]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['Scenario', 'Throughput', 'Unit', 'Latency of', 'p50 ms', 'p99 ms', 'p99.9 ms', 'Server peak RSS MiB', 'Server CPU cores', 'Client CPU cores', 'Floor', 'Ratio', 'Target', 'Met'],
      report.scenarios.map((s) =>
        s.skipped !== undefined
          ? [s.scenario, `skipped: ${s.skipped}`, '', '', '', '', '', '', '', '', '', '', s.target ?? '', '']
          : [
              s.scenario,
              num(s.throughput),
              s.unit ?? '',
              ...latencyCells(s),
              num(s.peakRssMiB),
              num(s.cpuCores),
              num(s.clientCpuCores),
              s.floor ? `${s.floor.name} ${num(s.floor.value)}` : '-',
              s.ratioText ?? (s.ratio === undefined ? '-' : `${(s.ratio * 100).toFixed(0)}%`),
              s.target ?? '-',
              s.met === undefined ? '-' : s.met ? 'yes' : 'NO',
            ],
      ),
    ),
  );
  const notes = report.scenarios.filter((s) => s.notes);
  if (notes.length) {
    out.push('');
    for (const s of notes) out.push(`- ${s.scenario}: ${s.notes}`);
  }
  return out.join('\n');
}

export function writeReport(dir: string, report: BenchReport): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${report.machine.startedAt.replace(/[:.]/g, '-')}${report.machine.quick ? '-quick' : ''}.json`);
  const json = JSON.stringify(report, null, 2) + '\n';
  fs.writeFileSync(file, json);
  fs.writeFileSync(path.join(dir, report.machine.quick ? 'latest-quick.json' : 'latest.json'), json);
  return file;
}

/** The "Latency of", p50, p99 and p99.9 cells of a floor or scenario row. */
function latencyCells(row: { latencyOf?: string; latency?: { p50Ms?: number; p99Ms?: number; p999Ms?: number } }): string[] {
  return [row.latencyOf ?? '-', ms(row.latency?.p50Ms), ms(row.latency?.p99Ms), ms(row.latency?.p999Ms)];
}
