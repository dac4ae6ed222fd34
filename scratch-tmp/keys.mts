import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { bucketKeys } from '../src/storage/jetstream/kv-keys.js';
const nc = await connect({ servers: process.env.TEST_NATS_URLS!.split(',') });
const js = jetstream(nc); const jsm = await jetstreamManager(nc);
const name = 'keys' + Date.now().toString(36);
const kv = await new Kvm(js).create(name, { replicas: 3, history: 1, allow_direct: false });
let missOld = 0, missNew = 0;
for (let i = 0; i < 150; i++) {
  await kv.create(`groups.g${i}`, 'x');
  const old: string[] = []; for await (const k of await kv.keys('groups.>')) old.push(k);
  if (!old.includes(`groups.g${i}`)) missOld++;
  const now = await bucketKeys(jsm, name, 'groups.');
  if (!now.includes(`groups.g${i}`)) missNew++;
}
console.log({ missOld, missNew });
await jsm.streams.delete('KV_' + name); await nc.close();
