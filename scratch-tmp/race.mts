import { openJetStreamStore } from '../src/storage/jetstream/open-store.js';
const urls = process.env.TEST_NATS_URLS!.split(',');
const store = await openJetStreamStore({ servers: urls, namespace: 'race' + Date.now().toString(36), replicas: 3, requestTimeoutMs: 5000, produceTimeoutMs: 10000, duplicateWindowMs: 120000 });
await store.createTopic('t', 2, {});
const outcomes = new Map<string, number>();
let stop = false;
const producers = Array.from({ length: 12 }, async () => {
  while (!stop) {
    try {
      const [o] = await store.append([{ topic: 't', records: [{ partition: 0, timestamp: Date.now(), key: null, value: 'a', headers: null } as any, { partition: 1, timestamp: Date.now(), key: null, value: 'b', headers: null } as any] }]);
      const k = o!.status === 'rejected' ? 'rejected:' + (o as any).reason : o!.status;
      outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    } catch (e) {
      const k = 'error:' + (e as any).code + ':' + String((e as Error).message).slice(0, 80);
      outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    }
  }
});
for (let i = 0; i < 8; i++) {
  await new Promise((r) => setTimeout(r, 100));
  await store.deleteTopic('t');
  await store.createTopic('t', 2, {});
}
stop = true;
await Promise.all(producers);
console.log(Object.fromEntries(outcomes));
await store.close();
