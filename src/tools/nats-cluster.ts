/**
 * A local NATS JetStream cluster for development and tests: `npm run cluster:up -- [--dir d] [--nodes 3]`
 * starts the nodes on free loopback ports and prints the URLs for LOGWAY_NATS_URLS; `npm run cluster:down
 * -- [--dir d]` stops them. Each node runs in its own session and process group (setsid), so a signal
 * sent to the test runner or to the shell that started it does not reach the nodes; they are stopped
 * only by `down`, by their recorded pids. The layout (ports, pids, configs, logs) is kept in
 * `<dir>/cluster.json`, so `down`, and tests that kill and restart a node, find them again.
 *
 * Tests of network partitions place each node in a Linux network namespace of its own (`placement`):
 * the node then listens on that namespace's address and is started through `ip netns exec`.
 *
 * Not for production: one machine, loopback only, no TLS or credentials.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePorts } from './free-ports.js';

export interface ClusterNode {
  name: string;
  clientPort: number;
  clusterPort: number;
  monitorPort: number;
  configFile: string;
  logFile: string;
  storeDir: string;
  pid?: number;
  /** The address the node listens on (default 127.0.0.1). */
  host?: string;
  /** The Linux network namespace the node runs in (default: the caller's). */
  netns?: string;
}

/** Where one node runs: a network namespace and its address there. */
export interface NodePlacement {
  host: string;
  netns: string;
}

export interface ClusterLayout {
  dir: string;
  nodes: ClusterNode[];
}

const LAYOUT_FILE = 'cluster.json';
const DEFAULT_DIR = '.nats-cluster';

/** Debian installs nats-server in /usr/sbin, which a non-root PATH often lacks. NATS_SERVER overrides. */
export function natsServerBinary(): string {
  if (process.env.NATS_SERVER) return process.env.NATS_SERVER;
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/bin', '/usr/bin']) {
    const candidate = path.join(dir, 'nats-server');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('nats-server not found: install it (Debian: apt-get install nats-server) or set NATS_SERVER');
}

const hostOf = (node: ClusterNode): string => node.host ?? '127.0.0.1';

export const clientUrl = (node: ClusterNode): string => `nats://${hostOf(node)}:${node.clientPort}`;
export const clientUrls = (layout: ClusterLayout): string[] => layout.nodes.map(clientUrl);
/** The node's monitoring endpoint (/healthz, /jsz, ...). */
export const monitorUrl = (node: ClusterNode, p: string): string => `http://${hostOf(node)}:${node.monitorPort}${p}`;

/** `ip` (iproute2), which Debian installs in /usr/sbin. */
function ipBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin']) {
    const candidate = path.join(dir, 'ip');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('ip (iproute2) not found: it starts nodes inside network namespaces');
}

function nodeConfig(node: ClusterNode, all: ClusterNode[]): string {
  const routes = all.map((n) => `nats-route://${hostOf(n)}:${n.clusterPort}`).join(', ');
  return [
    `server_name: ${node.name}`,
    `listen: ${hostOf(node)}:${node.clientPort}`,
    `http: ${hostOf(node)}:${node.monitorPort}`,
    // A produce request of up to the gateway's default body limit fits one message per partition.
    'max_payload: 8MB',
    `jetstream { store_dir: ${JSON.stringify(node.storeDir)} }`,
    `cluster { name: logway, listen: ${hostOf(node)}:${node.clusterPort}, routes: [${routes}] }`,
    '',
  ].join('\n');
}

