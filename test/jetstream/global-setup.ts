/**
 * Once per `npm run test:jetstream`: the cluster the suites' gateways use (CI's, TEST_NATS_URLS, or one
 * started here in a temporary folder and stopped at the end), named to them the way a user names it:
 * LOGWAY_STORE=jetstream and LOGWAY_NATS_URLS, which every test file's process inherits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clientUrls, startCluster, stopCluster } from '../../src/tools/nats-cluster.js';

export default async function setup(): Promise<() => Promise<void>> {
  let dir: string | undefined;
  let urls = process.env.TEST_NATS_URLS;
  if (!urls) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logway-nats-'));
    urls = clientUrls(await startCluster({ dir })).join(',');
    // test/helpers/nats-cluster.ts then uses this cluster too (and drops each file's streams after it).
    process.env.TEST_NATS_URLS = urls;
  }
  process.env.LOGWAY_STORE = 'jetstream';
  process.env.LOGWAY_NATS_URLS = urls;
  return async () => {
    if (!dir) return;
    await stopCluster(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
