/**
 * The cost of authentication: single-record produce (as produce-single) on a gateway with an
 * administrator key, each request carrying an API key that may write the topic, against the same
 * load on a gateway without credentials, one after the other in the same run. What the key adds
 * per request: parsing the header, one Map lookup and one SHA-256 with a timing-safe compare, the
 * permission check, and (here unlimited) the quota lookup.
 */
import { startGateway } from '../lib/child.js';
import { CpuMeter } from '../lib/cpu.js';
import type { BenchContext } from '../lib/context.js';
import { httpLoad, type LoadResult } from '../lib/http-load.js';
import { produceBody } from '../lib/records.js';
import type { ScenarioRow } from '../lib/report.js';

const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

async function call(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

interface Measured {
  load: LoadResult;
  cpuCores: number | undefined;
  clientCpuCores: number | undefined;
  /** Server CPU per acknowledged request: what the key costs, whatever else shares the machine. */
  cpuUsPerRequest: number | undefined;
}

async function produce(ctx: BenchContext, withKey: boolean): Promise<Measured> {
  const label = withKey ? 'auth-key' : 'auth-off';
  const settings = { ...ctx.gatewaySettings, ...(withKey ? { adminKey: ADMIN_KEY } : {}) };
  const gateway = await startGateway({ synchronous: ctx.synchronous, settings, cpuProfDir: ctx.cpuProfDir, label });
  try {
    const admin: Record<string, string> = withKey ? { authorization: `Bearer ${ADMIN_KEY}` } : {};
    await call(`${gateway.url}/v1/topics`, 'POST', admin, { name: 'bench', partitions: 1 });
    let headers: Record<string, string> = {};
    if (withKey) {
      const created = await call(`${gateway.url}/v1/keys`, 'POST', admin, {
        name: 'bench-producer',
        permissions: [{ resource: 'topic:bench', actions: ['write'] }],
      });
      headers = { authorization: `Bearer ${created.key}` };
    }
    const url = `${gateway.url}/v1/topics/bench/records`;
    const body = produceBody(1);
    const warm = await httpLoad({ url, body, headers, connections: ctx.sizes.connections, durationSec: 1 });
    gateway.rss.reset();
    const client = new CpuMeter([process.pid]);
    const load = await httpLoad({ url, body, headers, connections: ctx.sizes.connections, durationSec: ctx.sizes.loadSec });
    const cpuCores = gateway.rss.cpuCores();
    const clientCpuCores = client.cores();
    if (load.ok === 0 || load.failed > 0 || warm.failed > 0) throw new Error(`${label}: ${load.failed + warm.failed} produce requests failed`);
    return { load, cpuCores, clientCpuCores, cpuUsPerRequest: cpuCores === undefined ? undefined : (cpuCores * 1e6) / load.requestsPerSec };
  } finally {
    await gateway.dispose();
  }
}

export async function authCost(ctx: BenchContext): Promise<ScenarioRow[]> {
  const offRun = await produce(ctx, false);
  const keyedRun = await produce(ctx, true);
  const off = offRun.load;
  const keyed = keyedRun.load;
  const ratio = keyed.requestsPerSec / off.requestsPerSec;
  return [
    {
      scenario: `produce, 1 record/request, ${ctx.sizes.connections} conns, with an API key on every request`,
      throughput: keyed.requestsPerSec,
      unit: 'records/s',
      latencyOf: 'request',
      latency: keyed.latency,
      cpuCores: keyedRun.cpuCores,
      clientCpuCores: keyedRun.clientCpuCores,
      floor: { name: 'the same load, authentication off', value: off.requestsPerSec },
      ratio,
      target: '>= 95%',
      met: ratio >= 0.95,
      notes:
        `authentication off: p99 ${off.latency.p99Ms.toFixed(2)} ms, server ${offRun.cpuCores?.toFixed(2)} cores; ` +
        `server CPU per request ${keyedRun.cpuUsPerRequest?.toFixed(0)} µs with the key, ${offRun.cpuUsPerRequest?.toFixed(0)} µs without`,
    },
  ];
}
