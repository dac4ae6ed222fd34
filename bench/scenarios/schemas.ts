/**
 * The cost of produce validation: batched produce (the bench's usual batch, as produce-batched) of
 * JSON objects to a topic bound to a JSON Schema (valueSchemaValidation; ajv's compiled validator,
 * cached per schema id), against the same load to the same topic without the binding, one after
 * the other in the same run.
 */
import { startGateway } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import { httpLoad, type LoadResult } from '../lib/http-load.js';
import type { ScenarioRow } from '../lib/report.js';
import { highWatermarks } from '../lib/rest.js';

const SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 0 },
    customer: { type: 'string', maxLength: 64 },
    email: { type: 'string', format: 'email' },
    lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } }, required: ['sku', 'qty'] } },
    note: { type: 'string' },
  },
  required: ['id', 'customer', 'lines'],
  additionalProperties: false,
};

/** About 200 bytes of JSON per record, the bench's record size, shaped as the schema says. */
function body(count: number): string {
  const records = Array.from({ length: count }, (_, i) => ({
    value: { id: i, customer: `customer-${i}`, email: `c${i}@example.com`, lines: [{ sku: `sku-${i % 97}`, qty: 1 + (i % 5) }], note: 'x'.repeat(70) },
  }));
  return JSON.stringify({ records });
}

async function call(url: string, method: string, payload: unknown): Promise<void> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
}

async function produce(ctx: BenchContext, withSchema: boolean, perRequest: number, connections: number): Promise<LoadResult> {
  const label = `schemas-${withSchema ? 'json-schema' : 'none'}-${perRequest}`;
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings: ctx.gatewaySettings, cpuProfDir: ctx.cpuProfDir, label });
  try {
    if (withSchema) await call(`${gateway.url}/registry/subjects/bench-value/versions`, 'POST', { schemaType: 'JSON', schema: JSON.stringify(SCHEMA) });
    await call(`${gateway.url}/v1/topics`, 'POST', { name: 'bench', partitions: 1, config: withSchema ? { valueSchemaValidation: true } : {} });
    const url = `${gateway.url}/v1/topics/bench/records`;
    const payload = body(perRequest);
    const warm = await httpLoad({ url, body: payload, connections, durationSec: 1 });
    // 10,000-record requests take ~0.5 s each on a quiet machine and several on a loaded one (CI runs --quick
    // beside other work): a load of --quick's 2 s could end before any of them was answered.
    const durationSec = perRequest >= 1_000 ? Math.max(ctx.sizes.loadSec, 10) : ctx.sizes.loadSec;
    const load = await httpLoad({ url, body: payload, connections, durationSec });
    // A refused request is a wrong answer: no figure. A request past autocannon's 10 s timeout is a
    // latency tail: reported in the row's notes, not a wrong answer (the high watermark check below still holds).
    const refused = Object.keys({ ...warm.failures, ...load.failures }).some((k) => k.startsWith('status'));
    if (load.ok === 0 || refused) {
      throw new Error(`${label}: ${load.failed + warm.failed} produce requests failed (warm-up ${JSON.stringify(warm.failures)}, load ${JSON.stringify(load.failures)})`);
    }
    // Every acknowledged record must be in the log: a fast wrong answer is no answer.
    const [hw] = await highWatermarks(gateway.url, 'bench');
    const acked = (warm.ok + load.ok) * perRequest;
    if (hw! < acked) throw new Error(`${label}: ${acked} records acknowledged but the high watermark is ${hw}`);
    return load;
  } finally {
    await gateway.dispose();
  }
}

/** The requests that timed out or lost their connection, when any did. */
function timedOut(plain: LoadResult, checked: LoadResult): string {
  const lost = (r: LoadResult) => (r.failures.timeouts ?? 0) + (r.failures.errors ?? 0);
  return lost(plain) + lost(checked) > 0 ? `; requests timed out (> 10 s) or errored: ${lost(checked)} with the schema, ${lost(plain)} without` : '';
}

/**
 * Two shapes: the bench's usual batch on its usual connections, and the 10,000-record
 * batches (the request limit, maxRecordsPerRequest) on 4 connections, each with and without the schema.
 */
export async function schemasCost(ctx: BenchContext): Promise<ScenarioRow[]> {
  const rows: ScenarioRow[] = [];
  for (const [perRequest, connections] of [
    [ctx.sizes.recordsPerBatch, ctx.sizes.connections],
    [10_000, 4],
  ] as const) {
    const plain = await produce(ctx, false, perRequest, connections);
    const checked = await produce(ctx, true, perRequest, connections);
    const ratio = checked.requestsPerSec / plain.requestsPerSec;
    rows.push({
      scenario: `produce, ${perRequest} records/request, ${connections} conns, topic bound to a JSON Schema`,
      throughput: checked.requestsPerSec * perRequest,
      unit: 'records/s',
      latencyOf: 'request',
      latency: checked.latency,
      floor: { name: 'the same load, no schema', value: plain.requestsPerSec * perRequest },
      ratio,
      target: '>= 70%',
      met: ratio >= 0.7,
      notes: `no schema: p99 ${plain.latency.p99Ms.toFixed(2)} ms${timedOut(plain, checked)}`,
    });
  }
  return rows;
}
