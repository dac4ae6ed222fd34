import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
const nc = await connect({ servers: process.env.TEST_NATS_URLS!.split(',') });
const js = jetstream(nc); const jsm = await jetstreamManager(nc);
const name = 'place' + Date.now().toString(36);
const kv = await new Kvm(js).create(name, { replicas: 3, history: 1, allow_direct: false });
await kv.put('groups.a', 'x');
const si = await jsm.streams.info('KV_' + name);
const places: string[] = [];
for (let i = 0; i < 12; i++) {
  const oc = await js.consumers.getPushConsumer('KV_' + name, { filter_subject: `$KV.${name}.groups.>`, deliver_policy: 'last_per_subject' as any, headers_only: true });
  const info = await oc.info();
  places.push(String(info.cluster?.leader));
  await oc.delete().catch(() => undefined);
}
console.log('stream leader', si.cluster?.leader, 'consumer hosts', places.join(' '));
await jsm.streams.delete('KV_' + name); await nc.close();
