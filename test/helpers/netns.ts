/**
 * A small network for partition tests: one Linux network namespace per NATS node, each joined by a
 * veth pair to a bridge in the test's own namespace, which has an address on the bridge too, so the
 * test and its gateways reach every node while a node can be cut off from its peers alone (an
 * nftables table inside its namespace drops its traffic to and from them; the test's own address
 * stays reachable).
 *
 * Needs root and iproute2 and nftables. Names are fresh per run (`lwn` and random hex), and each run
 * records its owner's pid under /run/logway-netns before it creates anything, so a later run removes
 * what a crashed one left (its node processes, namespaces and bridge) and never touches a live one.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NodePlacement } from '../../src/tools/nats-cluster.js';

const run = promisify(execFile);
const RECORDS = '/run/logway-netns';
const PARTITION_TABLE = 'logway_partition';
const SBIN = '/usr/sbin:/sbin';

/** Commands with /usr/sbin on the PATH (where Debian installs ip and nft). */
const env = { ...process.env, PATH: `${process.env.PATH ?? ''}:${SBIN}` };
const sh = async (command: string, args: string[], input?: string): Promise<string> => {
  if (input === undefined) return (await run(command, args, { env })).stdout;
  // execFile has no stdin option: nft reads its ruleset from a file.
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env }, (err, stdout, stderr) => (err ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
    child.stdin!.end(input);
  });
};
const shSync = (command: string, args: string[]): string => {
  try {
    return execFileSync(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return '';
  }
};

/** Why network namespaces cannot be used here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  for (const [tool, pkg] of [['ip', 'iproute2'], ['nft', 'nftables']]) {
    try {
      execFileSync(tool!, tool === 'ip' ? ['netns', 'list'] : ['--version'], { env, stdio: 'ignore' });
    } catch {
      return `${tool} is missing or fails (Debian package ${pkg})`;
    }
  }
  return undefined;
}

export interface NetnsLab {
  /** Where each node runs (pass to startCluster's placement). */
  placement: NodePlacement[];
  /** Drops all traffic between node `index` and the other nodes; the test's namespace still reaches it. */
  isolate(index: number): Promise<void>;
  /** Undoes isolate. */
  heal(index: number): Promise<void>;
  /** Kills what still runs in the namespaces, then removes them and the bridge (their veths go with them). */
  remove(): Promise<void>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Removes one run's namespaces (killing their processes first) and its bridge. */
function removeRun(tag: string): void {
  for (const line of shSync('ip', ['netns', 'list']).split('\n')) {
    const ns = line.split(' ')[0];
    if (!ns?.startsWith(tag)) continue;
    for (const pid of shSync('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    shSync('ip', ['netns', 'delete', ns]);
  }
  // The veths go with their namespaces; a bridge (or a veth whose namespace was never made) does not.
  for (const line of shSync('ip', ['-o', 'link', 'show']).split('\n')) {
    const name = line.split(': ')[1]?.split('@')[0];
    if (name?.startsWith(tag)) shSync('ip', ['link', 'delete', name]);
  }
  fs.rmSync(path.join(RECORDS, tag), { force: true });
}

/** What earlier runs left behind when their process died before its cleanup. */
export function removeLeftovers(): void {
  if (!fs.existsSync(RECORDS)) return;
  for (const tag of fs.readdirSync(RECORDS)) {
    const owner = Number(fs.readFileSync(path.join(RECORDS, tag), 'utf8'));
    if (!alive(owner)) removeRun(tag);
  }
}

/** A free /24 for the bridge: one no route of this machine already covers. */
async function freeSubnet(): Promise<string> {
  const routes = await sh('ip', ['-4', 'route', 'show', 'table', 'all']);
  for (;;) {
    const subnet = `10.231.${randomBytes(1)[0]}`;
    if (!routes.includes(`${subnet}.`)) return subnet;
  }
}

/** `count` namespaces on one bridge; the caller must call remove() (in afterAll). */
export async function createLab(count: number): Promise<NetnsLab> {
  removeLeftovers();
  const tag = `lwn${randomBytes(3).toString('hex')}`;
  fs.mkdirSync(RECORDS, { recursive: true });
  fs.writeFileSync(path.join(RECORDS, tag), String(process.pid));
  const subnet = await freeSubnet();
  const bridge = `${tag}br`;
  const placement: NodePlacement[] = Array.from({ length: count }, (_, i) => ({ netns: `${tag}n${i + 1}`, host: `${subnet}.${i + 2}` }));
  const lab: NetnsLab = {
    placement,
    async isolate(index) {
      const { netns } = placement[index]!;
      const peers = placement.filter((_, i) => i !== index).map((p) => p.host).join(', ');
      const rules = [
        `table inet ${PARTITION_TABLE} {`,
        `  chain input { type filter hook input priority 0; policy accept; ip saddr { ${peers} } drop; }`,
        `  chain output { type filter hook output priority 0; policy accept; ip daddr { ${peers} } drop; }`,
        '}',
      ].join('\n');
      await sh('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], rules);
    },
    async heal(index) {
      await sh('ip', ['netns', 'exec', placement[index]!.netns, 'nft', 'delete', 'table', 'inet', PARTITION_TABLE]);
    },
    async remove() {
      removeRun(tag);
    },
  };
  try {
    await sh('ip', ['link', 'add', bridge, 'type', 'bridge']);
    await sh('ip', ['addr', 'add', `${subnet}.1/24`, 'dev', bridge]);
    await sh('ip', ['link', 'set', bridge, 'up']);
    for (const [i, { netns, host }] of placement.entries()) {
      const veth = `${tag}v${i + 1}`;
      await sh('ip', ['netns', 'add', netns]);
      await sh('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
      await sh('ip', ['link', 'set', veth, 'master', bridge]);
      await sh('ip', ['link', 'set', veth, 'up']);
      await sh('ip', ['-n', netns, 'addr', 'add', `${host}/24`, 'dev', 'eth0']);
      await sh('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
      await sh('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    }
  } catch (err) {
    removeRun(tag);
    throw err;
  }
  return lab;
}
