/**
 * The local cluster script: nodes on free ports, in process groups of their own (so a signal to
 * the test runner's group never reaches them), a working JetStream quorum, and a clean stop.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect, it, onTestFinished } from 'vitest';
import { clientUrls, readLayout, startCluster, stopCluster } from '../../src/tools/nats-cluster.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('starts 3 nodes in their own process groups with a JetStream quorum, and stops them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-cluster-'));
  onTestFinished(async () => {
    await stopCluster(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const layout = await startCluster({ dir });
  const ownGroup = Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(process.pid)], { encoding: 'utf8' }).trim());
  expect(layout.nodes).toHaveLength(3);
  for (const node of layout.nodes) {
    const [pgid, sid] = execFileSync('ps', ['-o', 'pgid=,sid=', '-p', String(node.pid)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    // Its own session and group: it leads both.
    expect(pgid).toBe(node.pid);
    expect(sid).toBe(node.pid);
    expect(pgid).not.toBe(ownGroup);
  }
  // A replicated stream can be made: the three nodes form a quorum.
  const nc = await connect({ servers: clientUrls(layout) });
  onTestFinished(() => nc.close());
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.add({ name: 'probe', subjects: ['probe'], num_replicas: 3 });
  expect(info.cluster?.replicas).toHaveLength(2);
  await nc.close();

  await stopCluster(dir);
  for (const node of layout.nodes) expect(alive(node.pid!)).toBe(false);
  expect(readLayout(dir)!.nodes.every((n) => n.pid === undefined)).toBe(true);
  // The data stays for a later start.
  expect(fs.existsSync(layout.nodes[0]!.storeDir)).toBe(true);
});