/** Starts (or restarts) one node of a layout in its own session; records its pid. */
export function startNode(node: ClusterNode): void {
  const log = fs.openSync(node.logFile, 'a');
  const server = [natsServerBinary(), '-c', node.configFile];
  // `ip netns exec` enters the namespace and execs the server: the pid recorded is the server's.
  const [command, ...args] = node.netns ? [ipBinary(), 'netns', 'exec', node.netns, ...server] : server;
  const child = spawn(command!, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  node.pid = child.pid;
}

const alive = (pid: number | undefined): boolean => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Signals one node by its recorded pid and waits (up to `waitMs`) for it to exit. */
export async function signalNode(node: ClusterNode, signal: NodeJS.Signals, waitMs = 10_000): Promise<void> {
  if (!alive(node.pid)) return;
  process.kill(node.pid!, signal);
  const deadline = Date.now() + waitMs;
  while (alive(node.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  if (alive(node.pid)) process.kill(node.pid!, 'SIGKILL');
}

/** Resolves once every node answers /healthz and the JetStream meta group has a leader. */
export async function waitHealthy(layout: ClusterLayout, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const checks = await Promise.all(
        layout.nodes.map(async (n) => {
          const health = await fetch(monitorUrl(n, '/healthz'));
          const jsz = (await (await fetch(monitorUrl(n, '/jsz'))).json()) as { meta_cluster?: { leader?: string } };
          return health.ok && !!jsz.meta_cluster?.leader;
        }),
      );
      if (checks.every(Boolean)) return;
      last = 'not every node is healthy with a meta leader yet';
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the NATS cluster in ${layout.dir} did not become healthy in ${timeoutMs} ms (${last}); see the node logs there`);
}

/**
 * Starts a new cluster of `nodes` nodes with its data in `dir` (which must not hold one already running);
 * with `placement`, one node per entry, each in its network namespace.
 */
export async function startCluster(options: { dir: string; nodes?: number; placement?: NodePlacement[] }): Promise<ClusterLayout> {
  const dir = path.resolve(options.dir);
  const count = options.placement?.length ?? options.nodes ?? 3;
  const existing = readLayout(dir);
  if (existing?.nodes.some((n) => alive(n.pid))) throw new Error(`a cluster is already running in ${dir}: run cluster:down first`);
  fs.mkdirSync(dir, { recursive: true });
  const ports = await freePorts(count * 3);
  const nodes: ClusterNode[] = Array.from({ length: count }, (_, i) => ({
    name: `n${i + 1}`,
    clientPort: ports[i * 3]!,
    clusterPort: ports[i * 3 + 1]!,
    monitorPort: ports[i * 3 + 2]!,
    configFile: path.join(dir, `n${i + 1}.conf`),
    logFile: path.join(dir, `n${i + 1}.log`),
    storeDir: path.join(dir, `n${i + 1}`),
    ...options.placement?.[i],
  }));
  const layout: ClusterLayout = { dir, nodes };
  for (const node of nodes) fs.writeFileSync(node.configFile, nodeConfig(node, nodes));
  for (const node of nodes) startNode(node);
  writeLayout(layout);
  try {
    await waitHealthy(layout);
  } catch (err) {
    await stopCluster(dir);
    throw err;
  }
  return layout;
}

export function readLayout(dir: string): ClusterLayout | undefined {
  const file = path.join(path.resolve(dir), LAYOUT_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterLayout) : undefined;
}

export function writeLayout(layout: ClusterLayout): void {
  fs.writeFileSync(path.join(layout.dir, LAYOUT_FILE), JSON.stringify(layout, null, 2));
}

/** Stops every node of the cluster in `dir` (SIGTERM, then SIGKILL after 10 s). Its data stays. */
export async function stopCluster(dir: string): Promise<void> {
  const layout = readLayout(dir);
  if (!layout) return;
  await Promise.all(layout.nodes.map((n) => signalNode(n, 'SIGTERM')));
  for (const n of layout.nodes) delete n.pid;
  writeLayout(layout);
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i !== -1 ? args[i + 1] : undefined;
  };
  const dir = option('--dir') ?? DEFAULT_DIR;
  if (command === 'up') {
    const layout = await startCluster({ dir, nodes: Number(option('--nodes') ?? 3) });
    process.stdout.write(`${clientUrls(layout).join(',')}\n`);
  } else if (command === 'down') {
    await stopCluster(dir);
  } else {
    process.stderr.write('usage: nats-cluster up|down [--dir <folder>] [--nodes <n>]\n');
    process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((err: unknown) => {
    process.stderr.write(`nats-cluster: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
